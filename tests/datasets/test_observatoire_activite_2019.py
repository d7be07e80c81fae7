"""Consistency tests for datasets/observatoire-activite-2019 (Rapport d'activité 2019 de l'observatoire)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import frictionless
import pandas as pd
import pytest

from tests.datasets.sources import FRENCH_MONTHS

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "datasets" / "observatoire-activite-2019"
SEED = Path(__file__).resolve().parents[2] / "sources" / "seeds" / "003_ec87b74959b32593.txt"
RESOURCES = ["activites", "chiffres", "intervenants", "presse", "programme-2020", "partenaires"]
MONTHS = FRENCH_MONTHS
WORDS = {
    "une demie-journée": 0.5,
    "d'une journée": 1,
    "troisième": 3,
    "trois": 3,
    "quinze": 15,
    "quatre": 4,
    "cinq": 5,
    "deux": 2,
    "six": 6,
}


def norm(text: str) -> str:
    """Whitespace collapsed, Markdown emphasis markers and backslash escapes removed."""
    return re.sub(r"\s+", " ", text.replace("\\", "").replace("*", "")).strip()


def printed_number(text: str) -> float:
    match = re.search(r"\d+(?: \d{3})*(?:,\d+)?", text)
    if match:
        return float(match.group().replace(" ", "").replace(",", "."))
    for word, value in WORDS.items():
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text.lower()):
            return value
    raise ValueError(text)


def table(name: str) -> pd.DataFrame:
    return pd.read_csv(PKG / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def seed() -> str:
    if not SEED.exists():
        pytest.fail("seed not available")
    return norm(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def descriptor() -> dict:
    return json.loads((PKG / "datapackage.json").read_text(encoding="utf-8"))


def test_package_is_valid_including_foreign_keys():
    report = frictionless.validate(PKG / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.parametrize("resource", RESOURCES)
def test_provenance_and_citations(resource, seed):
    df = table(resource)
    assert len(df) > 0
    for _, row in df.iterrows():
        for column in ("source_titre", "source_edition", "source_section"):
            assert row[column].strip()
        if resource == "chiffres" and row["origine"] == "calculé":
            assert row["citation"] == "" and row["texte_imprime"] == ""
            continue
        assert row["citation"].strip(), row.to_dict()
        assert row["citation"] in seed, row["citation"]
    assert set(df["source_edition"]) == {"2019"}


def test_printed_figures(seed):
    df = table("chiffres")
    for _, row in df[df["origine"] == "imprimé"].iterrows():
        assert row["texte_imprime"] in row["citation"], row["chiffre_id"]
        assert float(row["valeur"]) == printed_number(row["texte_imprime"]), row["chiffre_id"]
        expected = "plus-de" if row["texte_imprime"].lower().startswith("plus de") else "exact"
        assert row["qualificatif"] == expected


def test_key_figures():
    v = table("chiffres").set_index("chiffre_id")
    assert float(v.loc["journee-participants", "valeur"]) == 250
    assert v.loc["journee-participants", "qualificatif"] == "plus-de"
    assert float(v.loc["barometre-2018-repondants", "valeur"]) == 70
    assert float(v.loc["barometre-2018-fiches-dispositifs", "valeur"]) == 20
    assert float(v.loc["barometre-2019-entretiens", "valeur"]) == 15
    assert v.loc["barometre-2019-entretiens", "activite_id"] == "barometre-2019"
    assert float(v.loc["article-perspectives-internationales-questions", "valeur"]) == 3
    assert v.loc["article-perspectives-internationales-questions", "texte_imprime"] == "Trois questions"


def test_fourteen_moments_of_the_day_add_up():
    v = table("chiffres").set_index("chiffre_id")["valeur"].astype(float)
    parts = ["journee-tables-rondes", "journee-retours-experience", "journee-ateliers", "journee-centrifugeuses"]
    assert sum(v[p] for p in parts) == v["journee-temps"] == 14


def test_colloquium_six_local_authorities():
    v = table("chiffres").set_index("chiffre_id")["valeur"].astype(float)
    speakers = table("intervenants")
    listed = speakers[speakers["activite_id"] == "colloque-metiers-competences-2019"]
    assert v["colloque-collectivites"] == v["colloque-representants"] == len(listed) == 6
    # each listed speaker comes from a different local authority (after the last " - ")
    assert listed["fonction"].str.rsplit(" - ", n=1).str[-1].nunique() == 6


def test_computed_counts_match_the_lists():
    df = table("chiffres")
    speakers = table("intervenants")
    computed = df[df["origine"] == "calculé"]
    assert len(computed) == 2
    for _, row in computed.iterrows():
        assert float(row["valeur"]) == (speakers["activite_id"] == row["activite_id"]).sum()


def _iso_from_french(text: str) -> str | None:
    match = re.fullmatch(r"(\d{2})\.(\d{2})\.(\d{4})", text)
    if match:
        return f"{match[3]}-{match[2]}-{match[1]}"
    match = re.search(rf"(\d{{1,2}}) ({'|'.join(MONTHS)})(?: (\d{{4}}))?", text)
    if match:
        year = match[3] or "2019"  # years completed from the section context (documented in notes)
        return f"{year}-{MONTHS.index(match[2]) + 1:02d}-{int(match[1]):02d}"
    match = re.fullmatch(rf"({'|'.join(MONTHS)}) (\d{{4}})", text)
    if match:
        return f"{match[2]}-{MONTHS.index(match[1]) + 1:02d}"
    return None


@pytest.mark.parametrize("resource", ["activites", "presse"])
def test_dates_match_what_is_printed(resource, seed):
    df = table(resource)
    for _, row in df.iterrows():
        parts = [p for p in row["date_imprimee"].split(" ; ") if p]
        for part in parts:
            assert part in seed, part
        if not parts:
            assert row["date_debut"] == "" and row["date_fin"] == ""
            continue
        assert row["date_debut"], row.to_dict()
        if row["date_fin"]:
            assert row["date_fin"] >= row["date_debut"]
        for part in parts:
            span = re.search(rf"(\d{{1,2}}) (?:au|et) (\d{{1,2}}) ({'|'.join(MONTHS)}) (\d{{4}})", part.lower())
            if span:
                month = MONTHS.index(span[3]) + 1
                assert row["date_debut"] == f"{span[4]}-{month:02d}-{int(span[1]):02d}"
                assert row["date_fin"] == f"{span[4]}-{month:02d}-{int(span[2]):02d}"
                continue
            iso = _iso_from_french(part.lower())
            if iso:
                assert iso == row["date_debut"], (part, row["date_debut"])
        assert row["date_debut"][:4] in {"2005", "2016", "2018", "2019", "2020"}


def test_years_completed_from_context_are_documented(descriptor):
    df = table("activites")
    without_year = df[df["date_imprimee"].str.fullmatch(r"le \d{1,2} \w+")]
    assert set(without_year["activite_id"]) == {
        "nuit-des-idees",
        "nuit-du-code-citoyen",
        "hackathon-hackgdn",
        "hackathon-hackgdn-restitution",
    }
    assert "Entre janvier et mai 2019" in descriptor["notes"]


def test_cartography_date_disagreement_is_documented(descriptor, seed):
    row = table("activites").set_index("activite_id").loc["cartographie-civic-tech"]
    assert row["date_debut"] == "2019-11-29"
    assert "JUIN 2019" in seed
    assert "JUIN 2019" in descriptor["notes"] and "29.11.2019" in descriptor["notes"]


def test_press_review():
    df = table("presse")
    assert len(df) == 9
    for _, row in df.iterrows():
        assert row["media"] in row["citation"] and row["titre"] in row["citation"]


def test_programme_2020():
    df = table("programme-2020")
    assert list(df["rang"].astype(int)) == [1, 2, 3, 4, 5]


def test_no_personal_contact_data_and_no_intern_name():
    for name in RESOURCES:
        text = (PKG / f"{name}.csv").read_text(encoding="utf-8")
        assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text)
        assert not re.search(r"(?<!\d)0[1-9](?:[ .]?\d{2}){4}(?!\d)", text)
        assert "Ludwig" not in text


def test_descriptor(descriptor):
    assert descriptor["name"] == PKG.name
    assert descriptor["licenses"][0]["name"] == "etalab-2.0"
    assert len(descriptor["description"]) > 100
    assert {r["name"] for r in descriptor["resources"]} == set(RESOURCES)
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            assert field.get("description") and field.get("title"), field["name"]
    import jsonschema

    schema = json.loads((ROOT / "portal" / "schemas" / "portal-datapackage.schema.json").read_text("utf-8"))
    assert not [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(descriptor)]
