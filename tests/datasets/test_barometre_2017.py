"""Consistency tests for datasets/barometre-2017 (Baromètre de la démocratie locale numérique, 2017).

Every figure must be traceable to the seed text: each row carries a `citation` (exact excerpt of the
seed, whitespace-normalised) that must occur in the seed and contain the printed figure (`texte_imprime`),
and the numeric `valeur` must be the printed figure written the French way.
The seed texts are in sources/seeds/: a missing one fails the tests that need
them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import frictionless
import pandas as pd
import pytest

from tests.datasets.sources import SHARED_QUESTIONS, read_resource

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "datasets" / "barometre-2017"
OTHER = ROOT / "datasets" / "barometre-2018"
SEEDS = Path(__file__).resolve().parents[2] / "sources" / "seeds"
SEED_FILE = SEEDS / "001_0e4ee61ceccbd042.txt"
PROVENANCE = ["source_titre", "source_edition", "source_section"]
SHARED = SHARED_QUESTIONS
WORD_FRACTIONS = {2: "moitié", 3: "tiers", 4: "quart"}


def normalise(text: str) -> str:
    """Collapse whitespace and drop Markdown emphasis asterisks left by the extraction."""
    return re.sub(r"\s+", " ", text.replace("*", "")).strip()


def read(name: str, folder: Path = PKG) -> pd.DataFrame:
    return read_resource(folder, name)


def fr_number(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")


@pytest.fixture(scope="module")
def descriptor() -> dict:
    return json.loads((PKG / "datapackage.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def seed() -> str:
    if not SEED_FILE.exists():
        pytest.fail(f"seed text absent: {SEED_FILE}")
    return normalise(SEED_FILE.read_text("utf-8"))


@pytest.fixture(scope="module")
def questions() -> pd.DataFrame:
    return read("questions")


@pytest.fixture(scope="module")
def reponses() -> pd.DataFrame:
    return read("reponses")


@pytest.fixture(scope="module")
def repondants() -> pd.DataFrame:
    return read("repondants")


def test_package_is_valid_frictionless():
    report = frictionless.validate(str(PKG / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_csv_files_are_plain_utf8_without_bom():
    for path in PKG.glob("*.csv"):
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), path
        raw.decode("utf-8")


def test_descriptor_metadata(descriptor):
    assert descriptor["name"] == PKG.name
    assert descriptor["licenses"][0]["name"] == "etalab-2.0"
    assert descriptor["contributors"][0]["roles"] == ["publisher"]
    assert descriptor["frequency"] == "punctual"
    assert len(descriptor["description"]) > 100
    method = descriptor["methodology"]
    assert method["fieldwork"] == {"start": "2017-06-15", "end": "2017-10-06"}
    assert method["respondents"] == 98
    assert any("auto-sélectionné" in c for c in method["caveats"])
    assert any("pondération" in c for c in method["caveats"])
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            assert field.get("description"), (resource["name"], field["name"])


@pytest.mark.parametrize("name", ["questions", "reponses", "repondants"])
def test_every_row_has_provenance_and_citation(name):
    frame = read(name)
    assert len(frame) > 0
    for column in PROVENANCE + ["citation"]:
        assert (frame[column].str.strip() != "").all(), (name, column)
    assert (frame["source_titre"] == "Le baromètre de la démocratie locale numérique, édition 2017").all()
    assert (frame["edition"] == "2017").all()


@pytest.mark.parametrize("name", ["questions", "reponses", "repondants"])
def test_citations_occur_in_seed(name, seed):
    for citation in read(name)["citation"]:
        assert normalise(citation) in seed, citation


def test_pradeau_focus_is_excluded(seed):
    """The participatory-budget focus belongs to the dataset budgets-participatifs-2017."""
    focus_start = seed.index("Focus sur les budgets participatifs, l'analyse de Gilles Pradeau")
    for name in ["questions", "reponses", "repondants"]:
        for citation in read(name)["citation"]:
            assert seed.index(normalise(citation)) < focus_start, citation


def check_figure(row) -> None:
    """The printed figure is in the citation and `valeur` is that figure, written the French way."""
    texte, unite, valeur = row["texte_imprime"], row["unite"], float(row["valeur"])
    assert texte in row["citation"], (texte, row["citation"])
    number = re.escape(fr_number(valeur))
    if unite == "pourcentage":
        assert 0 <= valeur <= 100
        assert re.search(rf"(?<![\d,]){number}\s?%", texte), (valeur, texte)
    elif unite == "nombre":
        assert re.search(rf"(?<![\d,]){number}(?![\d,])", texte), (valeur, texte)
    elif unite.startswith("nombre-sur-"):
        base = int(unite.rsplit("-", 1)[1])
        if base in WORD_FRACTIONS:
            assert valeur == 1 and WORD_FRACTIONS[base] in texte, (valeur, texte)
        else:
            assert re.search(rf"(?<!\d){number}\D+sur {base}\b", texte, re.IGNORECASE), (valeur, texte)
    else:  # pragma: no cover - no other unit in this package
        raise AssertionError(f"unexpected unit {unite}")
    qualifier = row["qualificatif"]
    lowered = texte.lower()
    if qualifier == "exact":
        assert not re.search(r"près d|plus d|moins d", lowered), texte
    else:
        assert qualifier.replace(" de", " d") in lowered, (qualifier, texte)


def test_every_value_is_the_printed_figure(reponses, repondants):
    for _, row in reponses.iterrows():
        check_figure(row)
    for _, row in repondants.iterrows():
        check_figure({**row, "qualificatif": "exact"})


def test_printed_labels_occur_in_seed(questions, reponses, seed):
    for _, row in questions.iterrows():
        if row["libelle_origine"] != "rédigé":
            assert normalise(row["libelle"]) in seed, row["libelle"]
            assert row["libelle"] == row["citation"]
    for _, row in reponses.iterrows():
        if row["reponse_origine"] == "imprimé":
            # printed as is, except the initial capital (see the package notes, « Corrections de forme »)
            label = row["reponse"]
            assert label[0].lower() + label[1:] in seed or label in seed, label


def test_answers_refer_to_questions(questions, reponses):
    assert set(reponses["question_id"]) <= set(questions["question_id"])
    published = set(reponses["question_id"])
    for _, row in questions.iterrows():
        assert (row["reponses_publiees"] == "true") == (row["question_id"] in published), row["question_id"]
    assert not reponses.duplicated(["question_id", "reponse", "source_titre"]).any()


def test_elected_and_agents_sum_to_100(reponses):
    shares = reponses[reponses["question_id"] == "fonction-repondant"].set_index("reponse")["valeur"]
    assert shares.astype(float).to_dict() == {"Élus": 25.6, "Agents": 74.4}
    assert abs(shares.astype(float).sum() - 100) <= 1


def test_partial_single_choice_question_stays_below_100(reponses):
    usage = reponses[reponses["question_id"] == "niveau-utilisation-dispositif"]["valeur"].astype(float)
    assert usage.sum() == 85  # 34 + 34 + 17: the other answers are not printed


def test_collectivity_types_mismatch_is_exactly_the_documented_one(questions, reponses, repondants, descriptor):
    types = reponses[reponses["question_id"] == "type-collectivite"].set_index("reponse")["valeur"]
    assert types.astype(int).to_dict() == {
        "Communes": 65,
        "Métropoles": 9,
        "Service d'État": 1,
        "Intercommunalités": 17,
    }
    total_printed = int(
        repondants.set_index("indicateur").loc["Collectivités locales représentées par les répondants", "valeur"]
    )
    base = int(questions.set_index("question_id").loc["type-collectivite", "base"])
    assert total_printed == base == 98
    assert types.astype(int).sum() == 92
    assert total_printed - types.astype(int).sum() == 6
    notes = descriptor["notes"]
    assert "92" in notes and "6 de moins que 98" in notes


def test_key_figures(reponses, repondants):
    by_key = reponses.set_index(["question_id", "reponse"])["valeur"].astype(float)
    assert by_key[("fonction-elu", "Adjoints")] == 43
    assert by_key[("fonction-elu", "Adjoints au maire")] == 29
    assert by_key[("fonction-agent", "Chargé.es de mission")] == 42
    assert by_key[("cout-dispositif", "Budgets inférieurs à 5000 euros")] == 40
    assert by_key[("importance-partenariats-civic-tech", "Très importants")] == 10
    counts = repondants.set_index("indicateur")["valeur"].astype(int)
    assert counts["Outils numériques de démocratie locale renseignés"] == 45


def test_shared_question_ids_match_the_2018_edition(questions, descriptor):
    flagged = set(questions.loc[questions["commune_aux_editions"] == "true", "question_id"])
    assert flagged == SHARED
    for question_id in SHARED:
        assert f"`{question_id}`" in descriptor["notes"]
    if not (OTHER / "questions.csv").exists():
        pytest.fail("barometre-2018 absent")
    other = read("questions", OTHER)
    assert set(questions["question_id"]) & set(other["question_id"]) == SHARED
    types = questions.groupby("question_id")["type_question"].first()
    other_types = other.groupby("question_id")["type_question"].first()
    for question_id in SHARED:
        assert types[question_id] == other_types[question_id], question_id
