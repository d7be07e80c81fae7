"""An open licence, recognised by SPDX id, URL or title (see portal.vocabularies.LICENCES)."""

from __future__ import annotations

from collections.abc import Iterator

from portal.checks.base import Context
from portal.dataset import display_path
from portal.problems import Problem, problem
from portal.vocabularies import LICENCES, identify_licence

NAME = "licence"

OPEN_IDS = ", ".join(licence.id for licence in LICENCES if licence.open)


def run(context: Context) -> Iterator[Problem]:
    dataset = context.dataset
    where = display_path(dataset.descriptor_path)
    declared = dataset.objects("licenses")
    if not declared:
        yield problem(
            "licence-missing",
            f"{where} ne déclare aucune licence.",
            'Ajoutez "licenses": [{"name": "etalab-2.0"}] (Licence Ouverte 2.0) ou une autre licence ouverte.',
            file=where,
            field="licenses",
        )
        return
    for item in declared:
        shown = item.get("name") or item.get("title") or item.get("path")
        licence = identify_licence(item)
        if licence is None:
            yield problem(
                "licence-unknown",
                f"{where} : la licence « {shown} » n'est pas reconnue.",
                f"Utilisez l'identifiant SPDX d'une licence ouverte ({OPEN_IDS}).",
                file=where,
                field="licenses",
            )
        elif not licence.open:
            yield problem(
                "licence-not-open",
                f"{where} : « {licence.title} » n'est pas une licence ouverte.",
                "Publiez sous la Licence Ouverte 2.0 (etalab-2.0) ou l'ODbL, qui permettent toute réutilisation.",
                file=where,
                field="licenses",
            )
        else:
            publisher = dataset.publisher or {}
            if publisher.get("publicBody") is True and not licence.public_default:
                yield problem(
                    "licence-not-homologated",
                    f"{where} : « {licence.title} » n'est pas l'une des licences qu'une administration "
                    "peut utiliser sans homologation (décret 2017-638).",
                    "Choisissez la Licence Ouverte 2.0 ou l'ODbL, ou faites homologuer cette licence.",
                    file=where,
                    field="licenses",
                )
