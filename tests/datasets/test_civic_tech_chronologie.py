"""Consistency tests for datasets/civic-tech-chronologie (the 10 dates of civic tech, slides of 04.12.2018)."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import frictionless
import pandas as pd
import pytest

from tests.datasets.sources import FRENCH_MONTHS

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "datasets" / "civic-tech-chronologie"
SEED = Path(__file__).resolve().parents[2] / "sources" / "seeds" / "002_a2d547177d00cc3f.txt"
MONTHS = FRENCH_MONTHS


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\\", "").replace("*", "")).strip()


def fold(text: str) -> str:
    """Case- and accent-insensitive form: the slides are in capitals, often without accents."""
    decomposed = unicodedata.normalize("NFD", text)
    return norm("".join(c for c in decomposed if unicodedata.category(c) != "Mn").upper())


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return pd.read_csv(PKG / "dates-civic-tech.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def seed() -> str:
    if not SEED.exists():
        pytest.fail("seed not available")
    return norm(SEED.read_text(encoding="utf-8"))


def test_package_is_valid():
    report = frictionless.validate(PKG / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_ten_dates_in_order(df):
    assert len(df) == 10
    assert list(df["rang"].astype(int)) == list(range(1, 11))
    assert list(df["date"]) == sorted(df["date"])


def test_printed_text_is_in_the_seed(df, seed):
    for _, row in df.iterrows():
        assert row["texte_imprime"] in seed, row["rang"]
        assert row["texte_imprime"] == row["texte_imprime"].upper()


def test_every_row_has_a_citation_found_in_the_seed(df, seed):
    for _, row in df.iterrows():
        assert row["citation"].strip(), row["rang"]
        assert norm(row["citation"]) in seed, row["rang"]
        # the citation carries the printed date and the whole printed paragraph
        assert row["date_imprimee"].upper() in row["citation"], row["rang"]
        assert row["texte_imprime"] in row["citation"], row["rang"]


def test_date_matches_printed_month_and_year(df):
    for _, row in df.iterrows():
        month, year = row["date_imprimee"].split(" ")
        assert row["date"] == f"{year}-{MONTHS.index(month) + 1:02d}"
        assert row["texte_imprime"].startswith(row["date_imprimee"].upper())


def test_event_is_the_printed_text_in_normal_case(df):
    for _, row in df.iterrows():
        printed_event = row["texte_imprime"].split(":", 1)[1]
        assert fold(row["evenement"]) == fold(printed_event), row["rang"]
        assert row["evenement"] != row["evenement"].upper()
        assert row["evenement"][0].isupper()


def test_actors_and_places_are_named_in_the_event(df):
    for _, row in df.iterrows():
        actors = [a.strip() for a in row["acteurs"].split(";")]
        assert actors and all(actors)
        for actor in actors:
            assert actor.lower() in row["evenement"].lower(), (row["rang"], actor)
        if row["lieu"]:
            assert row["lieu"] in row["evenement"]


def test_key_dates(df):
    by_date = df.set_index("date")["evenement"]
    assert "Regards Citoyens" in by_date["2010-06"]
    assert "Etalab" in by_date["2011-02"]
    assert "Cap Collectif" in by_date["2015-09"]
    assert "Paula Forteza" in by_date["2017-09"]
    assert set(df["date"]) == {
        "2010-06",
        "2011-02",
        "2012-06",
        "2013-12",
        "2015-09",
        "2016-04",
        "2016-05",
        "2016-12",
        "2017-09",
        "2018-04",
    }


def test_provenance(df):
    for column in ("source_titre", "source_edition", "source_section"):
        assert (df[column].str.strip() != "").all()
    assert set(df["source_edition"]) == {"2018"}
    assert set(df["source_section"].str.contains("Les 10 dates de la civic tech en France")) == {True}


def test_descriptor(df):
    descriptor = json.loads((PKG / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["name"] == PKG.name
    assert descriptor["licenses"][0]["name"] == "etalab-2.0"
    assert len(descriptor["description"]) > 100
    assert "transparence" in descriptor["notes"]  # the printed word kept as is, documented
    for field in descriptor["resources"][0]["schema"]["fields"]:
        assert field.get("description") and field.get("title")
    import jsonschema

    schema = json.loads((ROOT / "portal" / "schemas" / "portal-datapackage.schema.json").read_text("utf-8"))
    assert not [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(descriptor)]
