"""Consistency tests for datasets/outils-participation-numerique (figures of the Caisse des Dépôts guide, May 2018)."""

import json

import frictionless
import pandas as pd
import pytest

from tests.datasets.sources import (
    NUMBER,
    ROOT,
    SEED_FILES,
    check_provenance,
    dates_in,
    fr_number,
    normalise,
    num,
    parse_fr,
    printed_in,
    read_resource,
    seed_text,
)

PACKAGE = ROOT / "datasets" / "outils-participation-numerique"


def read(resource: str) -> pd.DataFrame:
    return read_resource(PACKAGE, resource)


RESOURCES = ["outils", "couts-indicatifs", "chiffres-cles"]


@pytest.fixture(scope="module")
def descriptor() -> dict:
    return json.loads((PACKAGE / "datapackage.json").read_text(encoding="utf-8"))


def test_package_is_valid():
    report = frictionless.validate(str(PACKAGE / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_row_has_provenance_and_a_citation_from_its_document(resource):
    check_provenance(read(resource))


def test_tools_named_in_the_brief_are_present():
    ids = set(read("outils")["outil_id"])
    for oid in [
        "cap-collectif",
        "carticipe-debatomap",
        "tell-my-city",
        "collecticity",
        "opendatasoft",
        "dans-ma-rue",
        "fluicity",
        "open-source-politics",
        "voxe",
        "regards-citoyens",
        "nosdeputes",
        "lafabriquedelaloi",
    ]:
        assert oid in ids, oid


def test_tools_rows_are_consistent():
    frame = read("outils")
    assert not frame.duplicated(["outil_id", "document"]).any()
    # one usual name per tool id
    assert (frame.groupby("outil_id")["nom_usuel"].nunique() == 1).all()
    for _, row in frame.iterrows():
        text = seed_text(row["source_titre"])
        assert row["outil"] in row["citation"], row["outil_id"]
        if row["description"]:
            assert normalise(row["description"]) in text, row["outil_id"]
        if row["evenement_date"]:
            assert row["evenement_date_imprimee"] in row["citation"], row["outil_id"]
            assert dates_in(row["evenement_date_imprimee"]) == [row["evenement_date"]], row["outil_id"]
        else:
            assert row["evenement_date_imprimee"] == "" and row["evenement"] == ""


def test_cap_collectif_is_cited_by_three_documents():
    frame = read("outils")
    docs = set(frame[frame["outil_id"] == "cap-collectif"]["document"])
    assert docs == {"guide-cdc-2018", "barometre-2017", "barometre-2018-interconnectes"}


def test_indicative_costs_for_a_city_of_about_40000():
    frame = read("couts-indicatifs").set_index("cout_id")
    expected = {
        "signalement-abonnement": (7000, 15000, "par an"),
        "cartographie-participative": (15000, 25000, "par démarche de participation citoyenne"),
        "portail-open-data": (7000, None, "par an"),
    }
    for cout_id, (low, high, periode) in expected.items():
        row = frame.loc[cout_id]
        assert num(row["cout_min"]) == low and num(row["cout_max"]) == high and row["periode"] == periode
        assert row["unite"] == "euros"
        assert int(row["population_reference"]) == 40000
        assert "environ 40 000 habitants" in row["population_reference_imprimee"]


def test_cost_bounds_are_printed_and_ordered():
    for cout_id, row in read("couts-indicatifs").set_index("cout_id").iterrows():
        assert normalise(row["cout_imprime"]) in seed_text(row["source_titre"])
        assert row["cout_imprime"] in row["citation"] or cout_id.startswith("agent")
        low, high = num(row["cout_min"]), num(row["cout_max"])
        printed = [parse_fr(n) for n in NUMBER.findall(row["cout_imprime"])]
        assert printed == [v for v in (low, high) if v is not None][: len(printed)] or printed == [low], cout_id
        if low is not None and high is not None:
            assert low <= high
        if row["population_reference_imprimee"]:
            assert row["population_reference_imprimee"] in seed_text(row["source_titre"])
            assert fr_number(float(row["population_reference"])) in row["population_reference_imprimee"]


def test_key_figures_match_their_printed_form():
    for chiffre_id, row in read("chiffres-cles").set_index("chiffre_id").iterrows():
        printed = [parse_fr(n) for n in NUMBER.findall(row["valeur_imprimee"])]
        expected = [float(row["valeur"])] + ([float(row["valeur_max"])] if row["valeur_max"] else [])
        assert printed == expected, chiffre_id
        for number in NUMBER.findall(row["valeur_imprimee"]):
            assert printed_in(number, row["citation"]), chiffre_id
        if row["approximation"]:
            assert row["approximation"] in row["citation"], chiffre_id
        if row["unite"] == "pourcentage":
            assert 0 <= float(row["valeur"]) <= 100


def test_count_of_tools_recorded_in_2018():
    row = read("chiffres-cles").set_index("chiffre_id").loc["outils-recenses-2018"]
    assert float(row["valeur"]) == 74 and row["approximation"] == "plus de" and row["annee"] == "2018"


def test_participatory_budget_disagreement_is_exactly_the_documented_one(descriptor):
    """The guide's 61 'villes' and 31 % differ from the 2017 barometer's wording; both documented."""
    guide = seed_text(next(iter(SEED_FILES)))
    barometre = seed_text("Le baromètre de la démocratie locale numérique")
    assert "En 2017, 61 villes ont mis en place des budgets participatifs" in guide
    assert "puisque 61 territoires sont concernés" in barometre
    assert "31 % de celles-ci conservant en parallèle un vote papier" in guide
    assert "31% des territoires ayant un budget participatif ont une réunion publique obligatoire" in barometre
    assert "Le numérique est utilisé pour voter sur les projets pour 43% des territoires" in barometre
    frame = read("chiffres-cles").set_index("chiffre_id")
    assert float(frame.loc["bp-villes-2017", "valeur"]) == 61
    assert float(frame.loc["bp-vote-numerique", "valeur"]) == 43
    assert float(frame.loc["bp-vote-papier", "valeur"]) == 31
    assert "61 territoires" in descriptor["notes"] and "réunion publique obligatoire" in descriptor["notes"]


# Every tool, platform, provider or organisation named in the five documents (as printed), by document title.
# Each must have a row in `outils` (tool, usual name or publisher column) or be listed in the notes as left out.
NAMED = {
    "Le numérique va-t-il hacker la démocratie locale ? Guide des outils numériques pour la participation citoyenne dans les collectivités territoriales": [
        "Carticipe",
        "Debatomap",
        "Tell My City",
        "Spallian",
        "Dans Ma Rue",
        "Cap Collectif",
        "Collecticity",
        "OpenDataSoft",
        "Oze Tous pour la Manche",
        "Kocorico",
        "projet-participatif.ardeche.fr",
        "Mon Projet pour la planète",
        "Twitter",
        "Facebook",
        "Instagram",
        "OpenCitiz",
        "Opendata France",
        "Financement Participatif France",
        "Opendatalab Occitanie",
        "lesbudgetsparticipatifs.fr",
        "budgetparticipatif.info",
        "financeparticipative.org",
        "World Wide Views",
        "Chronos",
        "Territoires Conseils",
        "Observatoire opendata des territoires",
    ],
    "Le baromètre de la démocratie locale numérique": ["Cap Collectif", "Parlement & Citoyens", "Démocratie Ouverte"],
    "Baromètre de la démocratie locale numérique, édition 2018 — petit-déjeuner de présentation": [
        "Facebook",
        "Twitter",
        "Instagram",
        "You tube",
    ],
    "Baromètre de la démocratie locale numérique 2018 — présentation au Forum des Interconnectés": [
        "Regards Citoyens",
        "NosDéputés",
        "NosSénateurs",
        "LaFabriqueDeLaLoi",
        "Etalab",
        "Voxe.org",
        "Knight Foundation",
        "Cap Collectif",
        "Liberté Living Lab",
        "Fluicity",
        "Open Source Politics",
        "MardiGital",
    ],
    "Observatoire des civic tech et de la démocratie numérique — Rapport d'activité 2019": [
        "CitizenLab",
        "D21",
        "Accropolis",
        "Voxe",
        "Decidim",
        "Change.org",
        "Facebook",
        "Code for France",
        "Open Débat",
        "Dialogue citoyen",
        "Scop La Péniche",
        "Skoli",
        "Mémopol",
        "NordOuvert",
        "Etat d'Esprit- Stratis",
        "GIS Participation et Démocratie",
        "Liberté Living Lab",
        "Open Data France",
        "#HackGDN",
        "Nuit du Code Citoyen",
        "TICTeC",
    ],
}


def test_every_named_tool_is_published_or_documented_as_left_out(descriptor):
    frame = read("outils")
    published = " | ".join(
        " | ".join(frame[column]) for column in ["outil", "nom_usuel", "editeur", "evenement"]
    ).lower()
    notes = descriptor["notes"].lower()
    for titre, names in NAMED.items():
        text = seed_text(titre).lower()
        for name in names:
            assert name.lower() in text, (titre, name)
            assert name.lower() in published or name.lower() in notes, name
