"""Hostile text: lone surrogates, deep nesting, control characters, terminal escapes, odd field
names and addresses. No traceback from any command, one clear line, well-formed outputs.

Each package goes through the real commands (``portal validate``, ``portal charts``,
``portal export dcat``, ``mkdocs build``) and the outputs are parsed as a harvester or a browser
would: the feed with ElementTree, the catalogue with rdflib, the pages with html.parser.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path

import rdflib
from click.testing import CliRunner

from tests.hostile.conftest import assert_no_traceback, mkdocs_build, portal_with, run_portal
from tests.portal_fixture import PACKAGES

# What no HTML, XML, Turtle or JSON-LD output may contain: C0 controls but tab/LF/CR, DEL, C1,
# non-characters, lone surrogates (the file would not even be written).
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
BASE = "https://portail.example.org/"


def rewrite(folder: Path, edit) -> Path:
    """Edit a package's descriptor and write it with JSON escapes, so that lone surrogates survive."""
    path = folder / "datapackage.json"
    data = json.loads(path.read_text("utf-8"))
    edit(data)
    path.write_text(json.dumps(data, ensure_ascii=True, indent=1), "utf-8")
    return folder


def codes(result) -> list[tuple[str, str | None]]:
    report = json.loads(result.stdout)
    return [(p["code"], p["field"]) for d in report["datasets"] for p in d["problems"]]


def validate_json(*folders: Path):
    result = run_portal("validate", *map(str, folders), "--format", "json")
    assert_no_traceback(result)
    return result


