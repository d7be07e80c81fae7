"""The checklist and the score, derived from the problems alone (a pure function).

The nine criteria of data.gouv.fr's quality score, then ours. Each criterion fails when a
problem whose code belongs to it was found; the score is the share of criteria met, 0–100.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.problems import CODES, Problem


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    origin: str  # "data.gouv.fr" or "portail"


CRITERIA: tuple[Criterion, ...] = (
    Criterion("licence", "Licence ouverte", "data.gouv.fr"),
    Criterion("temporal", "Couverture temporelle renseignée", "data.gouv.fr"),
    Criterion("spatial", "Couverture spatiale renseignée", "data.gouv.fr"),
    Criterion("frequency", "Fréquence de mise à jour renseignée", "data.gouv.fr"),
    Criterion("on-time", "Mise à jour dans les temps", "data.gouv.fr"),
    Criterion("description", "Description de plus de 100 caractères", "data.gouv.fr"),
    Criterion("open-format", "Au moins un format ouvert", "data.gouv.fr"),
    Criterion("available", "Ressources disponibles", "data.gouv.fr"),
    Criterion("documented", "Ressources documentées", "data.gouv.fr"),
    Criterion("publisher", "Éditeur identifié", "portail"),
    Criterion("sources", "Au moins une source citée", "portail"),
    Criterion("fields", "Chaque champ décrit", "portail"),
    Criterion("valid", "Données conformes à leur schéma", "portail"),
    Criterion("personal-data", "Pas de données personnelles détectées", "portail"),
)


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    passed: bool


def checklist(problems: list[Problem], loaded: bool = True) -> list[CriterionResult]:
    """Each criterion, met or not; a dataset whose descriptor could not be read meets none."""
    failed = {CODES[p.code].criterion for p in problems}
    return [CriterionResult(c, loaded and c.id not in failed) for c in CRITERIA]


def score(results: list[CriterionResult]) -> int:
    return round(100 * sum(r.passed for r in results) / len(results))
