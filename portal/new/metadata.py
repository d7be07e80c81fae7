"""The pre-filled descriptor of a new dataset, and what its columns tell about it (pure functions).

Inference is conservative: a publisher, a territory or a period is taken from the data only
when the file says it once and unambiguously, and every inference is said in the report.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from portal.checks.metadata import SPATIAL_CODES
from portal.normalise import ColumnOutcome, label_key
from portal.scdl.checks import luhn_valid
from portal.vocabularies import Licence

# Header keys (portal.normalise.label_key) of the columns that name the publisher, as in the SCDL.
PUBLISHER_NAME_KEYS = ("nomattribuant", "collnom", "nomcollectivite")
PUBLISHER_ID_KEYS = ("idattribuant", "collsiret", "bgtsiret", "siretattribuant", "siretcollectivite", "collsiren")
COMMUNE_NAME_KEYS = ("nomcommune", "libellecommune", "libcom", "libgeo", "commune")
# Columns of commune codes, by name only: "Population INSEE" holds numbers, not codes.
INSEE_KEYS = (
    "codeinsee",
    "insee",
    "collinsee",
    "inseecom",
    "inseecommune",
    "codeinseecommune",
    "codecommune",
    "codecommuneinsee",
    "depcom",
    "codgeo",
)
# A commune's SIREN is 21, its département, 0, its number in the département and a check digit
# (Poitiers: 218601946, INSEE 86194). Paris (217500016, INSEE 75056), Corsica (2A/2B), overseas
# and communes nouvelles (SIREN 200…) do not follow it: nothing is inferred for them.
COMMUNE_SIREN = re.compile(r"^21(0[1-9]|1\d|[3-8]\d|9[0-5])0(\d{3})\d$")
SIREN_EXCEPTIONS = frozenset({"217500016"})


def title_from_name(name: str) -> str:
    """``subventions-2018`` → ``Subventions 2018``."""
    words = re.sub(r"[-_.]+", " ", name).strip()
    return words[:1].upper() + words[1:]


def _column(columns: dict[str, ColumnOutcome], keys: tuple[str, ...]) -> tuple[str, list[str]] | None:
    for label, outcome in columns.items():
        if label_key(label) in keys:
            return label, [v.strip() for v in outcome.values if v.strip()]
    return None


def _single(values: list[str]) -> str | None:
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


def publisher_siren(columns: dict[str, ColumnOutcome]) -> tuple[str | None, list[str]]:
    """The one SIREN of the publisher's SIRET or SIREN column, and what the report says about it."""
    found = _column(columns, PUBLISHER_ID_KEYS)
    if found is None or not found[1]:
        return None, []
    label, values = found
    if not all(re.fullmatch(r"\d{9}|\d{14}", v) for v in values):
        return None, [f"SIREN de l'éditeur non déduit : la colonne « {label} » contient autre chose que des SIRET."]
    sirens = {v[:9] for v in values}
    if len(sirens) > 1:
        return None, [
            f"SIREN de l'éditeur non déduit : la colonne « {label} » contient {len(sirens)} SIREN différents."
        ]
    siren = sirens.pop()
    if not luhn_valid(siren):
        return None, [f"SIREN de l'éditeur non repris : {siren} (colonne « {label} ») a une clé de contrôle invalide."]
    return siren, [f"SIREN de l'éditeur : {siren}, seul SIREN de la colonne « {label} »."]


def infer_publisher(
    columns: dict[str, ColumnOutcome], title: str | None, public: bool
) -> tuple[dict[str, Any] | None, list[str]]:
    """The publisher contributor: --publisher, else the one name of the publisher column."""
    siren, notes = publisher_siren(columns)
    if title is None:
        found = _column(columns, PUBLISHER_NAME_KEYS)
        title = _single(found[1]) if found else None
        if title is not None:
            notes.append(f"éditeur « {title} » : seul nom de la colonne « {found[0]} » (sinon, donnez --publisher).")
        else:
            notes.append("éditeur inconnu : donnez --publisher, ou ajoutez-le dans « contributors ».")
            return None, notes
    publisher: dict[str, Any] = {"title": title, "roles": ["publisher"]}
    if public or (siren is not None and siren.startswith("2")):
        publisher["publicBody"] = True
        if not public:
            notes.append(
                f"éditeur public (publicBody) : son SIREN {siren} commence par 2, comme ceux des collectivités."
            )
    if siren is not None:
        publisher["siren"] = siren
    return publisher, notes


