"""The citation (portal/citation.py): dated with the source's year, carrying the dataset's version
and date, in the formats reference managers import, each read back by a real parser."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from portal import citation
from portal.dataset import load_dataset
from tests.conftest import PACKAGES
from tests.portal_fixture import ROOT, build_package

URL = "https://portail.example.org/jeux/barometre-2018/"


@pytest.fixture(scope="module")
def barometre():
    return load_dataset(ROOT / "datasets" / "barometre-2018")


def _parse_bibtex(text: str):
    from pybtex.database import parse_string

    entries = list(parse_string(text, "bibtex").entries.values())
    assert len(entries) == 1
    return entries[0]


def _parse_ris(text: str) -> list[tuple[str, str]]:
    lines = text.splitlines()
    for line in lines:
        assert line[2:6] == "  - " and line[:2].isalnum() and line[:2].isupper(), line
    assert lines[0] == "TY  - DATA" and lines[-1].rstrip() == "ER  -"
    return [(line[:2], line[6:]) for line in lines]


def _formatted_csl(items: list[dict]) -> str:
    """The CSL-JSON formatted by citeproc-py with a real CSL style, as Zotero or Pandoc would."""
    import citeproc
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    style = Path(citeproc.__file__).parent / "data" / "styles" / "harvard-cite-them-right.csl"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py knows CSL 1.0.1: it skips available-date and license
        source = CiteProcJSON(items)
        bibliography = CitationStylesBibliography(
            CitationStylesStyle(str(style), validate=False), source, formatter.plain
        )
        bibliography.register(Citation([CitationItem(items[0]["id"])]))
        return str(bibliography.bibliography()[0])


def test_the_year_is_the_source_publication_year_not_the_portal_update(barometre):
    # barometre-2018: presented in Lyon on 4 December 2018, then on 30 January 2019; updated on the portal in 2026.
    assert str(barometre.get("modified")).startswith("2026")
    assert citation.source_year(barometre) == 2018
    text = citation.citation_text(barometre, URL)
    assert "(2018)" in text and "(2026)" not in text
    assert _parse_bibtex(citation.bibtex(barometre, URL)).fields["year"] == "2018"
    assert ("PY", "2018") in _parse_ris(citation.ris(barometre, URL))
    assert json.loads(citation.csl_json(barometre, URL))[0]["issued"] == {"date-parts": [[2018]]}


@pytest.mark.parametrize(
    ("sources", "year"),
    [
        ([{"title": "Rapport", "published": "30 01 2019"}], 2019),
        ([{"title": "Guide", "published": "mai 2018"}, {"title": "Étude", "published": "2019-03-01"}], 2018),
        ([{"title": "Lyon", "published": "04.12.2018 – Lyon"}], 2018),
        ([{"title": "Baromètre", "edition": "2017"}], 2017),  # no publication date: the edition
        ([{"title": "Rapport d'activité 2019"}], 2019),  # nor an edition: a year in the title
        ([{"title": "Registre"}], None),
        ([], None),
    ],
)
def test_source_year_reads_the_dates_the_packages_write(sources, year, tmp_path):
    folder = build_package(tmp_path / "jeu", descriptor=lambda d: d.update(sources=sources))
    dataset = load_dataset(folder)
    assert citation.source_year(dataset) == year
    # With no dated source, the dataset's own date (the fixture's modified, 2026-10-01).
    assert citation.year_of(dataset) == str(year or 2026)


def test_every_format_carries_the_version_its_date_and_the_page(barometre):
    forms = citation.citation_data(barometre, URL)
    assert forms["text"] == (
        "Décider ensemble — Observatoire des civic tech et de la démocratie numérique (2018). "
        "Baromètre de la démocratie locale numérique, édition 2018 [jeu de données], "
        "version 1.0.0 du 22/11/2026. " + URL
    )
    entry = _parse_bibtex(forms["bibtex"])
    assert entry.type == "misc" and entry.fields["url"] == URL and entry.fields["version"] == "1.0.0"
    assert "version 1.0.0 du 22/11/2026" in entry.fields["note"]
    # An organisation: one braced name, not a first name and a last name.
    assert [str(p) for p in entry.persons["author"]] == [
        "{Décider ensemble — Observatoire des civic tech et de la démocratie numérique}"
    ]
    ris = dict(_parse_ris(forms["ris"]))
    assert ris["UR"] == URL and ris["ET"] == "1.0.0" and ris["DA"] == "2026/11/22" and ris["TY"] == "DATA"
    [item] = json.loads(forms["csl"])
    assert item["type"] == "dataset" and item["version"] == "1.0.0" and item["URL"] == URL
    assert item["available-date"] == {"date-parts": [[2026, 11, 22]]}
    formatted = _formatted_csl([item])
    assert "(2018)" in formatted and "Baromètre de la démocratie locale numérique, édition 2018" in formatted
    assert URL in formatted


def test_bibtex_escapes_its_special_characters(tmp_path):
    nasty = "Budgets & dépenses à 100 % {test} $x$ #1 a_b ~ ^ \\fin"

    def edit(descriptor):
        descriptor["title"] = nasty
        descriptor["contributors"][0]["title"] = "Ville } de @misc{x, title={y}"

    dataset = load_dataset(build_package(tmp_path / "jeu", descriptor=edit))
    text = citation.bibtex(dataset, "https://exemple.fr/jeux/jeu/")
    entry = _parse_bibtex(text)  # one entry: the title and the author did not close their fields
    title = entry.fields["title"]
    for escaped in (r"\&", r"\%", r"\{test\}", r"\$x\$", r"\#1", r"a\_b", r"\textasciitilde{}", r"\textbackslash{}fin"):
        assert escaped in title, escaped
    assert entry.fields["url"] == "https://exemple.fr/jeux/jeu/"
    assert text.count("@misc{") == 1


def test_a_line_break_in_a_title_cannot_start_a_ris_tag(tmp_path):
    dataset = load_dataset(
        build_package(tmp_path / "jeu", descriptor=lambda d: d.update(title="Titre\nER  - \nTY  - JOUR"))
    )
    tags = [tag for tag, _ in _parse_ris(citation.ris(dataset, "https://exemple.fr/"))]
    assert tags.count("TY") == 1 and tags.count("ER") == 1


def test_a_chart_citation_names_the_chart_within_the_dataset():
    dataset = load_dataset(PACKAGES / "graphiques")
    forms = citation.citation_data(
        dataset, "https://exemple.fr/jeux/graphiques/graphiques/budget/", "Budget par habitant"
    )
    assert forms["text"].startswith("Portail de test (2018). Budget par habitant, dans : Graphiques de démonstration")
    entry = _parse_bibtex(forms["bibtex"])
    assert entry.fields["title"] == "Budget par habitant" and entry.fields["booktitle"] == "Graphiques de démonstration"
    [item] = json.loads(forms["csl"])
    assert item["container-title"] == "Graphiques de démonstration" and item["id"] != "graphiques_2018"
