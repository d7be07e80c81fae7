"""Consistency tests for datasets/open-data-collectivites-2018 (figures of the Caisse des Dépôts guide, May 2018)."""

import json
import re

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
    parse_fr,
    printed_in,
    read_resource,
    seed_text,
)

PACKAGE = ROOT / "datasets" / "open-data-collectivites-2018"


def read(resource: str) -> pd.DataFrame:
    return read_resource(PACKAGE, resource)


RESOURCES = ["ouverture-donnees-par-echelon", "collectivites-outils-participation", "seuils-legaux"]


@pytest.fixture(scope="module")
def descriptor() -> dict:
    return json.loads((PACKAGE / "datapackage.json").read_text(encoding="utf-8"))


def test_package_is_valid():
    report = frictionless.validate(str(PACKAGE / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_row_has_provenance_and_a_citation_from_the_guide(resource):
    check_provenance(read(resource))


def test_open_data_counts_are_the_printed_ones():
    frame = read("ouverture-donnees-par-echelon").set_index("echelon")
    printed = {"commune": (150, 35357), "epci": (62, 1264), "departement": (33, 98), "region": (12, 18)}
    assert set(frame.index) == set(printed)
    for echelon, (ouvertes, total) in printed.items():
        row = frame.loc[echelon]
        assert int(row["collectivites_ouvertes"]) == ouvertes
        assert int(row["collectivites_total"]) == total
        # the citation is exactly "N libellé sur M", as printed
        assert row["citation"] == f"{fr_number(ouvertes)} {row['echelon_libelle']} sur {fr_number(total)}"
        assert row["date_observation"] == "2018-03"


def test_computed_share_is_computed_from_the_printed_counts(descriptor):
    frame = read("ouverture-donnees-par-echelon")
    for _, row in frame.iterrows():
        ouvertes, total = int(row["collectivites_ouvertes"]), int(row["collectivites_total"])
        assert ouvertes <= total
        assert float(row["part_calculee"]) == round(100 * ouvertes / total, 2)
    # ...and is declared as computed, not printed
    fields = {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}
    assert "CALCULÉE" in fields["part_calculee"]["description"]
    assert "non imprimée" in fields["part_calculee"]["title"]


@pytest.mark.parametrize("resource", ["collectivites-outils-participation"])
def test_printed_values_occur_in_their_citation(resource):
    for _, row in read(resource).iterrows():
        assert printed_in(row["valeur_imprimee"], row["citation"]), row["indicateur_id"]
        assert parse_fr(row["valeur_imprimee"]) == float(row["valeur"]), row["indicateur_id"]


def test_157_collectivities_in_april_2018():
    frame = read("collectivites-outils-participation").set_index("indicateur_id")
    row = frame.loc["collectivites-utilisant-outils"]
    assert float(row["valeur"]) == 157
    assert row["date_observation"] == "2018-04"
    assert "(hors open data)" in row["citation"]


def test_legal_thresholds():
    frame = read("seuils-legaux").set_index("seuil_id")
    expected = {
        "republique-numerique-habitants": (3500, "habitants", "2018-10-07"),
        "republique-numerique-agents": (50, "agents", "2018-10-07"),
        "conseils-de-quartier-habitants": (80000, "habitants", "2002"),
    }
    assert set(frame.index) == set(expected)
    for seuil_id, (seuil, unite, date) in expected.items():
        row = frame.loc[seuil_id]
        assert int(row["seuil"]) == seuil and row["unite"] == unite and row["date_application"] == date
        # "plus de 3 500 habitants", "plus de 50 agents", "plus de 80 000 habitants" as printed
        assert f"{row['comparaison']} {fr_number(seuil)} {unite}" in row["citation"]
        assert row["date_application_imprimee"] in row["citation"]
        assert dates_in(row["date_application_imprimee"]) == [date]
        if row["date_texte"]:
            assert row["date_texte_imprimee"] in row["citation"]
            assert dates_in(row["date_texte_imprimee"]) == [row["date_texte"]]


def test_documented_disagreements_are_the_printed_ones(descriptor):
    guide = seed_text(next(iter(SEED_FILES)))
    # two different denominators for intercommunalities in the same guide, documented in the notes
    assert "62 Établissements Publics de Coopération Intercommunale sur 1 264" in guide
    assert "ntercommunalités (hors métropoles) sur 2 581" in guide
    assert "2 581" in descriptor["notes"] and "1 264" in descriptor["notes"]
    # the numerators of the April 2018 infographic are not in the text and are said to be left out
    assert "ne sont pas publiés" in descriptor["notes"] or "**ils ne sont pas publiés**" in descriptor["notes"]


# --- completeness of the guide: every number of its text is published, or documented as not data ---

GUIDE_PACKAGES = ["open-data-collectivites-2018", "etudes-de-cas-collectivites", "outils-participation-numerique"]
NUMBER_WORDS = re.compile(
    r"\b(deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|vingt|trente|quarante|cinquante|cent|mille|troisième)\b",
    re.IGNORECASE,
)
# Numbers of the guide's text that are not data, each with the excerpt (normalised text of the guide) that holds
# it and the words of a package's `notes` that document why it is not transcribed.
NOT_DATA = [
    ("Mon Projet pour la planète1,", "l'appel de note « 1 » de la préface"),
    ("^{1.} Mon Projet pour la planète", "l'appel de note « 1 » de la préface"),
    ("(www. opencitiz.com) en mai 2018.", "la date d'édition du guide"),
    ("ADEME, décembre 2016.", "ADEME, décembre 2016"),
    ("Des fonctionnalités nouvelles et augmentées 9 Où en sont", "« 9 » et « 33 »"),
    ("villes de plus de 100 000 habitants", "villes de plus de 100 000 habitants"),
    ("une ambition 2020 - Guide pratique, Territorial éditions, 2017.", "« Pour aller plus loin »"),
    ("Modernisation de l'Action Publique, novembre 2017", "« Pour aller plus loin »"),
    ("par OpenCitiz, mars 2018.", "la date de l'étude OpenCitiz"),
    ("- 1. Les consultations réalisées en amont", "numéros de listes"),
    ("- 2. Les consultations réalisées au cours", "numéros de listes"),
    ("- 3. Les consultations réalisées en aval", "numéros de listes"),
    ("(cf. partie 3)", "cf. partie 3"),
    ("Iddri, FING, avril 2018", "« Pour aller plus loin »"),
    ("l'article L 103-2 du code de l'urbanisme", "L 103-2"),
    ("ADEME, Décembre 2016. - Mémento n°17,", "« Pour aller plus loin »"),
    ("Territoires Conseils, Groupe Caisse des Dépôts, Septembre 2017.", "« Pour aller plus loin »"),
    ("Étude IDDRI, 2017.", "« Pour aller plus loin »"),
    ("territoires, Financement Participatif France, 2017. JE SOUHAITE", "Financement Participatif France, 2017"),
    ("territoires Financement Participatif France, 2017. - http", "« Pour aller plus loin »"),
    ("communiquer après la campagne 4 Conseil d'experte", "« 4 » et « 3 »"),
    ("tournées citoyennes, etc) 3 Diversifier", "« 4 » et « 3 »"),
    ("services publics 33 Où en sont les territoires?", "« 9 » et « 33 »"),
    ("En mars 2018, de nombreux territoires", "« En mars 2018 »"),
    ("Résultats de mars 2018, Observatoire opendata", "« Résultats de mars 2018 »"),
    ("OpenDataSoft, 2012", "« Pour aller plus loin »"),
    ("1. Protéger les données personnelles", "critères de choix"),
    ("2. Mettre en place une plateforme loyale", "critères de choix"),
    ("3. Appliquer le principe de réversibilité", "critères de choix"),
    ("1. « Comment inclure tous les publics", "questions de la dernière partie"),
    ("2. « Comment s'assurer d'un niveau", "questions de la dernière partie"),
    ("3. « Quel est le coût moyen", "questions de la dernière partie"),
    ("elle a été établie en mai 2018", "établie en mai 2018"),
    ("souffrant de deux biais", "« deux biais »"),
    ("Les cinq fonctionnalités", "« cinq fonctionnalités »"),
    ("se traduit par trois modalités", "« trois modalités »"),
    ("qui permet à deux programmes logiciels", "« deux programmes logiciels »"),
    ("Les dix points essentiels pour ouvrir ses données", "« Les dix points essentiels pour ouvrir ses données »"),
    ("Lors de cette troisième édition", "« Lors de cette troisième édition »"),
]


def test_every_number_of_the_guide_is_published_or_documented_as_not_data():
    guide = seed_text(next(iter(SEED_FILES)))
    spans = []
    notes = ""
    for name in GUIDE_PACKAGES:
        folder = ROOT / "datasets" / name
        notes += json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["notes"]
        for path in folder.glob("*.csv"):
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            for column in frame.columns:
                for cell in frame[column]:
                    # citations, and long printed excerpts (e.g. "pour les villes de taille moyenne (environ 40 000 habitants)")
                    if column == "citation" or len(cell) >= 30:
                        text = normalise(cell)
                        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(text), guide)]
    for excerpt, documented_by in NOT_DATA:
        assert excerpt in guide, excerpt
        assert documented_by in notes, documented_by
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(excerpt), guide)]
    missing = [
        guide[max(0, m.start() - 40) : m.end() + 20]
        for m in [*NUMBER.finditer(guide), *NUMBER_WORDS.finditer(guide)]
        if not any(start <= m.start() and m.end() <= end for start, end in spans)
    ]
    assert missing == [], missing
