"""Chart data from a large table: read in chunks, the same frames as from the whole table, bounded memory.

The reference is ``chart_data`` and ``unit_of`` over ``read_table`` (the whole table in memory, as
before streaming); ``Table`` reads the same file a few rows at a time (``rows``), so that every
view below crosses many chunks.
"""

from __future__ import annotations

import json
import random
import tracemalloc
from pathlib import Path

import pandas as pd
import pytest

from portal.charts.data import TooManyRows, chart_data, read_table, unit_of
from portal.charts.declaration import AGGREGATES, MAX_ROWS, View, read_views
from portal.charts.render import content_hash
from portal.charts.stream import Table, UnreadableTable
from portal.charts.summary import text_alternative
from tests.hostile.conftest import assert_no_traceback, run_portal

FIELDS = [
    {"name": "annee", "type": "year"},
    {"name": "dispositif", "type": "string"},
    {"name": "zone", "type": "string"},
    {"name": "participants", "type": "integer"},
    {"name": "budget", "type": "number", "decimalChar": ",", "groupChar": " "},
    {"name": "unite", "type": "string"},
]
RESOURCE = {"name": "t", "path": "t.csv", "dialect": {"delimiter": ";"}, "schema": {"fields": FIELDS}}
DEVICES = ["Budget participatif", "Conseil de quartier", "Atelier", "", "Jury citoyen"]


def write_table(path: Path, rows: int, seed: int = 7, zones: int = 4) -> Path:
    """Rows with repeated groups, empty cells (missing keys and values) and decimals whose sum depends on order."""
    rng = random.Random(seed)
    lines = ["annee;dispositif;zone;participants;budget;unite"]
    for _ in range(rows):
        year = "" if rng.random() < 0.05 else str(rng.randint(2015, 2020))
        participants = "" if rng.random() < 0.1 else str(rng.randint(-50, 20_000))
        budget = "" if rng.random() < 0.1 else f"{rng.uniform(-1e6, 1e9):.6f}".replace(".", ",")
        if budget and rng.random() < 0.2:
            budget = f"1 {budget}"  # a thousands separator
        zone = f"Z{rng.randint(1, zones)}"
        lines.append(f"{year};{rng.choice(DEVICES)};{zone};{participants};{budget};euros")
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def view(**declared) -> View:
    """A view as read_views makes it from this declaration (filters, sort, aggregate and format included)."""
    declared = {"name": "v", "resource": "t", "type": "bar", "title": "V", **declared}
    known = ("name", "resource", "type", "title", "x", "y", "color", "filter", "sort", "aggregate", "format")
    return View(**{k: declared[k] for k in known if k in declared}, declaration=declared)


FILTERS = [{}, {"zone": "Z2"}, {"zone": ["Z1", "Z3"], "annee": [2016, "2017", 2019]}, {"dispositif": "absent"}]
VIEWS = [
    *(
        view(x=x, y=y, color=color, aggregate=how, filter=wanted, sort=sort, type="grouped-bar" if color else "bar")
        for how in AGGREGATES
        for y in ("participants", "budget")
        for x, color in (("dispositif", None), ("annee", "dispositif"))
        for wanted in FILTERS
        for sort in (None, "-y")
    ),
    view(x="dispositif", y="zone", aggregate="count", filter={"annee": 2018}),
    *(view(x="annee", y="budget", filter=wanted, sort="x") for wanted in FILTERS[1:]),
]


def expected(v: View, whole: pd.DataFrame):
    try:
        return chart_data(v, whole), unit_of(v, whole)
    except TooManyRows:
        return TooManyRows, None


def streamed(table: Table, v: View):
    try:
        return table.chart(v)
    except TooManyRows:
        return TooManyRows, None


@pytest.fixture(scope="module")
def table_path(tmp_path_factory) -> Path:
    return write_table(tmp_path_factory.mktemp("grande") / "t.csv", 1500)


@pytest.mark.parametrize("rows", [53, 700])
def test_chunked_chart_data_equals_the_whole_table(table_path, rows):
    whole = read_table(table_path, RESOURCE)
    table = Table(table_path, RESOURCE, VIEWS, rows=rows)  # one pass for every view
    for v in VIEWS:
        data, unit = streamed(table, v)
        reference, reference_unit = expected(v, whole)
        assert reference is not TooManyRows and data is not TooManyRows, v.declaration
        pd.testing.assert_frame_equal(data, reference, check_exact=True)
        assert list(data.dtypes) == list(reference.dtypes)
        assert unit == reference_unit
        # The cached chart stays valid: same text alternative, same content hash.
        assert text_alternative(v, data, unit) == text_alternative(v, reference, reference_unit)
        assert content_hash(v, data, unit, None) == content_hash(v, reference, reference_unit, None)