class PageParser(HTMLParser):
    """Collects the JSON-LD blocks and every href of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.jsonld: list[str] = []
        self.hrefs: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self._in_jsonld = tag == "script" and attributes.get("type") == "application/ld+json"
        if "href" in attributes:
            self.hrefs.append(attributes["href"] or "")

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld.append(data)

    def handle_endtag(self, tag):
        self._in_jsonld = False


def parse_page(path: Path) -> PageParser:
    text = path.read_text("utf-8")  # strict: a lone surrogate or invalid UTF-8 fails here
    assert not FORBIDDEN.search(text), (path, FORBIDDEN.findall(text)[:5])
    parser = PageParser()
    parser.feed(text)
    parser.close()
    for block in parser.jsonld:
        json.loads(block)
    return parser


def assert_site_well_formed(site: Path) -> dict:
    """Every page parses; the feed parses as XML; the catalogue parses as Turtle and JSON-LD."""
    pages = {path: parse_page(path) for path in site.rglob("*.html")}
    assert pages
    ElementTree.parse(site / "feed.xml")
    for name, fmt in (("catalog.ttl", "turtle"), ("catalog.jsonld", "json-ld")):
        text = (site / name).read_text("utf-8")
        assert not FORBIDDEN.search(text), name
        rdflib.Graph().parse(data=text, format=fmt)
    return pages


def build_site(tmp_path: Path, *packages: Path) -> Path:
    portal = portal_with(tmp_path / "portail", list(packages))
    result = mkdocs_build(portal)
    assert_no_traceback(result)
    assert result.returncode == 0, result.stderr[-3000:]
    return portal / "site"


def export_dcat(datasets: Path, fmt: str = "turtle") -> rdflib.Graph:
    result = run_portal("export", "dcat", str(datasets), "--base-url", BASE, "--format", fmt)
    assert_no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert not FORBIDDEN.search(result.stdout)
    return rdflib.Graph().parse(data=result.stdout, format=fmt)


# --- a lone surrogate -----------------------------------------------------------------------


def test_a_lone_surrogate_in_a_title_is_replaced_and_said(hostile, tmp_path):
    def edit(data):
        data["title"] = "Participation \ud800 à Exempleville"
        data["resources"][0]["title"] = "Participants \udfff"

    package = rewrite(hostile("surrogate"), edit)
    result = validate_json(package)
    assert result.returncode == 0, result.stdout  # a warning, not an error
    assert ("text-control-characters", "title") in codes(result)
    assert ("text-control-characters", "resources[0].title") in codes(result)
    text = run_portal("validate", str(package))
    assert_no_traceback(text)
    assert "Participation \ufffd à Exempleville" in text.stdout

    graph = export_dcat(package.parent)
    assert "Participation \ufffd à Exempleville" in {str(o) for o in graph.objects()}
    site = build_site(tmp_path, package)
    assert_site_well_formed(site)
    assert "Participation \ufffd à Exempleville" in (site / "jeux" / "surrogate" / "index.html").read_text("utf-8")


def test_a_lone_surrogate_in_a_chart_title_is_drawn(hostile, tmp_path):
    package = rewrite(hostile("surrogate-chart", base="graphiques"), lambda d: d["views"][0].update(title="A \ud83d"))
    result = run_portal("charts", str(package), "--out", str(tmp_path / "charts"))
    assert_no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "A \ufffd" in (tmp_path / "charts" / "surrogate-chart" / "type-2018.svg").read_text("utf-8")


# --- deep nesting ---------------------------------------------------------------------------


def test_json_nested_thousands_of_levels_is_refused_in_one_line(hostile, tmp_path):
    deep = hostile("profond")
    (deep / "datapackage.json").write_text('{"name": "profond", "x": ' + "[" * 5000 + "]" * 5000 + "}", "utf-8")
    nested = hostile("imbrique")  # parses, but deeper than any descriptor needs
    (nested / "datapackage.json").write_text(
        '{"name": "imbrique", "x": ' + '{"a": ' * 200 + "1" + "}" * 200 + "}", "utf-8"
    )
    good = hostile("sain")
    datasets = good.parent

    result = run_portal("validate", str(datasets))
    assert_no_traceback(result)
    assert result.returncode == 1
    assert result.stdout.count("[descriptor-too-deep]") == 2
    assert "✓ sain" in result.stdout  # the other datasets are still checked
    assert "64 niveaux" in result.stdout
    assert ("descriptor-too-deep", None) in codes(validate_json(deep))

    charts = run_portal("charts", str(datasets), "--out", str(tmp_path / "charts"))
    assert_no_traceback(charts)
    assert charts.returncode == 1
    assert "profond/datapackage.json imbrique" in charts.stderr

    graph = export_dcat(datasets)  # the readable datasets are exported
    titles = {str(o) for o in graph.objects(None, rdflib.DCTERMS.title)}
    assert "Participation citoyenne à Exempleville" in titles

    portal = portal_with(tmp_path / "portail", [deep, good])
    build = mkdocs_build(portal)
    assert_no_traceback(build)
    assert build.returncode == 1
    assert "imbrique des listes ou des objets" in build.stdout + build.stderr


# --- chart fields that look like Vega-Lite syntax --------------------------------------------

ODD_FIELDS = {"valeur": "val.eur'\"", "reponse": "ré[pon]se.x", "edition": "é'di\"tion", "question_id": "q\\id[0]"}


def rename_fields(data: dict, names: dict[str, str]) -> None:
    for resource in data["resources"]:
        if resource["name"] == "reponses":
            for field in resource["schema"]["fields"]:
                field["name"] = names.get(field["name"], field["name"])
    for view in data["views"]:
        for channel in ("x", "y", "color", "facet"):
            if view.get(channel) in names:
                view[channel] = names[view[channel]]
        view["filter"] = {names.get(k, k): v for k, v in view.get("filter", {}).items()}
    data["views"] = [v for v in data["views"] if v["type"] != "vega-lite"]  # a raw spec is the author's own


def renamed_csv(names: dict[str, str]) -> str:
    import csv
    import io

    header, rest = (PACKAGES / "graphiques" / "reponses.csv").read_text("utf-8").split("\n", 1)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([names.get(h, h) for h in header.split(",")])
    return out.getvalue() + rest


def svg_texts(path: Path) -> list[str]:
    return sorted(re.findall(r"<text[^>]*>([^<]*)</text>", path.read_text("utf-8")))


def test_chart_fields_named_with_dots_brackets_quotes_and_backslashes_are_drawn(hostile, tmp_path):
    package = hostile("champs", base="graphiques", files={"reponses.csv": renamed_csv(ODD_FIELDS)})
    rewrite(package, lambda d: rename_fields(d, ODD_FIELDS))
    assert run_portal("validate", str(package)).returncode == 0

    result = run_portal("charts", str(package), "--out", str(tmp_path / "charts"))
    assert_no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "7 dessinés" in result.stdout
    reference = run_portal("charts", str(PACKAGES / "graphiques"), "--out", str(tmp_path / "reference"))
    assert reference.returncode == 0
    for svg in sorted((tmp_path / "charts" / "champs").glob("*.svg")):
        # The same chart as with plain names: every label, value and legend is drawn.
        assert svg_texts(svg) == svg_texts(tmp_path / "reference" / "graphiques" / svg.name), svg.name
    spec = json.loads((tmp_path / "charts" / "champs" / "type-groupes.vl.json").read_text("utf-8"))
    encoding = spec["vconcat"][0]["layer"][0]["encoding"]
    assert encoding["x"]["field"] == "val\\.eur\\'\\\"" and encoding["color"]["field"] == "é\\'di\\\"tion"
    build_site(tmp_path, package)


# --- href encodings -------------------------------------------------------------------------

HREFS = (
    "[a](%zz) [b](http://[::1) [c](http://%ff%fe/) [d](&#x6a;avascript:x) [e](JaVaScRiPt:alert(1)) "
    "[f](java\tscript:x) [g](http://ex.org/%E2%82) [h](<http://ex.org/a b>) <http://ex.org/\ud800> "
    "[i](http://ex.org/\u202e) [j](data:text/html;base64,PHNjcmlwdD4=) [k](//elsewhere.example/x) "
    '[l](http://ex.org/" onmouseover="alert(1)) [m](\\\\server\\share) [n](vbscript:x) [o](#%00)'
)


def test_any_href_encoding_in_descriptions_builds(hostile, tmp_path):
    def edit(data):
        data["description"] += " " + HREFS
        data["resources"][0]["description"] = HREFS
        data["sources"][0]["path"] = "http://ex.org/\ud800 x"

    package = rewrite(hostile("liens"), edit)
    result = run_portal("validate", str(package))
    assert_no_traceback(result)
    assert result.returncode == 0, result.stdout
    export_dcat(package.parent)
    site = build_site(tmp_path, package)
    pages = assert_site_well_formed(site)
    hrefs = pages[site / "jeux" / "liens" / "index.html"].hrefs
    assert not [h for h in hrefs if h.strip().lower().startswith(("javascript", "vbscript", "data:"))]


# --- contributors' addresses ----------------------------------------------------------------


def test_contributor_path_and_email_with_a_space_or_a_chevron(hostile, tmp_path):
    def edit(data):
        data["contributors"][0].update(path="http://exempleville.fr/a b>", email="mairie @exempleville.fr>")
        data["sources"][0]["path"] = "https://exempleville.fr/registre>"

    package = rewrite(hostile("adresses"), edit)
    result = validate_json(package)
    assert result.returncode == 0
    assert {
        ("url-not-web", "contributors[0].path"),
        ("email-invalid", "contributors[0].email"),
        ("url-not-web", "sources[0].path"),
    } <= set(codes(result))

    for fmt in ("turtle", "json-ld"):
        graph = export_dcat(package.parent, fmt)
        vcard = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
        assert not list(graph.objects(None, vcard.hasEmail))
        assert not list(graph.objects(None, vcard.hasURL))
    site = build_site(tmp_path, package)
    assert_site_well_formed(site)
    jsonld = json.loads(parse_page(site / "jeux" / "adresses" / "index.html").jsonld[0])
    assert "url" not in jsonld["publisher"] and "isBasedOn" not in jsonld


def test_a_valid_contributor_address_and_email_are_published(hostile):
    def edit(data):
        data["contributors"][0].update(path="https://exempleville.fr/", email="mairie@exempleville.fr")

    package = rewrite(hostile("adresses-valides"), edit)
    assert not [c for c, _ in codes(validate_json(package)) if c in {"url-not-web", "email-invalid"}]
    graph = export_dcat(package.parent)
    vcard = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
    assert list(graph.objects(None, vcard.hasEmail)) == [rdflib.URIRef("mailto:mairie@exempleville.fr")]
    assert list(graph.objects(None, vcard.hasURL)) == [rdflib.URIRef("https://exempleville.fr/")]


# --- control characters ---------------------------------------------------------------------

CONTROLS = "\x00\x01\x08\x0b\x0c\x1b[2J\x7f\x85\x9b\ufffe"


def test_control_characters_are_stripped_from_every_output(hostile, tmp_path):
    def edit(data):
        data["title"] = f"Participation{CONTROLS} à Exempleville"
        data["description"] += CONTROLS
        data["keywords"] = [f"participation{CONTROLS}", "démocratie"]
        data["contributors"][0]["title"] = f"Commune{CONTROLS}"
        data["resources"][0]["title"] = f"Participants{CONTROLS}"
        data["resources"][0]["schema"]["fields"][1]["description"] = f"Nom{CONTROLS}"

    csv = (PACKAGES / "complet" / "participation.csv").read_text("utf-8").replace("Budget", "Bud\x01get\x1b[2J", 1)
    package = rewrite(hostile("controles", files={"participation.csv": csv}), edit)
    result = validate_json(package)
    assert result.returncode == 0, result.stdout
    fields = {f for c, f in codes(result) if c == "text-control-characters"}
    assert {"title", "description", "keywords[0]", "contributors[0].title", "resources[0].title"} <= fields
    assert "resources[0].schema.fields[1].description" in fields

    graph = export_dcat(package.parent)
    assert "Participation[2J à Exempleville" in {str(o) for o in graph.objects()}
    site = build_site(tmp_path, package)
    assert_site_well_formed(site)
    feed = ElementTree.parse(site / "feed.xml").getroot()
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Participation[2J à Exempleville" in titles


def test_control_characters_in_chart_cells_are_not_drawn(hostile, tmp_path):
    # vl-convert aborts the whole process (a Rust panic, not an exception) on a label it cannot
    # write as XML: the chart data is cleaned as the descriptor is.
    csv = (PACKAGES / "graphiques" / "reponses.csv").read_text("utf-8").replace("Communes", f"Com{CONTROLS}munes")
    package = hostile("cellules", base="graphiques", files={"reponses.csv": csv})
    result = run_portal("charts", str(package), "--out", str(tmp_path / "charts"))
    assert_no_traceback(result)
    assert result.returncode == 0, result.stderr
    for svg in (tmp_path / "charts" / "cellules").glob("*.svg"):
        ElementTree.parse(svg)
    assert "Com[2Jmunes" in (tmp_path / "charts" / "cellules" / "type-2018.svg").read_text("utf-8")


def test_the_feed_and_the_catalogue_hold_text_that_skipped_the_loader():
    # Defence in depth: a Dataset built by other code than the loader, its text never cleaned.
    from datetime import date

    from portal.catalog.dcat import CatalogueInfo, catalogue_graph
    from portal.catalog.feed import atom_feed
    from portal.dataset import Dataset

    descriptor = json.loads((PACKAGES / "complet" / "datapackage.json").read_text("utf-8"))
    descriptor.update(title=f"Titre{CONTROLS}\ud800", description=f"Texte{CONTROLS}", keywords=[CONTROLS])
    dataset = Dataset(Path(f"jeu{CONTROLS}"), descriptor)
    feed = atom_feed([dataset], BASE, f"Portail{CONTROLS}", date(2026, 1, 1))
    ElementTree.fromstring(feed.encode("utf-8"))
    info = CatalogueInfo(BASE + "a b/", f"Portail{CONTROLS}", "Catalogue", "Éditeur")
    graph = catalogue_graph(info, [(dataset, [])])
    for fmt in ("turtle", "json-ld"):
        text = graph.serialize(format=fmt)
        assert not FORBIDDEN.search(text)
        rdflib.Graph().parse(data=text, format=fmt)


def test_a_raw_spec_that_writes_a_control_character_is_refused(hostile, tmp_path):
    def edit(data):
        raw = next(v for v in data["views"] if v["type"] == "vega-lite")
        raw["spec"]["transform"] = [{"calculate": "'\\u0001' + datum.reponse", "as": "texte"}]
        raw["spec"]["mark"] = "text"
        raw["spec"]["encoding"]["text"] = {"field": "texte"}

    package = rewrite(hostile("echappement", base="graphiques"), edit)
    result = validate_json(package)
    assert result.returncode == 1
    assert ("text-control-escape", "views[7].spec.transform[0].calculate") in codes(result)
    charts = run_portal("charts", str(package), "--out", str(tmp_path / "charts"))
    # vl-convert aborts the whole process on such a character: it never gets that far.
    assert_no_traceback(charts)
    assert charts.returncode == 1
    assert "écrit un caractère de contrôle" in charts.stderr
    assert "panicked" not in charts.stderr


# --- terminal escapes -----------------------------------------------------------------------

OSC_LINK = "\x1b]8;;http://evil.example\x07clic\x1b]8;;\x07"


def test_terminal_escapes_from_headers_are_shown_not_obeyed(hostile, tmp_path):
    csv = (PACKAGES / "complet" / "participation.csv").read_text("utf-8")
    csv = csv.replace("dispositif", f"dispo{OSC_LINK}\x1b[2J\u202e", 1)
    package = hostile("terminal", files={"participation.csv": csv})
    rewrite(package, lambda d: d.update(title=f"Titre {OSC_LINK} \u202e"))

    for fmt in ("text", "github"):
        result = run_portal("validate", str(package), "--format", fmt)
        assert_no_traceback(result)
        assert result.returncode == 1  # the header differs from the schema
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
        assert "dispo\\x1b]8;;http://evil.example\\x07clic" in result.stdout
    report = run_portal("validate", str(package), "--format", "json")
    assert "\x1b" not in report.stdout and "\u202e" not in report.stdout
    message = json.loads(report.stdout)["datasets"][0]["problems"][0]["message"]
    assert "\x1b[2J\u202e" in message  # the JSON keeps the data, escaped

    for fmt in ("turtle", "json-ld"):
        catalogue = run_portal("export", "dcat", str(package.parent), "--base-url", BASE, "--format", fmt)
        assert catalogue.returncode == 0 and "\u202e" not in catalogue.stdout
        graph = rdflib.Graph().parse(data=catalogue.stdout, format=fmt)
        assert "Titre ]8;;http://evil.exampleclic]8;; \u202e" in {str(o) for o in graph.objects()}

    build = mkdocs_build(portal_with(tmp_path / "portail", [package]))
    assert build.returncode == 1
    assert "\x1b" not in build.stdout + build.stderr
    assert "dispo\\x1b]8;;" in build.stdout + build.stderr


def test_portal_new_shows_escapes_from_the_file(tmp_path):
    source = tmp_path / "export.csv"
    source.write_text(f"nom{OSC_LINK},montant\nA\x1b[2J,12\nB,13\n", "utf-8")
    result = run_portal("new", "jeu", "--from", str(source), "--datasets", str(tmp_path / "datasets"))
    assert_no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout
    assert "\\x1b" in result.stdout


# --- the last guard -------------------------------------------------------------------------


def test_an_unexpected_error_in_export_dcat_is_one_line(hostile, tmp_path):
    package = hostile("jeu")
    blocker = tmp_path / "fichier"
    blocker.write_text("", "utf-8")
    result = run_portal(
        "export", "dcat", str(package.parent), "--base-url", BASE, "--out", str(blocker / "catalog.ttl")
    )
    assert_no_traceback(result)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("erreur : défaut inattendu de portal (NotADirectoryError")


def test_an_unexpected_error_in_charts_spares_the_other_datasets(hostile, tmp_path):
    first, second = hostile("premier", base="graphiques"), hostile("second", base="graphiques")
    out = tmp_path / "graphiques"
    out.mkdir()
    (out / "premier").write_text("", "utf-8")  # a file where the dataset's chart folder goes
    result = run_portal("charts", str(first.parent), "--out", str(out))
    assert_no_traceback(result)
    assert result.returncode == 1
    assert result.stderr.count("erreur :") == 1 and "premier : " in result.stderr
    assert (out / "second" / "type-2018.svg").is_file()
    assert second.is_dir()


def test_an_unexpected_error_in_the_build_is_one_line(hostile, tmp_path):
    portal = portal_with(tmp_path / "portail", [hostile("jeu")])
    (portal / ".cache").write_text("", "utf-8")  # the chart cache cannot be created
    build = mkdocs_build(portal)
    assert_no_traceback(build)
    assert build.returncode == 1
    assert "défaut inattendu de portal" in build.stdout + build.stderr


def test_an_unexpected_error_in_validate_is_one_line(hostile, monkeypatch):
    # The one case without a real trigger left: every input the pipeline meets is handled, so a
    # renderer is made to fail to prove the guard itself.
    from portal import report
    from portal.cli import main

    def broken(_report):
        raise RuntimeError("rendu impossible\nsur deux lignes")

    monkeypatch.setitem(report.RENDERERS, "text", broken)
    result = CliRunner().invoke(main, ["validate", str(hostile("jeu"))])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "erreur : défaut inattendu de portal (RuntimeError: rendu impossible) ; "
        "signalez-le avec le jeu de données en cause."
    )
