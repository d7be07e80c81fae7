"""Controlled vocabularies of the profile: update frequencies, open licences, themes.

Pure data and pure lookups; the DCAT export and the CKAN mapping read the same tables.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Frequency:
    label: str
    period_days: int | None  # None: never late
    eu_code: str  # http://publications.europa.eu/resource/authority/frequency/<eu_code>


# data.gouv.fr's vocabulary and freshness periods, with the EU authority code for DCAT.
FREQUENCIES: dict[str, Frequency] = {
    "continuous": Frequency("en continu", None, "CONT"),
    "hourly": Frequency("toutes les heures", 1, "HOURLY"),
    "fourTimesADay": Frequency("quatre fois par jour", 1, "DAILY_4"),
    "threeTimesADay": Frequency("trois fois par jour", 1, "DAILY_3"),
    "semidaily": Frequency("deux fois par jour", 1, "DAILY_2"),
    "daily": Frequency("quotidienne", 1, "DAILY"),
    "fourTimesAWeek": Frequency("quatre fois par semaine", 2, "WEEKLY_4"),
    "threeTimesAWeek": Frequency("trois fois par semaine", 3, "WEEKLY_3"),
    "semiweekly": Frequency("deux fois par semaine", 4, "WEEKLY_2"),
    "weekly": Frequency("hebdomadaire", 7, "WEEKLY"),
    "biweekly": Frequency("toutes les deux semaines", 14, "BIWEEKLY"),
    "threeTimesAMonth": Frequency("trois fois par mois", 11, "MONTHLY_3"),
    "semimonthly": Frequency("deux fois par mois", 16, "MONTHLY_2"),
    "monthly": Frequency("mensuelle", 31, "MONTHLY"),
    "bimonthly": Frequency("tous les deux mois", 62, "BIMONTHLY"),
    "quarterly": Frequency("trimestrielle", 93, "QUARTERLY"),
    "threeTimesAYear": Frequency("trois fois par an", 122, "ANNUAL_3"),
    "semiannual": Frequency("semestrielle", 365, "ANNUAL_2"),
    "annual": Frequency("annuelle", 365, "ANNUAL"),
    "biennial": Frequency("tous les deux ans", 730, "BIENNIAL"),
    "triennial": Frequency("tous les trois ans", 1095, "TRIENNIAL"),
    "quinquennial": Frequency("tous les cinq ans", 1825, "QUINQUENNIAL"),
    "punctual": Frequency("ponctuelle", None, "NEVER"),
    "irregular": Frequency("irrégulière", None, "IRREG"),
    "never": Frequency("plus mise à jour", None, "NEVER"),
    "unknown": Frequency("inconnue", None, "UNKNOWN"),
}

FREQUENCY_ALIASES = {
    "realtime": "continuous",
    "biannual": "semiannual",
    "fortnighly": "biweekly",
    "fortnightly": "biweekly",
}


def canonical_frequency(value: str) -> str | None:
    """The vocabulary key for a declared frequency (aliases resolved), or None if unknown."""
    key = FREQUENCY_ALIASES.get(value, value)
    return key if key in FREQUENCIES else None


@dataclass(frozen=True)
class Licence:
    id: str
    title: str
    url: str
    open: bool
    # Licences a public body may use without homologation (décret 2017-638, art. D. 323-2-1 CRPA).
    public_default: bool = False
    ckan_id: str | None = None
    other_names: tuple[str, ...] = ()
    other_urls: tuple[str, ...] = ()


LICENCES: tuple[Licence, ...] = (
    Licence(
        "etalab-2.0",
        "Licence Ouverte / Open Licence version 2.0",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        True,
        True,
        other_names=(
            "lov2",
            "lo-2.0",
            "licence ouverte 2.0",
            "licence ouverte v2.0",
            "open licence 2.0",
            "licence ouverte version 2.0",
        ),
        other_urls=(
            "https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf",
            "https://spdx.org/licenses/etalab-2.0.html",
        ),
    ),
    Licence(
        "fr-lo",
        "Licence Ouverte / Open Licence version 1.0",
        "https://www.etalab.gouv.fr/wp-content/uploads/2014/05/Licence_Ouverte.pdf",
        True,
        True,
        other_names=(
            "lo-1.0",
            "licence ouverte",
            "licence ouverte 1.0",
            "licence ouverte v1.0",
            "open licence",
            "open licence 1.0",
            "licence ouverte / open licence",
        ),
    ),
    Licence(
        "ODbL-1.0",
        "Open Database License (ODbL) 1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
        True,
        True,
        other_names=("odbl", "odc-odbl", "open database license"),
        other_urls=("https://opendatacommons.org/licenses/odbl/", "https://spdx.org/licenses/ODbL-1.0.html"),
    ),
    Licence(
        "CC-BY-4.0",
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
        True,
        other_names=("cc-by", "cc by 4.0", "creative commons attribution"),
    ),
    Licence(
        "CC-BY-SA-4.0",
        "Creative Commons Attribution Share-Alike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
        True,
        other_names=("cc-by-sa", "cc by-sa 4.0", "creative commons attribution share-alike"),
    ),
    Licence(
        "CC0-1.0",
        "Creative Commons Zero v1.0 Universal",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        True,
        other_names=("cc0", "cc-zero", "creative commons cczero"),
    ),
    Licence(
        "ODC-By-1.0",
        "Open Data Commons Attribution License v1.0",
        "https://opendatacommons.org/licenses/by/1-0/",
        True,
        other_names=("odc-by", "open data commons attribution license"),
    ),
    Licence(
        "PDDL-1.0",
        "Open Data Commons Public Domain Dedication and License v1.0",
        "https://opendatacommons.org/licenses/pddl/1-0/",
        True,
        other_names=("odc-pddl", "pddl", "open data commons public domain dedication and license"),
    ),
    # Known and not open: recognised so that the message says "not open", not "unknown".
    Licence(
        "CC-BY-NC-4.0",
        "Creative Commons Attribution Non Commercial 4.0 International",
        "https://creativecommons.org/licenses/by-nc/4.0/",
        False,
        other_names=("cc-by-nc", "cc-nc"),
    ),
    Licence(
        "CC-BY-ND-4.0",
        "Creative Commons Attribution No Derivatives 4.0 International",
        "https://creativecommons.org/licenses/by-nd/4.0/",
        False,
        other_names=("cc-by-nd",),
    ),
    Licence(
        "CC-BY-NC-SA-4.0",
        "Creative Commons Attribution Non Commercial Share Alike 4.0",
        "https://creativecommons.org/licenses/by-nc-sa/4.0/",
        False,
        other_names=("cc-by-nc-sa",),
    ),
    Licence(
        "CC-BY-NC-ND-4.0",
        "Creative Commons Attribution Non Commercial No Derivatives 4.0",
        "https://creativecommons.org/licenses/by-nc-nd/4.0/",
        False,
        other_names=("cc-by-nc-nd",),
    ),
    Licence(
        "notspecified",
        "Licence non spécifiée",
        "",
        False,
        other_names=(
            "not specified",
            "non spécifiée",
            "other-closed",
            "all rights reserved",
            "tous droits réservés",
            "other-nc",
        ),
    ),
)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[\s_]+", " ", text).strip()


def _normalise_url(url: str) -> str:
    url = url.strip().lower()
    url = re.sub(r"^https?://(www\.)?", "", url)
    return url.rstrip("/")


def _index() -> tuple[dict[str, Licence], dict[str, Licence]]:
    by_name: dict[str, Licence] = {}
    by_url: dict[str, Licence] = {}
    for licence in LICENCES:
        for name in (licence.id, licence.title, *licence.other_names):
            by_name[_normalise(name)] = licence
        for url in (licence.url, *licence.other_urls):
            if url:
                by_url[_normalise_url(url)] = licence
    return by_name, by_url


_BY_NAME, _BY_URL = _index()


def identify_licence(declared: dict) -> Licence | None:
    """Recognise a declared licence by SPDX id, URL or title, in that order."""
    for key in ("name", "path", "title"):
        value = declared.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        found = _BY_URL.get(_normalise_url(value)) if key == "path" else _BY_NAME.get(_normalise(value))
        if found:
            return found
    return None


# EU Data Theme vocabulary, French labels (Office des publications de l'UE).
THEMES: dict[str, str] = {
    "AGRI": "Agriculture, pêche, sylviculture et alimentation",
    "ECON": "Économie et finances",
    "EDUC": "Éducation, culture et sport",
    "ENER": "Énergie",
    "ENVI": "Environnement",
    "GOVE": "Gouvernement et secteur public",
    "HEAL": "Santé",
    "INTR": "Questions internationales",
    "JUST": "Justice, système juridique et sécurité publique",
    "OP_DATPRO": "Données provisoires",
    "REGI": "Régions et villes",
    "SOCI": "Population et société",
    "TECH": "Science et technologie",
    "TRAN": "Transports",
}

OPEN_FORMATS = frozenset(
    {
        "csv",
        "tsv",
        "json",
        "jsonl",
        "ndjson",
        "geojson",
        "parquet",
        "xml",
        "txt",
        "ods",
        "odt",
        "zip",
        "gpkg",
        "shp",
        "kml",
        "gml",
        "rdf",
        "ttl",
        "jsonld",
        "arrow",
        "feather",
        "sqlite",
        "md",
        "html",
        "svg",
        "png",
    }
)
CLOSED_FORMATS = frozenset({"xls", "xlsx", "xlsm", "pdf", "doc", "docx", "ppt", "pptx", "mdb", "accdb"})
