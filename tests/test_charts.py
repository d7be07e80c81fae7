"""Charts: golden Vega-Lite specs, French formats in the SVG, the cache, and clear errors."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from portal.charts.declaration import read_views
from portal.charts.render import ChartError, build_charts
from portal.dataset import load_dataset
from tests.conftest import PACKAGES, check, codes

GOLDEN = Path(__file__).parent / "golden" / "charts"


@pytest.fixture
def charts_package(tmp_path) -> Path:
    folder = tmp_path / "graphiques"
    shutil.copytree(PACKAGES / "graphiques", folder)
    return folder


def edit_views(folder: Path, change) -> None:
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text("utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, ensure_ascii=False), "utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("charts")
    return {c.view.name: c for c in build_charts(load_dataset(PACKAGES / "graphiques"), out)}


def test_fixture_declares_every_chart_type(built):
    from portal.charts.declaration import CHART_TYPES, RAW

    assert {c.view.type for c in built.values()} == {*CHART_TYPES, RAW}


@pytest.mark.parametrize(
    "name",
    ["type-2018", "type-barres", "type-groupes", "type-empiles", "type-points", "communes-courbe", "budget", "brut"],
)
def test_golden_vega_lite_specs(built, name):
    text = built[name].path("vl.json").read_text("utf-8")
    golden = GOLDEN / f"{name}.vl.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, "utf-8")
    assert json.loads(text) == json.loads(golden.read_text("utf-8")), "UPDATE_GOLDEN=1 to accept an intended change"


def svg_texts(chart) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", chart.path("svg").read_text("utf-8"))


def test_svg_shows_french_numbers_title_and_source(built):
    texts = svg_texts(built["type-2018"])
    assert "71\u202f%" in texts and "0\u202f%" in texts
    assert "Les répondants en 2018" in texts
    assert "Source : Enquête fictive, 2018" in texts
    budget = svg_texts(built["budget"])
    assert "1\u202f234,5\u00a0€" in budget and "1,82\u00a0€" in budget and "0,44\u00a0€" in budget


def test_svg_carries_the_text_alternative_as_its_label(built):
    svg = built["type-2018"].path("svg").read_text("utf-8")
    assert svg.startswith(
        '<svg role="img" aria-labelledby="graphique-graphiques-type-2018-titre graphique-graphiques-type-2018-desc"'
    )
    assert '<title id="graphique-graphiques-type-2018-titre">Les répondants en 2018</title>' in svg
    assert (
        '<desc id="graphique-graphiques-type-2018-desc">Diagramme en barres horizontales : Les répondants en 2018.'
        in svg
    )


def test_outputs_per_chart(built):
    chart = built["type-2018"]
    assert chart.path("png").read_bytes().startswith(b"\x89PNG")
    assert chart.path("csv").read_text("utf-8").splitlines() == [
        "reponse,valeur",
        "Communes,71.0",
        "Intercommunalités et métropoles de plus de 100 000 habitants,23.0",
        "Services de l'État,6.0",
    ]
    alternative = json.loads(chart.path("json").read_text("utf-8"))
    assert alternative["summary"] == (
        "Diagramme en barres horizontales : Les répondants en 2018. 3 valeurs. Les plus élevées : "
        "Communes : 71\u202f%\u00a0; Intercommunalités et métropoles de plus de 100 000 habitants : 23\u202f%\u00a0; "
        "Services de l'État : 6\u202f%. Base : 70 répondants."
    )
    assert alternative["rows"][0] == ["Communes", "71\u202f%"]


def test_unchanged_chart_is_not_rendered_again(charts_package, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = build_charts(load_dataset(charts_package), out)
    assert all(c.rendered for c in first)
    import vl_convert

    def refuse(*args, **kwargs):
        raise AssertionError("an unchanged chart was rendered again")

    monkeypatch.setattr(vl_convert, "vegalite_to_svg", refuse)
    monkeypatch.setattr(vl_convert, "vegalite_to_png", refuse)
    second = build_charts(load_dataset(charts_package), out)
    assert not any(c.rendered for c in second)


def test_changing_data_renders_only_the_charts_that_show_it(charts_package, tmp_path):
    out = tmp_path / "out"
    build_charts(load_dataset(charts_package), out)
    data = charts_package / "reponses.csv"
    data.write_text(data.read_text("utf-8").replace("0.44", "0.45"), "utf-8")
    again = {c.view.name: c.rendered for c in build_charts(load_dataset(charts_package), out)}
    assert again == {name: name in {"budget", "brut"} for name in again}


def test_changing_a_title_renders_that_chart_only(charts_package, tmp_path):
    out = tmp_path / "out"
    build_charts(load_dataset(charts_package), out)
    edit_views(charts_package, lambda d: d["views"][0].update(title="Nouveau titre"))
    again = {c.view.name: c.rendered for c in build_charts(load_dataset(charts_package), out)}
    assert [name for name, rendered in again.items() if rendered] == ["type-2018"]


@pytest.mark.parametrize(
    ("change", "code", "field", "words"),
    [
        (lambda v: v.update(resource="absente"), "view-resource-unknown", "resource", "« absente »"),
        (lambda v: v.update(y="libelle"), "view-field-unknown", "libelle", "« libelle » (y)"),
        (lambda v: v.update(filter={"annee": 2018}), "view-field-unknown", "annee", "(filtre)"),
        (lambda v: v.update(x="reponse", y="valeur"), "view-type-mismatch", "reponse", "type string"),
        (lambda v: v.update(type="camembert"), "view-type-unknown", "type", "« camembert »"),
        (lambda v: v.pop("title"), "view-invalid", None, "pas de titre"),
    ],
)
def test_bad_declarations_name_dataset_view_and_field(charts_package, change, code, field, words):
    edit_views(charts_package, lambda d: change(d["views"][0]))
    report = check(charts_package)
    [found] = [p for p in report.problems if p.code == code]
    assert found.severity == "error" and not report.valid
    assert "graphiques/datapackage.json" in found.message and "« type-2018 »" in found.message
    assert words in found.message and found.field == field
    with pytest.raises(ChartError, match="graphiques : la vue « type-2018 »"):
        build_charts(load_dataset(charts_package), charts_package.parent / "out")


def test_charts_command_reports_bad_dataset_and_builds_the_others(charts_package, tmp_path, cli):
    broken = tmp_path / "casse"
    shutil.copytree(charts_package, broken)
    edit_views(broken, lambda d: d.update(name="casse") or d["views"][0].update(x="inconnu"))
    result = cli("charts", str(charts_package), str(broken), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "erreur : casse : la vue « type-2018 » : le champ « inconnu » (x) n'existe pas" in result.output
    assert "8 graphiques" in result.output


def test_more_than_5000_rows_is_refused(charts_package):
    rows = "".join(f"grand,2018,Réponse {i},{i},nombre\n" for i in range(5001))
    data = charts_package / "reponses.csv"
    data.write_text(data.read_text("utf-8") + rows, "utf-8")
    edit_views(charts_package, lambda d: d["views"][0].update(filter={"question_id": "grand"}))
    assert "view-too-many-rows" in codes(check(charts_package))
    # Aggregating first brings it under the limit.
    edit_views(
        charts_package, lambda d: d["views"][0].update(filter={"question_id": "grand"}, y="edition", aggregate="sum")
    )
    assert "view-too-many-rows" not in codes(check(charts_package))


def test_views_must_be_a_list_of_objects():
    views, problems = read_views({"resources": [], "views": {"a": 1}})
    assert views == [] and [p.code for p in problems] == ["view-invalid"]
    views, problems = read_views({"resources": [], "views": ["texte"]})
    assert [p.code for p in problems] == ["view-invalid"]


def test_facets_keep_file_order(charts_package, tmp_path):
    data = charts_package / "reponses.csv"
    lines = data.read_text("utf-8").splitlines()
    # Put the 2018 budget rows before the 2017 one.
    budget_2017 = [line for line in lines if line.startswith("budget,2017")]
    others = [line for line in lines if not line.startswith("budget,2017")]
    data.write_text("\n".join(others + budget_2017) + "\n", "utf-8")
    [chart] = [c for c in build_charts(load_dataset(charts_package), tmp_path / "out") if c.view.name == "budget"]
    texts = svg_texts(chart)
    assert texts.index("2018") < texts.index("2017")


def test_default_source_names_the_edition_once():
    from portal.charts.render import default_source
    from portal.dataset import Dataset

    def source(title, edition):
        return default_source(Dataset(Path("x"), {"sources": [{"title": title, "edition": edition}]}))

    assert source("Baromètre, édition 2017", "2017") == "Baromètre, édition 2017"
    assert source("Enquête fictive", "2018") == "Enquête fictive, 2018"


@pytest.fixture(scope="module")
def vega_lite_validator():
    import jsonschema
    from altair.vegalite.v6.schema import load_schema

    return jsonschema.Draft7Validator(load_schema())


def test_every_spec_is_valid_vega_lite(built, vega_lite_validator, tmp_path):
    """The build skips Altair's validation for speed; this test does it for every chart."""
    from portal.dataset import load_catalogue

    specs = [c.path("vl.json") for c in built.values()]
    for dataset in load_catalogue(Path(__file__).resolve().parents[1] / "datasets"):
        specs += [c.path("vl.json") for c in build_charts(dataset, tmp_path)]
    assert len(specs) > 40
    for path in specs:
        errors = [e.message for e in vega_lite_validator.iter_errors(json.loads(path.read_text("utf-8")))]
        assert errors == [], path
