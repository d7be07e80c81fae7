"""Open formats: CSV, JSON, GeoJSON, Parquet… pass; spreadsheets and PDF are closed."""

from __future__ import annotations

from collections.abc import Iterator

from portal.checks.base import Context
from portal.dataset import display_path
from portal.problems import Problem, problem
from portal.vocabularies import CLOSED_FORMATS, OPEN_FORMATS

NAME = "formats"


def run(context: Context) -> Iterator[Problem]:
    where = display_path(context.dataset.descriptor_path)
    open_count = 0
    for resource_file in context.files:
        fmt = resource_file.format
        if fmt in OPEN_FORMATS:
            open_count += 1
        elif fmt in CLOSED_FORMATS:
            yield problem(
                "closed-format",
                f"{resource_file.label} est au format fermé {fmt.upper()}.",
                "Publiez aussi les données en CSV (UTF-8) ou dans un autre format ouvert.",
                file=where,
                field=resource_file.descriptor.get("name"),
            )
    if context.files and open_count == 0:
        yield problem(
            "no-open-format",
            f"{where} : aucune ressource n'est dans un format ouvert.",
            "Ajoutez au moins une ressource en CSV, JSON ou un autre format ouvert.",
            file=where,
        )
