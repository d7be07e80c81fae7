"""Consistency tests for datasets/budgets-participatifs-2017 (focus Pradeau, baromètre 2017; guide CDC 2018)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import frictionless
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "datasets" / "budgets-participatifs-2017"
SEEDS = Path(__file__).resolve().parents[2] / "sources" / "seeds"
SEED_BY_RESOURCE = {
    "indicateurs-barometre-2017": "001_0e4ee61ceccbd042.txt",
    "territoires-cites": "001_0e4ee61ceccbd042.txt",
    "indicateurs-guide-caisse-des-depots-2018": "004_56e9529fcf5bc638.txt",
}
WORDS = {"troisième": 3, "quinze": 15, "quatre": 4, "cinq": 5, "deux": 2, "six": 6}


def norm(text: str) -> str:
    """Whitespace collapsed, Markdown emphasis markers and backslash escapes removed."""
    return re.sub(r"\s+", " ", text.replace("\\", "").replace("*", "")).strip()


def printed_number(text: str) -> float:
    """The number a French printed figure stands for: '16 370' → 16370, 'Plus de 4 millions' → 4e6."""
    match = re.search(r"\d+(?: \d{3})*(?:,\d+)?", text)
    if match:
        value = float(match.group().replace(" ", "").replace(",", "."))
        return value * 1_000_000 if "million" in text.lower() else value
    for word, value in WORDS.items():
        if re.search(rf"\b{word}\b", text.lower()):
            return value
    raise ValueError(text)


def seed_text(name: str) -> str:
    path = SEEDS / name
    if not path.exists():
        pytest.fail(f"seed {name} not available")
    return norm(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def descriptor() -> dict:
    return json.loads((PKG / "datapackage.json").read_text(encoding="utf-8"))


def table(name: str) -> pd.DataFrame:
    return pd.read_csv(PKG / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def baro() -> pd.DataFrame:
    return table("indicateurs-barometre-2017")


@pytest.fixture(scope="module")
def guide() -> pd.DataFrame:
    return table("indicateurs-guide-caisse-des-depots-2018")


def test_package_is_valid():
    report = frictionless.validate(PKG / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_csv_files_are_utf8_without_bom(descriptor):
    for resource in descriptor["resources"]:
        raw = (PKG / resource["path"]).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        raw.decode("utf-8")


@pytest.mark.parametrize("resource", list(SEED_BY_RESOURCE))
def test_every_row_has_provenance_and_a_citation_found_in_the_seed(resource):
    seed = seed_text(SEED_BY_RESOURCE[resource])
    df = table(resource)
    assert len(df) > 0
    for _, row in df.iterrows():
        for column in ("source_titre", "source_edition", "source_section", "citation"):
            assert row[column].strip(), (resource, column, row.to_dict())
        assert row["citation"] in seed, row["citation"]


@pytest.mark.parametrize("resource", ["indicateurs-barometre-2017", "indicateurs-guide-caisse-des-depots-2018"])
def test_every_value_is_the_printed_figure(resource):
    for _, row in table(resource).iterrows():
        assert row["texte_imprime"] in row["citation"], row["indicateur_id"]
        assert float(row["valeur"]) == printed_number(row["texte_imprime"]), row["indicateur_id"]
        if row["unite"] == "pourcentage":
            assert 0 <= float(row["valeur"]) <= 100
            assert "%" in row["texte_imprime"]
        expected = "plus-de" if row["texte_imprime"].lower().startswith("plus de") else "exact"
        assert row["qualificatif"] == expected


def test_sources_by_resource(baro, guide):
    assert set(baro["source_titre"]) == {"Le baromètre de la démocratie locale numérique"}
    assert set(baro["source_edition"]) == {"2017"}
    assert set(guide["source_edition"]) == {"2018"}
    assert all(t.startswith("Le numérique va-t-il hacker la démocratie locale") for t in guide["source_titre"])


def test_key_national_figures(baro):
    v = baro.set_index("indicateur_id")
    assert float(v.loc["territoires-concernes", "valeur"]) == 61
    assert float(v.loc["habitants-couverts", "valeur"]) == 4_000_000
    assert v.loc["habitants-couverts", "qualificatif"] == "plus-de"
    expected = {
        "part-reunion-publique-obligatoire": 31,
        "part-articulation-instances": 33,
        "part-vote-numerique": 43,
        "part-controle-fraude": 23,
        "part-numerique-remontee-projets": 64,
        "part-commentaire-au-vote": 16,
        "territoires-commentaire-avant-instruction": 8,
        "territoires-commentaire-au-vote": 10,
        "villes-budget-open-data": 3,
    }
    for key, value in expected.items():
        assert float(v.loc[key, "valeur"]) == value, key


def test_sixteen_percent_pairs_with_the_ten_territories(baro):
    """Documented reading: (16%) follows '10 au moment du vote'; 10/61 rounds to 16, 8/61 does not."""
    v = baro.set_index("indicateur_id")["valeur"].astype(float)
    total = v["territoires-concernes"]
    assert round(100 * v["territoires-commentaire-au-vote"] / total) == v["part-commentaire-au-vote"]
    assert round(100 * v["territoires-commentaire-avant-instruction"] / total) != v["part-commentaire-au-vote"]


def test_open_data_cities_named_as_printed(baro):
    cities = table("territoires-cites")
    od = cities[cities["contexte"] == "ville publiant son budget en open data"]
    assert list(od["nom_cite"]) == ["Bar-le-Duc", "Paris", "Rodez"]
    count = float(baro.set_index("indicateur_id").loc["villes-budget-open-data", "valeur"])
    assert len(od) == count
    for _, row in cities.iterrows():
        assert row["nom_cite"] in row["precision"] and row["precision"] in row["citation"]


def test_rennes_votes_add_up(guide):
    v = guide[guide["territoire"] == "Rennes"].set_index("indicateur_id")["valeur"].astype(float)
    assert v["rennes-votants-urnes"] + v["rennes-votants-plateforme"] == v["rennes-votants"] == 16370
    assert v["rennes-projets-selectionnes"] <= v["rennes-projets-soumis-vote"] <= v["rennes-projets-deposes"]
    assert (v["rennes-projets-deposes"], v["rennes-projets-soumis-vote"], v["rennes-projets-selectionnes"]) == (
        525,
        234,
        28,
    )
    assert v["rennes-rang-edition"] == 3
    assert (guide[guide["territoire"] == "Rennes"]["annee"] == "").all()


def test_guide_figures_and_documented_disagreements(descriptor, baro, guide):
    g = guide.set_index("indicateur_id")
    b = baro.set_index("indicateur_id")
    assert (
        float(g.loc["guide-villes-budget-participatif", "valeur"])
        == float(b.loc["territoires-concernes", "valeur"])
        == 61
    )
    assert "61 villes" in g.loc["guide-villes-budget-participatif", "citation"]
    assert "61 territoires" in b.loc["territoires-concernes", "citation"]
    # same 31, different meanings: documented in notes
    assert float(g.loc["guide-part-vote-papier-parallele", "valeur"]) == 31
    assert float(b.loc["part-reunion-publique-obligatoire", "valeur"]) == 31
    notes = descriptor["notes"]
    for phrase in ("61 « territoires »", "61 « villes »", "réunion publique obligatoire", "vote papier", "(16%)"):
        assert phrase in notes, phrase


def test_descriptor_metadata(descriptor):
    assert descriptor["name"] == PKG.name
    assert descriptor["licenses"][0]["name"] == "etalab-2.0"
    assert descriptor["contributors"][0]["roles"] == ["publisher"]
    assert descriptor["frequency"] == "punctual"
    assert len(descriptor["description"]) > 100
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            assert field.get("description") and field.get("title"), field["name"]


def test_descriptor_matches_portal_profile(descriptor):
    import jsonschema

    schema = json.loads((ROOT / "portal" / "schemas" / "portal-datapackage.schema.json").read_text("utf-8"))
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(descriptor))
    assert not errors, [e.message for e in errors]
