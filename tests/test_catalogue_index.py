"""The catalogue's index and facets as pure functions: the edition's year, the records the
catalogue.js search reads (complete cards, small), and the catalogue's alphabetical order."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from portal.checks.base import Options
from portal.dataset import load_catalogue
from portal.metadata import edition, edition_year
from portal.site.pages import Entry, Site, catalogue_index, catalogue_record, title_key
from portal.validate import validate_dataset

ROOT = Path(__file__).resolve().parents[1]
SITE = Site(base_url="https://portail.example.org/", today=date(2026, 11, 22))


@pytest.mark.parametrize(
    ("value", "year"),
    [
        ("2018", 2018),
        ("mai 2018", 2018),
        ("résultats de mars 2018", 2018),
        ("2017-2018", 2018),  # a span is the edition of the year it ends, when it is published
        ("2017 – 2018", 2018),
        ("2017/18", 2018),
        ("2018-05-01", 2018),  # a day, not a span
        ("2018-05", 2018),
        ("2018-2017", 2018),
        (2019, 2019),
        ("édition 3", None),
        ("20180", None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_edition_year(value, year):
    assert edition_year(value) == year


def test_every_edition_of_the_repository_has_its_year():
    editions = {
        source["edition"]
        for path in (ROOT / "datasets").glob("*/datapackage.json")
        for source in json.loads(path.read_text("utf-8")).get("sources", [])
        if source.get("edition")
    }
    assert {"mai 2018", "2018"} <= editions
    years = {value: edition_year(value) for value in editions}
    assert all(year and str(year) in value for value, year in years.items()), years
    assert years["mai 2018"] == years["2018"] == 2018


@pytest.fixture(scope="module")
def entries():
    datasets = load_catalogue(ROOT / "datasets")
    return [Entry(d, validate_dataset(d, Options(today=SITE.today))) for d in datasets]


def test_a_record_carries_what_a_card_shows_and_the_search_reads(entries):
    entry = next(e for e in entries if e.name == "etudes-de-cas-collectivites")
    record = catalogue_record(entry, SITE)
    assert record["edition"] == edition(entry.dataset) == "mai 2018" and record["year"] == 2018
    assert record["url"] == "jeux/etudes-de-cas-collectivites/" and record["title"] == entry.dataset.title
    assert record["summary"].startswith("Les exemples de collectivités") and len(record["summary"]) <= 220
    assert record["themes"] == ["Gouvernement et secteur public", "Régions et villes", "Population et société"]
    assert "études de cas" in record["keywords"] and record["publisher"].startswith("Décider ensemble")
    assert (record["status"], record["freshness"], record["modified"]) == ("ponctuel", "ponctuel", "2026-11-22")
    assert record["score"] == entry.report.score


def test_the_index_stays_small_and_in_the_catalogue_order(entries):
    index = catalogue_index(entries, SITE)
    sizes = [len(json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode()) for r in index]
    assert max(sizes) < 1000  # 10,000 datasets: under 10 MB raw, a few MB compressed
    assert [r["title"] for r in index] == sorted((r["title"] for r in index), key=title_key)


def test_the_order_sets_case_and_accents_aside():
    titles = ["Zones", "Études", "budget", "Eau"]
    assert sorted(titles, key=title_key) == ["budget", "Eau", "Études", "Zones"]
