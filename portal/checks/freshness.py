"""Freshness: ``modified`` + the frequency's period + one day of grace must not be past."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from portal.checks.base import Context
from portal.checks.profile import parse_iso_date
from portal.dataset import display_path
from portal.problems import Problem, problem
from portal.vocabularies import FREQUENCIES, canonical_frequency

NAME = "freshness"
GRACE = timedelta(days=1)


def run(context: Context) -> Iterator[Problem]:
    dataset = context.dataset
    today = context.options.today
    where = display_path(dataset.descriptor_path)
    declared_frequency = dataset.get("frequency")
    frequency = None
    if declared_frequency is None:
        yield problem(
            "frequency-missing",
            f"{where} ne déclare pas de fréquence de mise à jour.",
            'Ajoutez "frequency", par exemple "annual", ou "punctual" pour un jeu publié une fois.',
            file=where,
            field="frequency",
        )
    elif not isinstance(declared_frequency, str) or canonical_frequency(declared_frequency) is None:
        yield problem(
            "frequency-invalid",
            f"{where} : la fréquence « {declared_frequency} » n'est pas dans le vocabulaire.",
            "Choisissez une valeur de la liste des fréquences (page « Le profil de data package » du portail, reference/profil/#frequences).",
            file=where,
            field="frequency",
        )
    else:
        frequency = canonical_frequency(declared_frequency)
        if frequency == "unknown":
            yield problem(
                "frequency-unknown",
                f"{where} : la fréquence de mise à jour est « unknown ».",
                "Indiquez la fréquence réelle, ou « irregular » si les mises à jour n'ont pas de rythme.",
                file=where,
                field="frequency",
            )

    declared_modified = dataset.get("modified")
    if declared_modified is None:
        yield problem(
            "modified-missing",
            f"{where} ne dit pas quand les données ont été mises à jour.",
            'Ajoutez "modified" avec la date de la dernière mise à jour des données (AAAA-MM-JJ).',
            file=where,
            field="modified",
        )
        return
    modified = parse_iso_date(declared_modified) if isinstance(declared_modified, str) else None
    if modified is None:
        yield problem(
            "modified-invalid",
            f"{where} : « {declared_modified} » n'est pas une date ISO 8601.",
            "Écrivez la date au format AAAA-MM-JJ, par exemple 2026-11-22.",
            file=where,
            field="modified",
        )
        return
    if modified > today:
        yield problem(
            "modified-in-future",
            f"{where} : la mise à jour est datée du {modified:%d/%m/%Y}, après le {today:%d/%m/%Y}.",
            "Corrigez `modified` : c'est la date de la dernière mise à jour effective des données.",
            file=where,
            field="modified",
        )
        return
    period = FREQUENCIES[frequency].period_days if frequency else None
    if period is None:
        return
    due = modified + timedelta(days=period) + GRACE
    if due < today:
        late = (today - due).days
        yield problem(
            "stale",
            f"{where} : données en retard de {late} jour(s) — mises à jour le {modified:%d/%m/%Y}, "
            f"fréquence {FREQUENCIES[frequency].label}, attendues au plus tard le {due:%d/%m/%Y}.",
            "Publiez une mise à jour des données (et `modified`), ou corrigez la fréquence déclarée.",
            file=where,
            field="modified",
        )
