"""The table pages' data: the explorer's JSON written in one streamed pass, the facet columns it
picks, the cells as the page shows them, and the page's parts (golden: tests/test_pages.py)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from portal.site import explorer
from portal.site.explorer import column_kind, write_explorer_data
from portal.site.table_pages import shown_cell
from tests.table_fixture import HEADER, long_table_package, rows


def write_csv(path: Path, header: list[str], body: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(body)
    return path


FIELDS = {
    "annee": {"type": "integer", "title": "Année"},
    "participants": {"type": "integer"},
    "budget": {"type": "number"},
    "region": {"type": "string", "title": "Région"},
}


def test_the_explorer_file_holds_every_row_as_the_csv_says_it(tmp_path):
    body = rows(300)
    source = write_csv(tmp_path / "lignes.csv", HEADER, body)
    table = write_explorer_data(source, tmp_path / "out" / "lignes.json", FIELDS)
    data = json.loads((tmp_path / "out" / "lignes.json").read_text("utf-8"))
    assert data["rows"] == body  # every cell, as text, including the formula-looking ones
    assert data["columns"][1] == {"name": "annee", "title": "Année", "kind": "year"}
    assert [c["kind"] for c in data["columns"]][5:7] == ["number", "number"]
    assert table.row_count == 300 and table.first_rows == body[:20] and table.written
    # Few values that repeat: facets. Identifiers, communes (300 of them) and numbers: not.
    assert data["facets"] == table.facets == ["annee", "region", "dispositif", "remarque"]


def test_a_facet_needs_repeated_values_and_short_ones(tmp_path):
    body = [["a", str(i), "x" * 81 if i % 2 else "court", "seul"] for i in range(30)]
    source = write_csv(tmp_path / "t.csv", ["cat", "id", "long", "unique"], body)
    # "cat" has 1 value, "id" 30 (over MAX_FACET_VALUES), "long" a text over MAX_FACET_CHARS.
    assert write_explorer_data(source, tmp_path / "t.json", {}).facets == []
    body = [[str(i % 20)] for i in range(40)] + [["vingt-et-unième"]]
    source = write_csv(tmp_path / "u.csv", ["v"], body)
    assert write_explorer_data(source, tmp_path / "u.json", {}).facets == []  # 21 values
    assert write_explorer_data(source, tmp_path / "u.json", {}).row_count == 41


def test_a_table_too_large_for_a_browser_gets_no_explorer_file(tmp_path, monkeypatch):
    monkeypatch.setattr(explorer, "MAX_ROWS", 50)
    source = write_csv(tmp_path / "lignes.csv", HEADER, rows(120))
    table = write_explorer_data(source, tmp_path / "lignes.json", FIELDS)
    assert not table.written and not (tmp_path / "lignes.json").exists()
    assert table.row_count == 120 and len(table.first_rows) == 20  # the page still says it all


def test_a_short_row_is_padded_for_the_page(tmp_path):
    (tmp_path / "t.csv").write_text("a,b,c\n1,2\n", "utf-8")
    table = write_explorer_data(tmp_path / "t.csv", tmp_path / "t.json", {})
    assert table.first_rows == [["1", "2", ""]]


@pytest.mark.parametrize(
    ("field", "kind"),
    [
        ({"name": "annee", "type": "integer"}, "year"),
        ({"name": "edition", "type": "integer"}, "year"),
        ({"name": "date", "type": "yearmonth"}, "year"),
        ({"name": "participants", "type": "integer"}, "number"),
        ({"name": "budget", "type": "number"}, "number"),
        # The site's rule for numbers that are not quantities (formats.number_role), as on every page.
        ({"name": "code_insee", "type": "integer"}, "code"),
        ({"name": "codeInsee", "type": "integer"}, "code"),
        ({"name": "annee_vote", "type": "integer"}, "year"),
        ({"name": "an", "type": "integer"}, "year"),
        ({"name": "depenses_par_an", "type": "number"}, "number"),
        ({"name": "annee", "type": "string"}, "text"),
        ({"name": "x"}, "text"),
    ],
)
def test_column_kinds(field, kind):
    assert column_kind(field) == kind


@pytest.mark.parametrize(
    ("text", "kind", "shown"),
    [
        ("1250", "number", "1\u202f250"),
        ("175000.5", "number", "175\u202f000,5"),
        ("2018", "year", "2018"),
        ("", "number", ""),
        ("n/a", "number", "n/a"),
        ("NaN", "number", "NaN"),
        ("=1+1", "text", "=1+1"),
    ],
)
def test_cells_as_the_page_shows_them(text, kind, shown):
    assert shown_cell(text, kind) == shown


def test_every_table_gets_a_page_and_its_data(tmp_path):
    from datetime import date

    from portal.site.build import generate
    from portal.site.pages import Site

    long_table_package(tmp_path / "datasets" / "longue", 45)
    site = Site(base_url="https://portail.example.org/", today=date(2026, 11, 22))
    generated = generate(tmp_path / "datasets", tmp_path / "work", site, tmp_path / "cache")
    page = generated.pages["jeux/longue/tables/lignes/index.md"]
    assert '<div class="table-wrap" role="region" aria-label="Les 20 premières lignes sur 45 de lignes.csv' in page
    assert page.count('<tr><td><span class="cell">L000') == 20 and "L00021" not in page  # the rest is in lignes.json
    assert '<td class="num"><span class="cell">6,5</span></td>' in page and '<span class="cell">2016</span>' in page
    assert "<strong>dispositif</strong>" in page  # the description's Markdown, rendered
    assert 'href="../../"' in page  # back to the dataset
    for download in ("lignes.csv", "lignes-excel.csv", "lignes.json", "lignes.schema.json"):
        assert f'href="../../../../donnees/longue/{download}"' in page
    assert "Dictionnaire des données de lignes.csv" in page
    assert '<script src="../../../../assets/js/explorer.js" defer></script>' in page
    data = json.loads((tmp_path / "work" / "jeux" / "longue" / "tables" / "lignes" / "lignes.json").read_text())
    assert len(data["rows"]) == 45
