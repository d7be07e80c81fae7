"""Golden files for the generated pages: the pipeline's Markdown, with a fixed date and base URL.

Refresh after an intended change with ``UPDATE_GOLDEN=1 pytest tests/test_pages.py``.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from portal.site.build import SiteError, generate
from portal.site.pages import PAGE_SIZE, Site, paginate
from tests.conftest import PACKAGES

GOLDEN = Path(__file__).parent / "golden" / "pages"
SITE = Site(base_url="https://portail.example.org/", today=date(2026, 11, 22))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("generation")
    for name in ("complet", "graphiques"):
        shutil.copytree(PACKAGES / name, root / "datasets" / name)
    return generate(root / "datasets", root / "work", SITE, root / "cache")


@pytest.mark.parametrize(
    "page",
    [
        "index.md",
        "catalogue/index.md",
        "qualite/index.md",
        "jeux/complet/index.md",
        "jeux/graphiques/index.md",
        "jeux/complet/tables/participation/index.md",
        "jeux/complet/a-propos/index.md",
        "jeux/graphiques/a-propos/index.md",
        "enquetes/index.md",
        "enquetes/graphiques/index.md",
        "enquetes/evolution/index.md",
        "jeux/graphiques/graphiques/type-2018/index.md",
        "jeux/graphiques/graphiques/brut/index.md",
        "jeux/graphiques/graphiques/type-2018/integrer/index.html",
    ],
)
def test_golden_pages(generated, page):
    # The embed page is a plain file of the work folder, not a page MkDocs renders.
    text = generated.pages[page] if page.endswith(".md") else (generated.files / page).read_text("utf-8")
    golden = GOLDEN / (page.replace("/", "__"))
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, "utf-8")
    assert text == golden.read_text("utf-8"), "UPDATE_GOLDEN=1 to accept an intended change"


def test_dataset_with_errors_stops_generation_with_its_name(tmp_path):
    shutil.copytree(PACKAGES / "complet", tmp_path / "datasets" / "complet")
    (tmp_path / "datasets" / "complet" / "participation.csv").write_text(
        "annee,dispositif,participants,budget\nx,y,z,0\n"
    )
    with pytest.raises(SiteError, match=r"- complet : .*ligne 2, champ « annee » : « x » n'est pas un entier"):
        generate(tmp_path / "datasets", tmp_path / "work", SITE, tmp_path / "cache")


def test_pages_do_not_grow_with_the_catalogue():
    items = list(range(1000))
    chunks = paginate(items)
    assert len(chunks) == 1000 // PAGE_SIZE and max(len(c) for c in chunks) == PAGE_SIZE


def test_scdl_resource_page_and_catalogue_name_the_national_schema(tmp_path):
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCTERMS

    fixture = Path(__file__).parent / "fixtures" / "scdl" / "subventions"
    shutil.copytree(fixture, tmp_path / "datasets" / fixture.name)
    generated = generate(tmp_path / "datasets", tmp_path / "work", SITE, tmp_path / "cache")
    page = generated.pages[f"jeux/{fixture.name}/index.md"]
    assert "Conforme au schéma national" in page and "SCDL « Subventions »</a>, version 2.1.1" in page
    table = next(text for uri, text in generated.pages.items() if uri.startswith(f"jeux/{fixture.name}/tables/"))
    assert "<td>nomAttribuant</td>" in table  # the data dictionary comes from the national schema
    assert "SCDL « Subventions »</a>, version 2.1.1" in table and "schema.data.gouv.fr" in table
    graph = Graph().parse(tmp_path / "work" / "catalog.ttl")
    standards = set(graph.objects(None, DCTERMS.conformsTo))
    assert URIRef("https://schema.data.gouv.fr/schemas/scdl/subventions/2.1.1/schema.json") in standards
    published = json.loads((tmp_path / "work" / "donnees" / fixture.name / "datapackage.json").read_text("utf-8"))
    assert (
        published["resources"][0]["schema"] == "https://schema.data.gouv.fr/schemas/scdl/subventions/2.1.1/schema.json"
    )


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        ("1.82", "euros-par-habitant", "1,82\u00a0€ par habitant"),
        ("4", "nombre-sur-10", "4 sur 10"),
        ("12", "note-sur-20", "12 sur 20"),
        ("25.6", "pourcentage", "25,6\u202f%"),
        ("98", "nombre", "98"),
        ("3", "rang", "3 (rang)"),
        ("non publié", "nombre", "non publié"),
    ],
)
def test_survey_values_read_in_words(value, unit, shown):
    from portal.site.surveys import _value

    assert _value({"valeur": value, "unite": unit}) == shown


def test_the_page_templates_escape_and_refuse_a_missing_name():
    """Autoescape on, with the pages' own escaping (&#x27;, control characters dropped), and a name
    missing from the data is an error rather than an empty string."""
    import jinja2

    from portal.site.templates import environment, render

    env = environment()
    template = env.from_string("<p>{{ value }}</p>")
    assert template.render(value="<b>l'a\x07\"</b>") == "<p>&lt;b&gt;l&#x27;a&quot;&lt;/b&gt;</p>"
    assert template.render(value=None) == "<p></p>"
    with pytest.raises(jinja2.UndefinedError):
        render("home.md.j2")
    for name in env.list_templates():
        assert env.autoescape(name), name  # select_autoescape, on for every file
