"""Consistency tests for datasets/etudes-de-cas-collectivites (figures of the Caisse des Dépôts guide, May 2018)."""

import re
from functools import cache
from pathlib import Path

import frictionless
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "sources" / "seeds"  # the seed texts, versioned with the repo (sources/README.md)
SEED_FILES = {
    "Le numérique va-t-il hacker la démocratie locale ? Guide des outils numériques pour la participation citoyenne dans les collectivités territoriales": "004_56e9529fcf5bc638.txt",
    "Le baromètre de la démocratie locale numérique": "001_0e4ee61ceccbd042.txt",
    "Baromètre de la démocratie locale numérique, édition 2018 — petit-déjeuner de présentation": "000_7b30abc0d902c566.txt",
    "Baromètre de la démocratie locale numérique 2018 — présentation au Forum des Interconnectés": "002_a2d547177d00cc3f.txt",
    "Observatoire des civic tech et de la démocratie numérique — Rapport d'activité 2019": "003_ec87b74959b32593.txt",
}
WORDS = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "huit": 8, "trente": 30, "troisième": 3}
MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        1,
    )
}
NUMBER = re.compile(r"\d{1,3}(?: \d{3})+(?:,\d+)?|\d+(?:,\d+)?")
PROVENANCE = ["citation", "source_titre", "source_edition", "source_section"]


def normalise(text: str) -> str:
    """Whitespace collapsed; Markdown emphasis (*) and escaping backslashes removed."""
    return re.sub(r"\s+", " ", text.replace("*", "").replace("\\", "")).strip()


@cache
def seed_text(titre: str) -> str:
    path = SEEDS / SEED_FILES[titre]
    assert path.exists(), f"seed text {path} is missing"
    return normalise(path.read_text(encoding="utf-8"))


def read(resource: str) -> pd.DataFrame:
    return pd.read_csv(PACKAGE / f"{resource}.csv", dtype=str, keep_default_na=False)


def num(value: str) -> float | None:
    return None if value == "" else float(value)


def parse_fr(text: str) -> float:
    text = text.strip()
    if text in WORDS:
        return WORDS[text]
    return float(text.replace(" ", "").replace(",", "."))


def printed_in(printed: str, citation: str) -> bool:
    """The printed figure occurs in the citation as a whole number (not inside a larger one)."""
    if printed in WORDS:
        return re.search(rf"\b{re.escape(printed)}\b", citation, re.IGNORECASE) is not None
    pattern = rf"(?<![\d,])(?<!\d ){re.escape(printed)}(?!\d|,\d| \d{{3}}(?!\d))"
    return re.search(pattern, citation) is not None


def fr_number(value: float) -> str:
    """A number written the French way: 35357 -> '35 357', 1.8 -> '1,8'."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", " ")
    return str(value).replace(".", ",")


def dates_in(text: str) -> list[str]:
    """ISO dates (at the printed precision) found in a French date expression, in order."""
    found = []
    for day, month, year in re.findall(
        r"(?:(\d{1,2}) )?(?:(" + "|".join(MONTHS) + r") ?)?(\d{4})", text, flags=re.IGNORECASE
    ):
        iso = year
        if month:
            iso += f"-{MONTHS[month.lower()]:02d}"
            if day:
                iso += f"-{int(day):02d}"
        found.append(iso)
    return found


def check_provenance(frame: pd.DataFrame) -> None:
    for column in PROVENANCE:
        assert column in frame.columns
        empty = frame[frame[column].str.strip() == ""]
        assert empty.empty, f"rows without {column}: {empty.index.tolist()}"
    for _, row in frame.iterrows():
        assert normalise(row["citation"]) in seed_text(row["source_titre"]), row["citation"]


PACKAGE = ROOT / "datasets" / "etudes-de-cas-collectivites"
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
