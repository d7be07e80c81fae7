"""What the portal says about a dataset, as pure functions of its descriptor: licence, publisher,
freshness, coverage, themes. The pages, the DCAT catalogue and the CKAN mapping read the same functions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from portal import formats
from portal.checks.profile import parse_iso_date
from portal.dataset import Dataset
from portal.vocabularies import FREQUENCIES, THEMES, Licence, canonical_frequency, identify_licence


def licence_of(dataset: Dataset) -> Licence | None:
    for declared in dataset.objects("licenses"):
        licence = identify_licence(declared)
        if licence:
            return licence
    return None


def publisher_name(dataset: Dataset) -> str:
    publisher = dataset.publisher
    return str(publisher.get("title")) if publisher else "Éditeur non renseigné"


def modified(dataset: Dataset) -> date | None:
    value = dataset.get("modified")
    return parse_iso_date(value) if isinstance(value, str) else None


def frequency_key(dataset: Dataset) -> str | None:
    value = dataset.get("frequency")
    return canonical_frequency(value) if isinstance(value, str) else None


def frequency_label(dataset: Dataset) -> str:
    key = frequency_key(dataset)
    return FREQUENCIES[key].label if key else "non renseignée"


@dataclass(frozen=True)
class Freshness:
    status: str  # "a-jour", "en-retard", "ponctuel", "inconnu"
    label: str  # "à jour", "en retard", "ponctuel", "fraîcheur inconnue"


def freshness(dataset: Dataset, today: date) -> Freshness:
    """The badge: the same rule as the freshness check (period + one day of grace)."""
    key, last = frequency_key(dataset), modified(dataset)
    if key is None or last is None or key == "unknown":
        return Freshness("inconnu", "fraîcheur inconnue")
    period = FREQUENCIES[key].period_days
    if period is None:
        return Freshness("ponctuel", "ponctuel" if key == "punctual" else FREQUENCIES[key].label)
    if last + timedelta(days=period + 1) < today:
        return Freshness("en-retard", "en retard")
    return Freshness("a-jour", "à jour")


def period_label(dataset: Dataset) -> str:
    temporal = dataset.get("temporal")
    if not isinstance(temporal, dict):
        return "non renseignée"
    start = parse_iso_date(str(temporal.get("start") or ""))
    end = parse_iso_date(str(temporal.get("end") or ""))
    if start and end:
        return f"du {formats.day(start)} au {formats.day(end)}"
    if start:
        return f"depuis le {formats.day(start)}"
    return "non renseignée"


def spatial_label(dataset: Dataset) -> str:
    spatial = dataset.get("spatial")
    if not isinstance(spatial, dict):
        return "non renseignée"
    code = spatial.get("code")
    return f"{spatial.get('title')} ({code})" if code else str(spatial.get("title"))


def theme_labels(dataset: Dataset) -> list[str]:
    themes = dataset.get("theme")
    return [THEMES[t] for t in themes if isinstance(t, str) and t in THEMES] if isinstance(themes, list) else []


def keywords(dataset: Dataset) -> list[str]:
    values = dataset.get("keywords")
    return [str(k) for k in values] if isinstance(values, list) else []


def edition(dataset: Dataset) -> str | None:
    """The edition a dataset belongs to, for the catalogue filter: its first source's edition."""
    for source in dataset.objects("sources"):
        if source.get("edition"):
            return str(source["edition"])
    return None


# A year of 1900-2099 standing alone, maybe followed by the end of a span ("-2018", "/18").
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:\s*[-/–]\s*(\d{4}|\d\d)(?!\d))?(?!\d)")


def edition_year(value: object) -> int | None:
    """The year an edition belongs to, for the catalogue's facet: "mai 2018", "2018" and
    "résultats de mars 2018" are all 2018. A span ("2017-2018", "2017/18") is the edition of its
    last year, when it is published; a date ("2018-05-01") of its own year. None without a year."""
    if isinstance(value, bool) or value is None:
        return None
    match = YEAR.search(str(value))
    if not match:
        return None
    first, end = int(match.group(1)), match.group(2)
    if end is None:
        return first
    # "2017/18" names its century once. "2018-05" (a month) or "2018-2017" are no spans: their own year.
    last = int(end) if len(end) == 4 else first // 100 * 100 + int(end)
    span = last - first
    return last if (len(end) == 4 and span > 0) or (len(end) == 2 and span == 1) else first