def test_one_row_a_chunk_changes_nothing(tmp_path):
    path = write_table(tmp_path / "t.csv", 150)
    whole = read_table(path, RESOURCE)
    views = [view(x="annee", y="budget", color="zone", type="grouped-bar", aggregate=how) for how in AGGREGATES]
    table = Table(path, RESOURCE, views, rows=1)
    for v in views:
        data, unit = table.chart(v)
        pd.testing.assert_frame_equal(data, chart_data(v, whole), check_exact=True)
        assert unit == unit_of(v, whole) == "euros"


def test_decimal_sums_and_means_match_to_the_last_bit(tmp_path):
    """Adding up the chunks' sums would differ from pandas' compensated sum over the whole column."""
    rng = random.Random(3)
    lines = ["annee;dispositif;zone;participants;budget;unite"]
    for _ in range(2000):  # magnitudes from a thousandth to a thousand billion: the order of additions shows
        amount = rng.choice([-1, 1]) * rng.random() * 10 ** rng.randint(-3, 12)
        lines.append(f"2018;Atelier;Z{rng.randint(1, 3)};1;{amount!r};euros".replace(".", ","))
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    whole = read_table(path, RESOURCE)
    for how in ("sum", "mean"):
        v = view(x="zone", y="budget", aggregate=how)
        data, _ = Table(path, RESOURCE, [v], rows=7).chart(v)
        assert data["budget"].tolist() == chart_data(v, whole)["budget"].tolist()
    partials = [whole.iloc[i : i + 7].groupby("zone")["budget"].sum() for i in range(0, len(whole), 7)]
    naive = pd.concat(partials).groupby(level=0).sum()
    reference = whole.groupby("zone", sort=False)["budget"].sum()
    assert (naive.reindex(reference.index) != reference).any(), "the data should tell a naive sum apart"


def test_more_than_max_rows_is_refused_alike(tmp_path):
    path = write_table(tmp_path / "t.csv", MAX_ROWS + 40, zones=MAX_ROWS * 2)
    whole = read_table(path, RESOURCE)
    views = [
        view(x="annee", y="budget"),  # every row
        view(x="zone", y="participants", aggregate="sum"),  # almost one group a row
        view(x="annee", y="budget", filter={"zone": [f"Z{i}" for i in range(1, 40)]}),  # a few rows: drawn
    ]
    table = Table(path, RESOURCE, views, rows=500)
    for v in views:
        data, _ = streamed(table, v)
        reference, _ = expected(v, whole)
        assert (data is TooManyRows) == (reference is TooManyRows)
    assert expected(views[2], whole)[0] is not TooManyRows


def test_rows_beyond_the_limit_are_not_read(tmp_path, monkeypatch):
    """Refused at MAX_ROWS + 1 rows: the rest of the table is not read (nor a broken line down there)."""
    import portal.charts.stream as stream

    path = write_table(tmp_path / "t.csv", MAX_ROWS * 10)
    with path.open("a", encoding="utf-8") as file:
        file.write('2018;"Atelier;Z1;1;1;euros\n')  # an unterminated quote: the parser fails here
    with pytest.raises(ValueError):
        read_table(path, RESOURCE)
    read, real = [], stream.read_chunks

    def counted(*args):  # the real reader, its chunks counted
        for chunk in real(*args):
            read.append(len(chunk))
            yield chunk

    monkeypatch.setattr(stream, "read_chunks", counted)
    v = view(x="annee", y="budget")
    with pytest.raises(TooManyRows):
        Table(path, RESOURCE, [v], rows=1000).chart(v)
    assert sum(read) <= MAX_ROWS + 1000
    aggregated = view(x="zone", y="participants", aggregate="sum")
    with pytest.raises(UnreadableTable):  # an aggregate needs every row: it meets the broken line
        Table(path, RESOURCE, [aggregated], rows=1000).chart(aggregated)


def test_a_view_s_error_stays_its_own(table_path):
    broken = view(x="dispositif", y="participants", aggregate="sum", filter={"inconnu": 1})
    fine = view(x="dispositif", y="participants", aggregate="sum")
    table = Table(table_path, RESOURCE, [broken, fine], rows=100)
    with pytest.raises(KeyError):
        table.chart(broken)
    data, _ = table.chart(fine)
    pd.testing.assert_frame_equal(data, chart_data(fine, read_table(table_path, RESOURCE)), check_exact=True)


