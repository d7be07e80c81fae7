"""Hostile strings in every text field of a descriptor and every cell of a CSV (hypothesis).

Markup, script and data URLs, path parts, control characters, lone surrogates, terminal escapes
and very long strings. Whatever the package: no exception from ``validate_dataset`` or from
``portal validate`` (text and JSON), nothing raw for the terminal; and when the package is
valid, the build's outputs are well-formed (feed XML, Turtle, JSON-LD, pages).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import rdflib
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from portal.checks.base import Options
from portal.cli import main
from portal.dataset import load_dataset
from portal.validate import validate_dataset
from tests.conftest import TODAY
from tests.portal_fixture import PACKAGES

NASTY = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file:///etc/passwd",
    "../../../../etc/passwd",
    "/etc/passwd",
    "..\\..\\windows",
    "%2e%2e%2f",
    "http://[::1",
    "http://exemple.fr/a b>",
    "mairie @exemple.fr>",
    "[lien](javascript:alert(1)) ![](https://elsewhere.example/x.png)",
    "<http://exemple.fr/\ud800>",
    "]]><!--",
    "{{ config }}{% raw %}",
    '=HYPERLINK("http://evil.example")',
    "\x00",
    "nul\x00au\x01milieu\x7f\x85\x9b",
    "\x1b[2J\x1b[31mrouge",
    "\x1b]8;;http://evil.example\x07clic\x1b]8;;\x07",
    "\ud800",
    "a\udfffb",
    "\u202egnp.exe",
    "\ufffe\uffff",
    "ligne\r\nautre\rligne\n",
    "'\"\\",
]
LONG = "x" * 100_000
# Any code point, surrogates and controls included (hypothesis leaves surrogates out by default).
any_character = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())


def hostile_strings(long: str) -> st.SearchStrategy[str]:
    nasty = st.sampled_from([*NASTY, long])
    return nasty | st.text(any_character, max_size=30) | st.builds("".join, st.lists(nasty, min_size=2, max_size=3))


hostile = hostile_strings(LONG)
# A chart draws every character of its title: 100,000 of them take vl-convert some 20 s, a bound
# for the resource limits to set, not for this test to wait on.
hostile_in_charts = hostile_strings(LONG[:3000])

TEXT_FIELDS = {
    "title": lambda d, v: d.update(title=v),
    "description": lambda d, v: d.update(description=v),
    "version": lambda d, v: d.update(version=v),
    "homepage": lambda d, v: d.update(homepage=v),
    "keywords": lambda d, v: d.update(keywords=[v, "participation"]),
    "spatial.title": lambda d, v: d["spatial"].update(title=v),
    "licenses.title": lambda d, v: d["licenses"][0].update(title=v),
    "licenses.path": lambda d, v: d["licenses"][0].update(path=v),
    "contributors.title": lambda d, v: d["contributors"][0].update(title=v),
    "contributors.path": lambda d, v: d["contributors"][0].update(path=v),
    "contributors.email": lambda d, v: d["contributors"][0].update(email=v),
    "sources.title": lambda d, v: d["sources"][0].update(title=v),
    "sources.path": lambda d, v: d["sources"][0].update(path=v),
    "sources.edition": lambda d, v: d["sources"][0].update(edition=v),
    "resource.title": lambda d, v: d["resources"][0].update(title=v),
    "resource.description": lambda d, v: d["resources"][0].update(description=v),
    "field.title": lambda d, v: d["resources"][0]["schema"]["fields"][1].update(title=v),
    "field.description": lambda d, v: d["resources"][0]["schema"]["fields"][1].update(description=v),
}
edits = st.dictionaries(st.sampled_from(sorted(TEXT_FIELDS)), hostile, min_size=1, max_size=len(TEXT_FIELDS))
# Cells: hostile text in the text column (``dispositif``) of any row, and now and then in any cell
# (a number column then fails its type, which must be reported, not raised).
cells = st.dictionaries(st.integers(0, 3).map(lambda row: row * 4 + 1), hostile, max_size=4) | st.dictionaries(
    st.integers(0, 15), hostile, max_size=3
)

FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
TERMINAL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e]")
CACHE = Path(tempfile.mkdtemp(prefix="portal-hostile-cache-"))  # the vega bundle, once per session


def write_package(folder: Path, changes: dict[str, str], new_cells: dict[int, str]) -> None:
    shutil.copytree(PACKAGES / "complet", folder)
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    descriptor["name"] = folder.name
    for key, value in changes.items():
        TEXT_FIELDS[key](descriptor, value)
    # JSON escapes: a lone surrogate is written as \ud800, as an attacker's file would hold it.
    (folder / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=True), "utf-8")
    rows = list(csv.reader(io.StringIO((PACKAGES / "complet" / "participation.csv").read_text("utf-8"))))
    body = [cell for row in rows[1:] for cell in row]
    body = [new_cells.get(index, old) for index, old in enumerate(body)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0])
    width = len(rows[0])
    writer.writerows(body[i : i + width] for i in range(0, len(body), width))
    # A lone surrogate has no UTF-8 form: written as its raw bytes (ED A0 80), which do not decode.
    (folder / "participation.csv").write_bytes(out.getvalue().encode("utf-8", "surrogatepass"))


def assert_well_formed_build(folder: Path, work: Path) -> None:
    from portal.site.build import generate
    from portal.site.pages import Site

    generated = generate(folder.parent, work, Site(base_url="https://portail.example.org/", today=TODAY), CACHE)
    ElementTree.parse(work / "feed.xml")
    for name, fmt in (("catalog.ttl", "turtle"), ("catalog.jsonld", "json-ld")):
        text = (work / name).read_text("utf-8")
        assert not FORBIDDEN.search(text), name
        rdflib.Graph().parse(data=text, format=fmt)
    for uri, markdown in generated.pages.items():
        assert not FORBIDDEN.search(markdown), uri
    for path in work.rglob("*"):
        if path.suffix in {".json", ".csv", ".md", ".txt"}:
            path.read_text("utf-8")  # written, and valid UTF-8


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(changes=edits, new_cells=cells)
def test_hostile_strings_never_raise_and_keep_outputs_well_formed(changes, new_cells):
    root = Path(tempfile.mkdtemp(prefix="portal-hostile-"))
    folder = root / "datasets" / "jeu"
    folder.parent.mkdir()
    try:
        write_package(folder, changes, new_cells)
        report = validate_dataset(load_dataset(folder), Options(today=TODAY))
        assert "check-crashed" not in [p.code for p in report.problems], report.problems
        assert 0 <= report.score <= 100

        runner = CliRunner()
        result = runner.invoke(main, ["validate", str(folder), "--format", "json", "--today", str(TODAY)])
        assert result.exit_code in (0, 1), result.output[-2000:]
        assert json.loads(result.stdout)["datasets"][0]["name"] == "jeu"
        assert not TERMINAL.search(result.stdout)
        text = runner.invoke(main, ["validate", str(folder), "--today", str(TODAY)])
        assert text.exit_code == result.exit_code, text.output[-2000:]
        assert not TERMINAL.search(text.stdout)

        event("valide" if report.valid else "non valide")
        for code in sorted({p.code for p in report.errors}):
            event(code)
        if report.valid:
            assert_well_formed_build(folder, root / "site")
    finally:
        shutil.rmtree(root)


VIEW_FIELDS = {
    "title": lambda v, s: v.update(title=s),
    "subtitle": lambda v, s: v.update(subtitle=s),
    "source": lambda v, s: v.update(source=s),
    "base": lambda v, s: v.update(base=s),
    "description": lambda v, s: v.update(description=s),
}
view_edits = st.dictionaries(
    st.sampled_from(sorted(VIEW_FIELDS)), hostile_in_charts, min_size=1, max_size=len(VIEW_FIELDS)
)
# Hostile names for the chart's columns: renamed alike in the schema, the view and the CSV header.
column_names = st.sampled_from(["val.eur", "q[0]", "it's", 'dit "x"', "a\\b", "sum(x)", "x:Q", "\x1b[2J", "é"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(changes=view_edits, value=column_names, label=column_names, labels=st.lists(hostile_in_charts, max_size=3))
def test_hostile_chart_texts_and_columns_are_drawn(changes, value, label, labels):
    from portal.charts.render import build_charts

    root = Path(tempfile.mkdtemp(prefix="portal-hostile-"))
    folder = root / "datasets" / "jeu"
    try:
        shutil.copytree(PACKAGES / "graphiques", folder)
        descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
        descriptor["name"] = "jeu"
        descriptor["views"] = descriptor["views"][:2]  # one horizontal, one vertical bar chart
        names = {"valeur": value, "reponse": label if label != value else label + "2"}
        for field in descriptor["resources"][1]["schema"]["fields"]:
            field["name"] = names.get(field["name"], field["name"])
        for view in descriptor["views"]:
            view.update(x=names.get(view["x"], view["x"]), y=names.get(view["y"], view["y"]))
            for key, text in changes.items():
                VIEW_FIELDS[key](view, text)
        (folder / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=True), "utf-8")
        header, rest = (folder / "reponses.csv").read_text("utf-8").split("\n", 1)
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow([names.get(h, h) for h in header.split(",")])
        for index, text in enumerate(labels):  # hostile category labels in the charted rows
            rest = rest.replace(["Communes", "Départements", "Régions"][index], text.replace("\n", " "), 1)
        (folder / "reponses.csv").write_text(out.getvalue() + rest, "utf-8", errors="surrogatepass")

        dataset = load_dataset(folder)
        report = validate_dataset(dataset, Options(today=TODAY))
        assert "check-crashed" not in [p.code for p in report.problems], report.problems
        event("valide" if report.valid else "non valide")
        if not report.valid:
            return
        charts = build_charts(dataset, root / "charts")  # a valid package's charts are all drawn
        assert len(charts) == 2
        for chart in charts:
            ElementTree.parse(chart.path("svg"))
            json.loads(chart.path("vl.json").read_text("utf-8"))
        event("dessiné")
    finally:
        shutil.rmtree(root)