def infer_spatial(
    columns: dict[str, ColumnOutcome], publisher: dict[str, Any] | None
) -> tuple[dict[str, Any] | None, list[str]]:
    """A commune: the one code of an INSEE code column, else the publisher's commune SIREN."""
    found = next(((label, o) for label, o in columns.items() if label_key(label) in INSEE_KEYS), None)
    names = _column(columns, COMMUNE_NAME_KEYS)
    if found is not None:
        label, outcome = found
        codes = {v.strip() for v in outcome.values if v.strip()}
        code = _single(list(codes))
        if code is not None and SPATIAL_CODES["commune"].match(code):
            title = (_single(names[1]) if names else None) or _territory_title(publisher, code)
            note = f"couverture spatiale : commune {code}, seul code de la colonne « {label} »"
            return {"title": title, "code": code, "level": "commune"}, [f"{note} ; titre « {title} » à vérifier."]
        if len(codes) > 1:
            return None, [
                f"couverture spatiale non déduite : la colonne « {label} » contient {len(codes)} codes différents ; "
                'ajoutez "spatial" (département, EPCI ou région qui les couvre).'
            ]
    siren = (publisher or {}).get("siren")
    match = COMMUNE_SIREN.match(siren) if isinstance(siren, str) and siren not in SIREN_EXCEPTIONS else None
    if match:
        code = match[1] + match[2]
        title = _territory_title(publisher, code)
        return {"title": title, "code": code, "level": "commune"}, [
            f"couverture spatiale : commune {code}, d'après le SIREN de l'éditeur {siren} (21, département "
            f"{match[1]}, commune {match[2]}) ; vérifiez le code et le titre « {title} »."
        ]
    return None, ['couverture spatiale non déduite : ajoutez "spatial" (territoire couvert et son code INSEE).']


def _territory_title(publisher: dict[str, Any] | None, code: str) -> str:
    if publisher and publisher.get("publicBody"):
        return str(publisher["title"])
    return f"Commune de code INSEE {code}"


def infer_temporal(columns: dict[str, ColumnOutcome]) -> tuple[dict[str, str] | None, list[str]]:
    """From the earliest to the latest date of the date columns."""
    dated = {label: [v for v in o.values if v.strip()] for label, o in columns.items() if o.kind == "date"}
    dates = sorted(v for values in dated.values() for v in values)
    if not dates:
        return None, ['couverture temporelle non déduite (aucune colonne de dates) : ajoutez "temporal".']
    shown = ", ".join(f"« {label} »" for label, values in dated.items() if values)
    start, end = dates[0], dates[-1]
    return {"start": start, "end": end}, [
        f"couverture temporelle : du {start} au {end}, première et dernière dates des colonnes {shown} ; "
        "vérifiez-la (la période couverte peut être plus large, l'année entière par exemple)."
    ]


def licence_entry(licence: Licence) -> dict[str, str]:
    return {"name": licence.id, "title": licence.title, "path": licence.url}


def descriptor(
    *,
    name: str,
    title: str,
    licence: Licence,
    now: datetime,
    frequency: str | None,
    publisher: dict[str, Any] | None,
    spatial: dict[str, Any] | None,
    temporal: dict[str, str] | None,
    notes: str,
    resource: dict[str, Any],
) -> dict[str, Any]:
    """The datapackage.json of the profile, with empty descriptions and sources for the user to write."""
    package: dict[str, Any] = {
        "name": name,
        "title": title,
        "description": "",
        "version": "1.0.0",
        "created": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "modified": now.astimezone().date().isoformat(),  # the user's today: never in the future
    }
    if frequency is not None:
        package["frequency"] = frequency
    if temporal is not None:
        package["temporal"] = temporal
    if spatial is not None:
        package["spatial"] = spatial
    package["licenses"] = [licence_entry(licence)]
    package["contributors"] = [publisher] if publisher else []
    package["sources"] = []
    package["notes"] = notes
    package["resources"] = [resource]
    return package
