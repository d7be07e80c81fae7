"""Consistency tests for datasets/barometre-2018 (Baromètre de la démocratie locale numérique, 2018).

Sources: the presentation of 30 January 2019 (seed 000), the Forum des Interconnectés slides of
4 December 2018 (seed 002) and the 2019 activity report (seed 003). Every row carries a `citation` (exact
excerpt of its own source, whitespace-normalised, Markdown asterisks removed) that must occur in that
source and contain the printed figure (`texte_imprime`); `valeur` must be that figure written the French
way. The seed texts are in sources/seeds/: a missing one fails the tests that
need them.
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
PKG = ROOT / "datasets" / "barometre-2018"
OTHER = ROOT / "datasets" / "barometre-2017"
SEEDS = Path(__file__).resolve().parents[2] / "sources" / "seeds"
S000 = "Baromètre de la démocratie locale numérique, édition 2018 — petit-déjeuner de présentation"
S002 = "Baromètre de la démocratie locale numérique 2018 — présentation au Forum des Interconnectés"
S003 = "Observatoire des civic tech & de la démocratie numérique — Rapport d'activité 2019"
SEED_FILES = {S000: "000_7b30abc0d902c566.txt", S002: "002_a2d547177d00cc3f.txt", S003: "003_ec87b74959b32593.txt"}
PROVENANCE = ["source_titre", "source_edition", "source_section"]
SHARED = SHARED_QUESTIONS
# Documented corrections of question labels (see the package notes): corrected label -> printed text.
CORRECTIONS = {
    "AVEZ-VOUS ÉTÉ/ SEREZ-VOUS ACCOMPAGNÉS PAR UN CABINET OU DES PERSONNES EXTÉRIEURES POUR METTRE EN "
    "PLACE CES DISPOSITIFS DE PARTICIPATION NUMÉRIQUE (PLUSIEURS RÉPONSES POSSIBLES)?": "AVEZ-VOUS ÉTÉ/ SEREZ-VOUS ACCOMPAGNÉS PAR UN CABINET OU DES PERSONNES EXTÉRIURES POUR METTRE EN "
    "PLACE CES DISPOSITIFS DE PARTICIPATION NUMÉRIQUE (PLUSIEURS RÉPONSES POSSIBLES)?",
}
BUDGET_PRINTED = [
    ("0", 17),
    ("< 1000 euro", 4),
    ("Entre 1000 et 5000", 6),
    ("Entre 5000 et 10000", 6),
    ("Entre 10 000 et 50 000", 15),
    ("Entre 50 000 et 100 000", 4),
    ("Entre 100 000 et 200 000", 14),
    ("Entre 200 000 et 500 000", 12),
    ("Entre 500 000 et 1 million", 6),
    ("> 1 million", 4),
    ("Impossible à estimer/ NSP", 12),
]


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
def seeds() -> dict[str, str]:
    texts = {}
    for title, file_name in SEED_FILES.items():
        path = SEEDS / file_name
        if not path.exists():
            pytest.fail(f"seed text absent: {path}")
        texts[title] = normalise(path.read_text("utf-8"))
    return texts


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
    assert len(descriptor["description"]) > 100
    assert {s["title"] for s in descriptor["sources"]} == set(SEED_FILES)
    method = descriptor["methodology"]
    assert method["respondents"] == 70
    assert any("auto-sélectionné" in c for c in method["caveats"])
    assert any("pondération" in c for c in method["caveats"])
    assert any("dates de terrain" in c for c in method["caveats"])
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            assert field.get("description"), (resource["name"], field["name"])


@pytest.mark.parametrize("name", ["questions", "reponses", "repondants"])
def test_every_row_has_provenance_and_citation(name):
    frame = read(name)
    assert len(frame) > 0
    for column in PROVENANCE + ["citation"]:
        assert (frame[column].str.strip() != "").all(), (name, column)
    assert set(frame["source_titre"]) <= set(SEED_FILES)
    assert (frame["edition"] == "2018").all()
    editions = {S000: "2018", S002: "2018", S003: "2019"}
    assert (frame["source_edition"] == frame["source_titre"].map(editions)).all()


@pytest.mark.parametrize("name", ["questions", "reponses", "repondants"])
def test_citations_occur_in_their_own_source(name, seeds):
    for _, row in read(name).iterrows():
        assert normalise(row["citation"]) in seeds[row["source_titre"]], row["citation"]


def check_figure(row) -> None:
    """The printed figure is in the citation and `valeur` is that figure, written the French way."""
    texte, unite, valeur = row["texte_imprime"], row["unite"], float(row["valeur"])
    assert texte in row["citation"], (texte, row["citation"])
    number = re.escape(fr_number(valeur))
    if unite == "pourcentage":
        assert 0 <= valeur <= 100
        assert re.search(rf"(?<![\d,]){number}\s?%", texte), (valeur, texte)
    elif unite in ("nombre", "euros-par-habitant"):
        assert re.search(rf"(?<![\d,]){number}(?![\d,])", texte), (valeur, texte)
    elif unite == "nombre-sur-10":
        assert re.search(rf"(?<!\d){number}\D+sur 10\b", texte, re.IGNORECASE), (valeur, texte)
    elif unite == "note-sur-20":
        assert f"{fr_number(valeur)}/20" in texte, (valeur, texte)
    else:  # pragma: no cover - no other unit in this package
        raise AssertionError(f"unexpected unit {unite}")
    if row["qualificatif"] == "exact":
        assert not re.search(r"près d|plus d|moins d", texte.lower()), texte


def test_every_value_is_the_printed_figure(reponses, repondants):
    for _, row in reponses.iterrows():
        check_figure(row)
    for _, row in repondants.iterrows():
        check_figure({**row, "qualificatif": "exact"})


def test_printed_labels_occur_in_the_sources(questions, reponses, seeds):
    for _, row in questions.iterrows():
        if row["libelle_origine"] == "rédigé":
            continue
        seed = seeds[row["source_titre"]]
        if row["libelle"] != row["citation"]:  # only a documented correction may differ from the print
            assert CORRECTIONS.get(row["libelle"]) == row["citation"], row["libelle"]
            assert row["libelle"] not in seed
        assert normalise(row["citation"]) in seed, row["citation"]
    every_seed = " ".join(seeds.values())
    for _, row in reponses.iterrows():
        if row["reponse_origine"] == "imprimé":
            assert row["reponse"] in every_seed, row["reponse"]


def test_answers_refer_to_questions(questions, reponses):
    assert set(reponses["question_id"]) <= set(questions["question_id"])
    published = set(reponses["question_id"])
    for _, row in questions.iterrows():
        assert (row["reponses_publiees"] == "true") == (row["question_id"] in published), row["question_id"]
    assert not reponses.duplicated(["question_id", "reponse", "source_titre"]).any()
    assert not questions.duplicated(["question_id", "source_titre"]).any()


def test_respondent_types_sum_to_the_documented_99(reponses, descriptor):
    types = reponses[reponses["question_id"] == "type-collectivite"].set_index("reponse")["valeur"]
    assert types.astype(float).to_dict() == {
        "Communes": 71,
        "Intercommunalités": 14,
        "Métropoles": 9,
        "Départements": 4,
        "Autre (entreprises publiques)": 1,
    }
    assert types.astype(float).sum() == 99
    assert "71 + 14 + 9 + 4 + 1 = **99**" in descriptor["notes"]


def test_multiple_choice_questions_exceed_100(reponses):
    for question_id in ["publics-cibles", "reseaux-sociaux", "sources-information", "domaines-intervention"]:
        values = reponses.loc[reponses["question_id"] == question_id, "valeur"].astype(float)
        assert values.sum() > 100, question_id


def test_budget_classes_follow_the_printed_order(reponses, descriptor):
    budget = reponses[reponses["question_id"] == "budget-participation"]
    assert list(zip(budget["reponse"], budget["valeur"].astype(int), strict=True)) == BUDGET_PRINTED
    assert budget["valeur"].astype(float).sum() == 100
    assert (budget["source_titre"] == S002).all()
    # the budget classes are the only rows paired by order, and the notes explain the reading
    assert set(reponses.loc[reponses["appariement"] == "par-ordre", "question_id"]) == {"budget-participation"}
    assert "Lecture retenue" in descriptor["notes"] and "Précautions" in descriptor["notes"]


def test_budget_values_and_labels_are_printed_in_that_order(seeds):
    text = seeds[S002]
    values = " ".join(f"{v}%" for _, v in BUDGET_PRINTED)
    labels = " ".join(label for label, _ in BUDGET_PRINTED)
    assert f"ETP {values} {labels} Les moyens (2) BUDGET" in text


def test_key_figures(reponses, repondants):
    by_key = reponses.set_index(["question_id", "reponse"])
    assert float(by_key.loc[("budget-participation-par-habitant", "Moyenne/hab"), "valeur"]) == 1.82
    assert float(by_key.loc[("budget-participation-par-habitant", "Médiane"), "valeur"]) == 0.44
    assert (
        float(
            by_key.loc[
                ("service-dedie-participation", "Collectivités ayant un service dédié à la participation"), "valeur"
            ]
        )
        == 53
    )
    assert float(by_key.loc[("reseaux-sociaux", "Facebook"), "valeur"]) == 71
    assert float(by_key.loc[("sources-information", "la presse"), "valeur"]) == 79
    assert float(by_key.loc[("domaines-intervention", "Environnement"), "valeur"]) == 80
    assert float(by_key.loc[("satisfaction-dispositif", "Note moyenne"), "valeur"]) == 12
    gov = reponses[reponses["question_id"] == "connaissance-gouvernance-ouverte"]["valeur"].astype(float)
    tech = reponses[reponses["question_id"] == "connaissance-civic-tech"]["valeur"].astype(float)
    assert gov.tolist() == [47] and tech.tolist() == [55]
    counts = repondants.set_index(["indicateur", "source_titre"])["valeur"].astype(int)
    assert counts[("Répondants au questionnaire détaillé", S003)] == 70
    # the presentation and the activity report print the same number of device sheets
    assert counts[("Fiches-dispositifs renseignées", S003)] == counts[("Fiches-dispositifs renseignées", S000)] == 20


def test_case_study_shares_are_on_device_sheets(reponses):
    domains = reponses[reponses["question_id"] == "domaines-intervention"]
    assert len(domains) == 15
    assert (domains["population"] == "fiches-dispositifs (cas d'étude 2018)").all()


def test_shared_question_ids_match_the_2017_edition(questions, descriptor):
    flagged = set(questions.loc[questions["commune_aux_editions"] == "true", "question_id"])
    assert flagged == SHARED
    for question_id in SHARED:
        assert f"`{question_id}`" in descriptor["notes"]
    if not (OTHER / "questions.csv").exists():
        pytest.fail("barometre-2017 absent")
    other = read("questions", OTHER)
    assert set(questions["question_id"]) & set(other["question_id"]) == SHARED
    types = questions.groupby("question_id")["type_question"].agg(set)
    other_types = other.groupby("question_id")["type_question"].agg(set)
    for question_id in SHARED:
        assert types[question_id] == other_types[question_id], question_id