def test_memory_stays_bounded_on_a_table_of_tens_of_megabytes(tmp_path):
    path = tmp_path / "t.csv"
    line = "2018;Conseil de quartier;Z{};{};12345,678901;euros;" + "texte libre " * 3 + "\n"
    with path.open("w", encoding="utf-8") as stream:
        stream.write("annee;dispositif;zone;participants;budget;unite;commentaire\n")
        for block in range(42):
            stream.write("".join(line.format(i % 7, i) for i in range(block * 10_000, (block + 1) * 10_000)))
    size = path.stat().st_size
    assert size > 30 * 1024 * 1024
    views = [
        view(x="zone", y="participants", aggregate="sum"),
        view(x="zone", y="budget", aggregate="mean"),
        view(x="zone", y="participants", aggregate="max", filter={"zone": ["Z1", "Z2"]}),
        view(x="annee", y="participants"),  # refused after MAX_ROWS rows
    ]
    table = Table(path, RESOURCE, views, rows=20_000)
    tracemalloc.start()
    try:
        for v in views[:3]:
            data, _ = table.chart(v)
            assert len(data) in (2, 7)
        with pytest.raises(TooManyRows):
            table.chart(views[3])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The four columns held whole in pandas take about 65 MiB; a chunk of 20,000 rows a few.
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1024 / 1024:.0f} MiB for a {size / 1024 / 1024:.0f} MiB table"


def large_responses(folder: Path, rows: int) -> None:
    """reponses.csv of the `graphiques` fixture, grown past one chunk (CHUNK_BYTES) with rows of its own shape."""
    from portal.charts.stream import CHUNK_BYTES

    path = folder / "reponses.csv"
    with path.open("a", encoding="utf-8") as stream:
        for block in range(0, rows, 10_000):
            stream.write(
                "".join(
                    f"grand,{2000 + i % 20},Réponse {i % 13},{i % 997}.{i % 7},nombre\n"
                    for i in range(block, block + 10_000)
                )
            )
    assert path.stat().st_size > CHUNK_BYTES


def test_portal_validate_and_charts_on_a_table_larger_than_a_chunk(hostile, tmp_path):
    def views(descriptor):
        descriptor["views"] += [
            {
                "name": "grand-somme",
                "title": "Grand",
                "resource": "reponses",
                "type": "bar",
                "x": "reponse",
                "y": "valeur",
                "aggregate": "mean",
                "filter": {"question_id": "grand"},
                "sort": "-y",
            },
            {
                "name": "grand-lignes",
                "title": "Tout",
                "resource": "reponses",
                "type": "bar",
                "x": "reponse",
                "y": "valeur",
                "filter": {"question_id": "grand"},
            },
        ]

    folder = hostile("grand", base="graphiques", descriptor=views)
    large_responses(folder, 500_000)
    result = run_portal("validate", str(folder), "--format", "json", timeout=300)
    assert_no_traceback(result)
    problems = [p for d in json.loads(result.stdout)["datasets"] for p in d["problems"]]
    refused = [p for p in problems if p["code"] == "view-too-many-rows"]
    assert [p["field"] for p in refused] == ["grand-lignes"], refused
    assert "montrerait plus de 5 000 lignes" in refused[0]["message"]
    # Drawn without the refused view: the chart's CSV is the whole table's aggregate.
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    descriptor["views"] = [v for v in descriptor["views"] if v["name"] != "grand-lignes"]
    (folder / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), "utf-8")
    out = tmp_path / "out"
    result = run_portal("charts", str(folder), "--out", str(out), timeout=300)
    assert_no_traceback(result)
    assert result.returncode == 0, result.stderr
    [v], _ = read_views({**descriptor, "views": [descriptor["views"][-1]]})
    resource = next(r for r in descriptor["resources"] if r["name"] == "reponses")
    reference = chart_data(v, read_table(folder / "reponses.csv", resource))
    assert (out / "grand" / "grand-somme.csv").read_text("utf-8") == reference.to_csv(index=False)


def test_portal_charts_names_an_unreadable_table_in_one_line(hostile, tmp_path):
    folder = hostile("casse", base="graphiques")
    with (folder / "reponses.csv").open("a", encoding="utf-8") as stream:
        stream.write('type,2018,"Communes,1,pourcentage\n')  # an unterminated quote
    result = run_portal("charts", str(folder), "--out", str(tmp_path / "out"))
    assert_no_traceback(result)
    assert result.returncode == 1
    assert "casse : données illisibles" in result.stderr
