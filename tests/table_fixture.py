"""A package with one long table (20,000 rows by default), generated into a folder for the explorer's tests:
categories to facet, accented text to search, numbers to sort, and cells a spreadsheet would run."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.portal_fixture import build_package

REGIONS = [
    "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire", "Corse",
    "Grand Est", "Hauts-de-France", "Île-de-France", "Normandie", "Nouvelle-Aquitaine", "Occitanie",
    "Pays de la Loire", "Provence-Alpes-Côte d'Azur",
]  # fmt: skip
DISPOSITIFS = ["Budget participatif", "Conseil de quartier", "Consultation en ligne", "Pétition", "Atelier"]
HEADER = ["id", "annee", "region", "dispositif", "commune", "participants", "budget", "remarque"]
# Row 1 and 2 hold what a spreadsheet would run as a formula; row 3 a negative number, kept a number.
REMARKS = {1: '=HYPERLINK("http://exemple.invalid","clic")', 2: "@SUM(A1)", 3: "-12,5"}


def row(i: int) -> list[str]:
    return [
        f"L{i:05d}",
        str(2015 + i % 10),
        REGIONS[i % len(REGIONS)],
        DISPOSITIFS[(i // 3) % len(DISPOSITIFS)],
        f"Commune n°{i % 5000}",
        str(i * 7 % 3001),
        f"{i * 13 % 100000 / 2:.1f}",
        REMARKS.get(i, "à revoir" if i % 97 == 0 else ""),
    ]


def rows(count: int) -> list[list[str]]:
    return [row(i) for i in range(1, count + 1)]


def long_table_package(folder: Path, count: int = 20_000) -> Path:
    """The package ``folder`` (named after it), one resource ``lignes`` of ``count`` rows."""

    def descriptor(data: dict) -> None:
        data["title"] = "Une longue table"
        resource = data["resources"][0]
        resource.update(name="lignes", path="lignes.csv", title="Lignes de démonstration")
        resource["description"] = "Une ligne par **dispositif** et par commune, pour tester l'explorateur."
        resource["schema"] = {
            "fields": [
                {"name": "id", "type": "string", "title": "Identifiant"},
                {"name": "annee", "type": "integer", "title": "Année"},
                {"name": "region", "type": "string", "title": "Région"},
                {"name": "dispositif", "type": "string", "title": "Dispositif"},
                {"name": "commune", "type": "string", "title": "Commune"},
                {"name": "participants", "type": "integer", "title": "Participants"},
                {"name": "budget", "type": "number", "title": "Budget"},
                {"name": "remarque", "type": "string", "title": "Remarque"},
            ],
            "primaryKey": ["id"],
        }

    build_package(folder, "complet", descriptor=descriptor, files={"participation.csv": None})
    with (folder / "lignes.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows(count))
    return folder
