"""Consistency tests for datasets/etudes-de-cas-collectivites (figures of the Caisse des Dépôts guide, May 2018)."""

import frictionless
import pandas as pd
import pytest

from tests.datasets.sources import (
    ROOT,
    check_provenance,
    dates_in,
    parse_fr,
    printed_in,
    read_resource,
    seed_text,
)

PACKAGE = ROOT / "datasets" / "etudes-de-cas-collectivites"


def read(resource: str) -> pd.DataFrame:
    return read_resource(PACKAGE, resource)


RESOURCES = ["exemples", "indicateurs", "evenements"]


@pytest.fixture(scope="module")
def indicateurs() -> pd.DataFrame:
    return read("indicateurs").set_index("indicateur_id")


def value(indicateurs, indicateur_id) -> float:
    return float(indicateurs.loc[indicateur_id, "valeur"])


def test_package_is_valid():
    report = frictionless.validate(str(PACKAGE / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_row_has_provenance_and_a_citation_from_the_guide(resource):
    check_provenance(read(resource))


def test_every_printed_value_occurs_in_its_citation(indicateurs):
    for indicateur_id, row in indicateurs.iterrows():
        assert printed_in(row["valeur_imprimee"], row["citation"]), indicateur_id
        assert parse_fr(row["valeur_imprimee"]) == float(row["valeur"]), indicateur_id
        if row["annee"]:
            assert row["annee"] in row["citation"], indicateur_id
        if row["periode_imprimee"]:
            # the period exactly as printed (no editorial addition)
            assert row["periode_imprimee"] in seed_text(row["source_titre"]), indicateur_id


def test_examples_required_by_the_brief_are_present():
    ids = set(read("exemples")["collectivite_id"])
    for cid in [
        "nantes-metropole",
        "metropole-europeenne-de-lille",
        "cahors",
        "rennes",
        "buxerolles",
        "agen",
        "ardeche-portail",
        "argenteuil",
    ]:
        assert cid in ids


def test_links_between_tables():
    exemples = read("exemples").set_index("collectivite_id")
    indicateurs = read("indicateurs")
    evenements = read("evenements")
    assert set(indicateurs["collectivite_id"]) <= set(exemples.index)
    assert set(evenements["collectivite_id"]) <= set(exemples.index)
    with_figures = set(indicateurs["collectivite_id"])
    for cid, row in exemples.iterrows():
        assert (row["chiffres_publies"] == "true") == (cid in with_figures), cid
    for frame in (indicateurs, evenements):
        for _, row in frame.iterrows():
            assert row["collectivite"] == exemples.loc[row["collectivite_id"], "collectivite"]


def test_rennes_votes_add_up_to_the_printed_total(indicateurs):
    assert value(indicateurs, "rennes-votants") == 16370
    assert value(indicateurs, "rennes-votants-urnes") + value(indicateurs, "rennes-votants-plateforme") == 16370
    assert (
        value(indicateurs, "rennes-projets-deposes")
        >= value(indicateurs, "rennes-projets-soumis-au-vote")
        >= value(indicateurs, "rennes-projets-selectionnes")
    )


def test_cahors_shares_sum_to_100(indicateurs):
    assert (
        value(indicateurs, "cahors-part-demandes-traitees") + value(indicateurs, "cahors-part-demandes-envoyees") == 100
    )
    assert value(indicateurs, "cahors-signalements-2017") == 430
    assert value(indicateurs, "cahors-signalements-2016") == 524


def test_key_figures(indicateurs):
    assert value(indicateurs, "nantes-participants-numeriques") == 40865
    assert value(indicateurs, "nantes-participants-presentiel") == 3200
    assert value(indicateurs, "buxerolles-taux-interet") == 1.8
    assert value(indicateurs, "buxerolles-montant-recolte") == 20000
    assert indicateurs.loc["buxerolles-montant-recolte", "unite"] == "euros"
    assert value(indicateurs, "ardeche-projets-finances") <= value(indicateurs, "ardeche-projets-mis-en-avant")
    assert value(indicateurs, "agen-jeux-de-donnees") == 63


def test_percentages_are_on_a_0_100_scale():
    frame = read("indicateurs")
    shares = frame[frame["unite"] == "pourcentage"]["valeur"].astype(float)
    assert ((shares >= 0) & (shares <= 100)).all()


def test_event_dates_match_the_printed_dates():
    for _, row in read("evenements").iterrows():
        assert row["date_imprimee"] in row["citation"] or row["date_imprimee"].lower() in row["citation"].lower(), row[
            "evenement_id"
        ]
        found = dates_in(row["date_imprimee"])
        expected = [row["date_debut"]] + ([row["date_fin"]] if row["date_fin"] else [])
        assert found == expected, (row["evenement_id"], found, expected)
        if row["date_fin"]:
            assert row["date_fin"] >= row["date_debut"]
