"""Helpers shared by the consistency tests of the packages transcribed from the seed documents:
reading the seeds, French numbers and dates, and checking every row's provenance and citation."""

import re
from functools import cache
from pathlib import Path

import pandas as pd

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
FRENCH_MONTHS = [
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
]
MONTHS = {m: i for i, m in enumerate(FRENCH_MONTHS, 1)}
NUMBER = re.compile(r"\d{1,3}(?: \d{3})+(?:,\d+)?|\d+(?:,\d+)?")
# The question ids asked in both barometer editions (2017 and 2018), each package's notes list them.
SHARED_QUESTIONS = frozenset(
    {
        "type-collectivite",
        "renforcement-democratie-numerique",
        "cout-dispositif",
        "objectifs-dispositif",
        "contribution-outils-numeriques",
    }
)
PROVENANCE = ["citation", "source_titre", "source_edition", "source_section"]


def normalise(text: str) -> str:
    """Whitespace collapsed; Markdown emphasis (*) and escaping backslashes removed."""
    return re.sub(r"\s+", " ", text.replace("*", "").replace("\\", "")).strip()


@cache
def seed_text(titre: str) -> str:
    path = SEEDS / SEED_FILES[titre]
    assert path.exists(), f"seed text {path} is missing"
    return normalise(path.read_text(encoding="utf-8"))


def read_resource(package: Path, resource: str) -> pd.DataFrame:
    """A resource's CSV as text, exactly as written (no type guessing, no missing-value magic)."""
    return pd.read_csv(package / f"{resource}.csv", dtype=str, keep_default_na=False)


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
