"""Hostile cells in the downloads: formulas neutralised for spreadsheets, CSVs that read back
exactly, long cells, and a build that streams its tables instead of holding them."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from portal.dataset import load_dataset
from portal.downloads import spreadsheet_cell, write_downloads
from portal.tables import MAX_CELL_CHARS, PREVIEW_ROWS, Summary
from tests.hostile.conftest import assert_no_traceback, build_package, mkdocs_build, portal_with, run_portal
from tests.portal_fixture import PACKAGES

HEADER = ["annee", "dispositif", "participants", "budget"]
# (dispositif, budget, the dispositif cell of the Excel variant, its budget cell)
CELLS = [
    (
        '=HYPERLINK("http://exemple.invalid/","clic")',
        "-12.5",
        '\'=HYPERLINK("http://exemple.invalid/","clic")',
        "-12,5",
    ),
    ("@SUM(A1:A9)", "-3", "'@SUM(A1:A9)", "-3"),
    ("+1+1", "0.5", "'+1+1", "0,5"),
    ("-2+3", "0", "'-2+3", "0"),
    ("\tTabulation au début", "1500", "'\tTabulation au début", "1500"),
    ("\rRetour chariot au début", "2.25", "'\rRetour chariot au début", "2,25"),
    ("-", "3", "'-", "3"),
    ("-5", "4", "-5", "4"),  # a number in a text column: a number for the spreadsheet too
    ("une ligne\rpuis une autre (CR seul)", "5", "une ligne\rpuis une autre (CR seul)", "5"),
    ("une ligne\npuis une autre (LF)", "6", "une ligne\npuis une autre (LF)", "6"),
    ("une ligne\r\npuis une autre (CRLF)", "7", "une ligne\r\npuis une autre (CRLF)", "7"),
    ("finit par un CR\r", "8", "finit par un CR\r", "8"),
    (
        'des "guillemets", des virgules; des points-virgules',
        "9",
        'des "guillemets", des virgules; des points-virgules',
        "9",
    ),
    ("Texte ordinaire", "10", "Texte ordinaire", "10"),
]
SOURCE = [[str(2024 + i % 2), text, str(i), budget] for i, (text, budget, _, _) in enumerate(CELLS)]
EXCEL = [
    [row[0], excel_text, row[2], excel_budget]
    for row, (_, _, excel_text, excel_budget) in zip(SOURCE, CELLS, strict=True)
]


def source_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([HEADER, *rows])  # "\r\n": a lone CR quoted
    return buffer.getvalue()


@pytest.mark.parametrize(
    "cell, written",
    [
        ("=1+1", "'=1+1"),
        ("+1", "+1"),
        ("-12,5", "-12,5"),
        ("-3", "-3"),
        ("-1e5", "-1e5"),
        ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-", "'-"),
        ("", ""),
        (" =1+1", " =1+1"),
        ("a=1", "a=1"),
    ],
)
def test_a_spreadsheet_cell_never_starts_a_formula(cell, written):
    assert spreadsheet_cell(cell) == written


# --- one real build over the hostile cells ------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("telechargements")
    package = build_package(root / "paquets" / "cellules", files={"participation.csv": source_csv(SOURCE)})
    folder = portal_with(root / "portail", [package])
    result = mkdocs_build(folder)
    assert result.returncode == 0, result.stderr[-3000:]
    return folder / "site"


def canonical(site: Path) -> Path:
    return site / "donnees" / "cellules" / "participation.csv"


def excel(site: Path) -> Path:
    return site / "donnees" / "cellules" / "participation-excel.csv"


def with_csv_module(path: Path, delimiter: str) -> list[list[str]]:
    previous = csv.field_size_limit(MAX_CELL_CHARS)  # as a reuser must for a long cell
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            return list(csv.reader(stream, delimiter=delimiter))
    finally:
        csv.field_size_limit(previous)


def with_pandas(path: Path, delimiter: str) -> list[list[str]]:
    import pandas as pd

    frame = pd.read_csv(path, sep=delimiter, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return [list(frame.columns), *frame.values.tolist()]


def with_polars(path: Path, delimiter: str) -> list[list[str]]:
    import polars as pl

    frame = pl.read_csv(path, separator=delimiter, infer_schema=False)
    return [frame.columns, *[list(row) for row in frame.rows()]]


def with_duckdb(path: Path, delimiter: str) -> list[list[str]]:
    import duckdb

    relation = duckdb.read_csv(str(path), sep=delimiter, header=True, all_varchar=True, quotechar='"')
    return [relation.columns, *[list(row) for row in relation.fetchall()]]


READERS = [with_csv_module, with_pandas, with_polars, with_duckdb]


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_the_canonical_csv_reads_back_cell_for_cell(site, reader):
    assert reader(canonical(site), ",") == [HEADER, *SOURCE]


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_the_excel_csv_reads_back_with_formulas_neutralised(site, reader):
    assert reader(excel(site), ";") == [HEADER, *EXCEL]


def test_the_excel_csv_ends_its_lines_with_crlf_and_keeps_cells_crlf_intact(site):
    data = excel(site).read_bytes()
    assert data.startswith("\ufeff".encode() + b"annee;dispositif;participants;budget\r\n")
    assert b"\r\r\n" not in data  # an in-cell CRLF once became CR CR LF
    assert b'"une ligne\r\npuis une autre (CRLF)"' in data
    assert b'"une ligne\rpuis une autre (CR seul)"' in data


def test_json_and_the_zipped_package_keep_the_data_verbatim(site, tmp_path):
    from frictionless import Package

    records = json.loads((site / "donnees" / "cellules" / "participation.json").read_text("utf-8"))
    assert [[str(r[name]) for name in HEADER] for r in records] == [
        [row[0], row[1], row[2], str(float(row[3])) if "." in row[3] else row[3]] for row in SOURCE
    ]
    with zipfile.ZipFile(site / "donnees" / "cellules" / "cellules.zip") as bundle:
        bundle.extractall(tmp_path)
    package = Package(str(tmp_path / "cellules" / "datapackage.json"))
    rows = package.get_resource("participation").read_rows()
    assert [[str(row[name]) for name in HEADER] for row in rows] == [
        [row[0], row[1], row[2], str(float(row[3])) if "." in row[3] else row[3]] for row in SOURCE
    ]


def test_the_page_counts_the_rows_and_the_preview_shows_the_cells_escaped(site):
    from portal.site.pages import _preview
    from portal.site.templates import environment
    from portal.tables import TableData

    html = (site / "jeux" / "cellules" / "index.html").read_text("utf-8")
    assert f"{len(SOURCE)} lignes" in html  # the dataset page lists the table; its page shows the rows
    # The first rows (now on each table's page) go through the same escaping table macro.
    preview = _preview({"name": "participation"}, TableData(HEADER, [list(row) for row in SOURCE[:PREVIEW_ROWS]]))
    macro = environment().from_string('{% from "_macros.html.j2" import table %}{{ table(h, r, c) }}')
    shown = macro.render(h=preview["headers"], r=preview["rows"], c=preview["caption"])
    assert "=HYPERLINK(&quot;http://exemple.invalid/&quot;" in shown and '=HYPERLINK("' not in shown


# --- long cells ---------------------------------------------------------------------------


def test_a_cell_over_the_csv_module_default_limit_is_published_whole(tmp_path):
    long = "x" * 200_000  # the csv module's default limit is 131,072 characters
    rows = [["2024", long, "1", "2"]]
    package = build_package(tmp_path / "paquets" / "long", files={"participation.csv": source_csv(rows)})
    folder = portal_with(tmp_path / "portail", [package])
    result = mkdocs_build(folder)
    assert result.returncode == 0, result.stderr[-3000:]
    site = folder / "site" / "donnees" / "long"
    assert with_csv_module(site / "participation.csv", ",")[1] == rows[0]
    assert with_csv_module(site / "participation-excel.csv", ";")[1] == rows[0]
    exported = run_portal("export", "dcat", str(package.parent), "--base-url", "https://exemple.invalid/")
    assert exported.returncode == 0, exported.stderr[-3000:]
    assert_no_traceback(exported)


def test_a_cell_over_the_bound_stops_the_build_with_one_line(tmp_path):
    rows = [["2024", "y" * (MAX_CELL_CHARS + 1), "1", "2"]]
    package = build_package(tmp_path / "paquets" / "enorme", files={"participation.csv": source_csv(rows)})
    folder = portal_with(tmp_path / "portail", [package])
    result = mkdocs_build(folder)
    assert result.returncode != 0
    assert_no_traceback(result)
    message = next(line for line in result.stderr.splitlines() if "dépasse" in line)
    assert "participation.csv" in message and "16\u202f777\u202f216 caractères" in message
    assert "raccourcissez-la" in message


def test_portal_export_dcat_over_a_cell_beyond_the_bound_says_so_in_one_line(tmp_path):
    rows = [["2024", "y" * (MAX_CELL_CHARS + 1), "1", "2"]]
    package = build_package(tmp_path / "paquets" / "enorme", files={"participation.csv": source_csv(rows)})
    exported = run_portal("export", "dcat", str(package.parent), "--base-url", "https://exemple.invalid/")
    assert exported.returncode == 1
    assert_no_traceback(exported)
    assert exported.stderr.count("\n") == 1 and "participation.csv" in exported.stderr and "dépasse" in exported.stderr
    assert "inattendu" not in exported.stderr  # said by the exporter, not by the last guard


def test_a_chart_csv_keeps_cr_lf_and_crlf_inside_its_cells(tmp_path):
    from portal.charts.render import build_charts, load_tables

    labels = {"Communes": "Com\rmunes", "Départements": "Départ\r\nements", "Régions": "Ré\ngions"}
    rows = list(csv.reader(io.StringIO((PACKAGES / "graphiques" / "reponses.csv").read_text("utf-8"))))
    rows = [[labels.get(cell, cell) for cell in row] for row in rows]
    package = build_package(
        tmp_path / "datasets" / "retours", "graphiques", files={"reponses.csv": source_csv_of(rows)}
    )
    dataset = load_dataset(package)
    charts = build_charts(dataset, tmp_path / "graphiques")
    tables = load_tables(dataset, [chart.view for chart in charts])
    shown = set()
    for chart in charts:
        data, _ = tables[chart.view.resource].chart(chart.view)
        expected = [
            list(data.columns),
            *[
                ["" if v is None else str(v) for v in row]
                for row in data.astype(object).where(data.notna(), None).values.tolist()
            ],
        ]
        assert with_csv_module(chart.path("csv"), ",") == expected
        shown |= {cell for row in expected for cell in row}
    assert "Com\rmunes" in shown  # the hostile label was drawn, and came back whole


def test_json_download_stays_json_with_nan_and_infinity_cells(tmp_path):
    from portal.downloads import JsonRecords

    fields = {"budget": {"name": "budget", "type": "number"}}
    stream = io.StringIO()
    records = JsonRecords(stream, ["budget"], fields)
    for row in [["NaN"], ["INF"], ["-inf"], ["1.5"]]:
        records.writerow(row)
    records.close()
    text = stream.getvalue()

    def refuse(constant):
        raise ValueError(f"{constant} n'est pas du JSON")

    assert [r["budget"] for r in json.loads(text, parse_constant=refuse)] == ["NaN", "INF", "-inf", 1.5]


def source_csv_of(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


# --- streaming ----------------------------------------------------------------------------


def test_the_downloads_are_written_in_bounded_memory(tmp_path):
    """A table of ~8 MB: holding it (the build did) costs far more than the bound below."""
    block = "".join(f"{2000 + i % 26},dispositif n° {i},{i},{i}.5\r\n" for i in range(100_000))
    package = build_package(
        tmp_path / "gros", files={"participation.csv": "annee,dispositif,participants,budget\r\n" + block * 3}
    )
    dataset = load_dataset(package)
    limit = csv.field_size_limit()
    tracemalloc.start()
    try:
        tables: dict = {}
        write_downloads(dataset, tmp_path / "site", "https://exemple.invalid/", "citation", tables=tables)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (package / "participation.csv").stat().st_size > 7_000_000
    assert csv.field_size_limit() == limit  # raised while reading only
    assert peak < 12_000_000, f"pic de mémoire : {peak / 1e6:.1f} Mo"
    data = tables["participation"]
    assert data.row_count == 300_000 and len(data.preview) == PREVIEW_ROWS and data.rows is None
    assert data.examples == {"annee": "2000", "dispositif": "dispositif n° 0", "participants": "0", "budget": "0.5"}


def test_the_page_summary_is_bounded_but_survey_codebooks_are_kept_whole():
    summary = Summary(["a", "b"])
    for index in range(50):
        summary.add([str(index), "z" * 5000 if index == 0 else ""])
    assert summary.data.row_count == 50 and len(summary.data.preview) == PREVIEW_ROWS
    assert len(summary.data.preview[0][1]) <= 1000 and summary.data.rows is None
    assert summary.data.examples == {"a": "0", "b": "z" * 80}
    whole = Summary(["question_id"], keep_rows=True)
    whole.add(["q1"])
    assert whole.data.rows == [["q1"]]


def test_libreoffice_opens_the_excel_csv_as_text_and_numbers(site, tmp_path):
    """The real spreadsheet: imported as a French user would (semicolon, UTF-8, French locale)."""
    import openpyxl

    result = subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path}/profil",
            "--infilter=CSV:59,34,76,1,,1036",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(excel(site)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(tmp_path / "participation-excel.xlsx").active
    rows = list(sheet.iter_rows(min_row=2, values_only=False))
    assert [cell.data_type for row in rows for cell in row if cell.data_type == "f"] == []  # no formula at all
    assert [row[1].value for row in rows[:7]] == [
        '\'=HYPERLINK("http://exemple.invalid/","clic")',
        "'@SUM(A1:A9)",
        "'+1+1",
        "'-2+3",
        "'\tTabulation au début",
        "'\nRetour chariot au début",
        "'-",
    ]
    assert [row[3].value for row in rows[:4]] == [-12.5, -3, 0.5, 0]  # numbers stay numbers
    assert rows[7][1].value == -5
