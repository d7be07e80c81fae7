"""The custom checks of the SCDL schemas, as Validata runs them: pure functions over rows.

A schema lists its checks in ``custom_checks`` (a name and its params). The portal adds two that
the published schemas leave to their descriptions (``IMPLIED``): RNA numbers in subventions and
GPS coordinates in équipements. ``header_findings`` compares a file's header with its schema;
``validate_rows`` goes through the rows one at a time (a stream: a large file is never held in
memory) and yields ``Finding``s — the problem code, the row as frictionless counts it (the header
is row 1), the field, a French message and the fix.

Like Validata, a check skips empty cells and absent columns (the schema's ``required`` and
frictionless report those) and values that are not of their field's type (frictionless reports
them too).
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

Cells = Mapping[str, str]  # one row: column name → raw cell; an absent column has no key


@dataclass(frozen=True)
class Finding:
    code: str
    message: str  # French, without the file name: the caller says which file
    fix: str
    row: int | None = None
    field: str | None = None


# Identifiers -------------------------------------------------------------------------------

DIGITS = re.compile(r"[0-9]+")
RNA = re.compile(r"W[0-9]{9}")
# La Poste's establishments share the SIREN 356000000; their SIRET are not Luhn numbers but the
# sum of their digits is a multiple of 5. The head office keeps an ordinary Luhn SIRET.
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum of a string of digits: double every second digit from the right."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def siren_valid(value: str) -> bool:
    return len(value) == 9 and DIGITS.fullmatch(value) is not None and luhn_valid(value)


def siret_valid(value: str) -> bool:
    return siret_error(value) is None


def siret_error(value: str) -> str | None:
    """Why a value is not a SIRET, in French, or None when it is one."""
    if not DIGITS.fullmatch(value):
        return "un SIRET ne s'écrit qu'avec des chiffres, sans espace ni autre signe"
    if len(value) != 14:
        return f"un SIRET a 14 chiffres, celui-ci en a {len(value)}"
    if value.startswith(LA_POSTE_SIREN) and value != LA_POSTE_HEAD_OFFICE:
        if sum(map(int, value)) % 5:
            return "pour un établissement de La Poste, la somme des chiffres doit être un multiple de 5"
        return None
    if not luhn_valid(value[:9]):
        return "la clé de contrôle du SIREN (les 9 premiers chiffres) est fausse"
    if not luhn_valid(value):
        return "la clé de contrôle du SIRET est fausse"
    return None


def siren_error(value: str) -> str | None:
    if not DIGITS.fullmatch(value):
        return "un SIREN ne s'écrit qu'avec des chiffres, sans espace ni autre signe"
    if len(value) != 9:
        return f"un SIREN a 9 chiffres, celui-ci en a {len(value)}"
    return None if luhn_valid(value) else "la clé de contrôle du SIREN est fausse"


def rna_valid(value: str) -> bool:
    """An RNA number (Répertoire national des associations): W and 9 digits, e.g. W751234567."""
    return RNA.fullmatch(value) is not None


# Years, nomenclature, coordinates ---------------------------------------------------------

YEAR = re.compile(r"[0-9]{4}")
YEAR_INTERVAL = re.compile(r"([0-9]{4})/([0-9]{4})")


def year_interval_error(value: str, allow_year_only: bool) -> str | None:
    """Why a value is not a year interval AAAA/AAAA (or a year AAAA when allowed), or None."""
    if allow_year_only and YEAR.fullmatch(value):
        return None
    match = YEAR_INTERVAL.fullmatch(value)
    if not match:
        expected = "une année AAAA ou deux années AAAA/AAAA" if allow_year_only else "deux années AAAA/AAAA"
        return f"attendu : {expected}"
    first, second = int(match.group(1)), int(match.group(2))
    if first == second:
        return "les deux années sont les mêmes" + (" : écrivez-la une seule fois" if allow_year_only else "")
    if second < first:
        return f"la seconde année précède la première : écrivez {second}/{first}"
    return None


# The nine subjects (level 1) of the ACTES nomenclature of the contrôle de légalité, in order.
ACTES_SUBJECTS = (
    "Commande publique",
    "Urbanisme",
    "Domaine et patrimoine",
    "Fonction publique",
    "Institutions et vie politique",
    "Libertés publiques et pouvoirs de police",
    "Finances locales",
    "Domaines de compétences par thèmes",
    "Autres domaines de compétences",
)


def folded(text: str) -> str:
    """Lower case without accents: the nomenclature accepts either case, with or without accents."""
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")


FOLDED_SUBJECTS = {folded(subject) for subject in ACTES_SUBJECTS}


def nomenclature_error(value: str) -> str | None:
    """Why a subject name does not follow the ACTES nomenclature « matière/sous-matière », or None."""
    if "/" not in value:
        return "il manque la barre oblique « / » entre la matière et la sous-matière"
    subject = value[: value.index("/")]
    if folded(subject) in FOLDED_SUBJECTS and "/ " not in value:
        return None
    if folded(subject.strip()) not in FOLDED_SUBJECTS:
        return f"« {subject.strip()} » n'est pas une matière de la nomenclature ACTES"
    return "la barre oblique ne doit être ni précédée ni suivie d'une espace"


# Bounding boxes (latitude min, max, longitude min, max), with a small margin: metropolitan France
# with Corsica, the five overseas departments and the overseas collectivities.
TERRITORIES: tuple[tuple[str, float, float, float, float], ...] = (
    ("France métropolitaine", 41.30, 51.15, -5.25, 9.65),
    ("Guadeloupe", 15.80, 16.55, -61.85, -60.95),
    ("Martinique", 14.35, 14.90, -61.25, -60.80),
    ("Guyane", 2.10, 5.80, -54.65, -51.55),
    ("La Réunion", -21.40, -20.85, 55.20, 55.85),
    ("Mayotte", -13.05, -12.60, 44.95, 45.35),
    ("Saint-Pierre-et-Miquelon", 46.70, 47.15, -56.45, -56.10),
    ("Saint-Barthélemy", 17.85, 17.98, -62.95, -62.78),
    ("Saint-Martin", 18.04, 18.13, -63.17, -62.96),
    ("Wallis-et-Futuna", -14.40, -13.15, -178.25, -176.05),
    ("Polynésie française", -27.70, -7.80, -154.80, -134.40),
    ("Nouvelle-Calédonie", -23.00, -18.00, 158.00, 172.50),
)


def territory(latitude: float, longitude: float) -> str | None:
    """The French territory whose box holds the point, or None."""
    for name, lat_min, lat_max, lon_min, lon_max in TERRITORIES:
        if lat_min <= latitude <= lat_max and lon_min <= longitude <= lon_max:
            return name
    return None


# Typed values -----------------------------------------------------------------------------


def typed(field: Mapping[str, Any] | None, raw: str) -> Any:
    """A cell read as its field's type (dates, integers, decimals), or None if it cannot be."""
    kind = (field or {}).get("type", "string")
    text = raw.strip()
    try:
        if kind == "integer":
            return int(text) if re.fullmatch(r"[+-]?[0-9]+", text) else None
        if kind == "number":
            group, decimal = field.get("groupChar"), field.get("decimalChar", ".")
            if group:
                text = text.replace(group, "")
            number = Decimal(text.replace(decimal, "."))
            return number if number.is_finite() else None
        if kind == "year":
            return int(text) if YEAR.fullmatch(text) else None
        if kind == "date":
            pattern = field.get("format", "default")
            if pattern == "any":
                return date.fromisoformat(text)
            return datetime.strptime(text, "%Y-%m-%d" if pattern == "default" else pattern).date()
        if kind == "datetime":
            pattern = field.get("format", "default")
            if pattern in {"default", "any"}:
                return datetime.fromisoformat(text)
            return datetime.strptime(text, pattern)
    except (ValueError, InvalidOperation):
        return None
    return raw


def shown(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


# The checks -------------------------------------------------------------------------------


class CustomCheck:
    """One entry of ``custom_checks``: the header is checked once, then each row."""

    code: ClassVar[str]

    def __init__(self, params: Mapping[str, Any], fields: Mapping[str, Mapping[str, Any]], missing: Sequence[str]):
        self.params = params
        self.fields = fields
        self.missing = set(missing)

    def value(self, cells: Cells, column: str) -> str | None:
        """The raw cell if the column is there and the cell filled, else None."""
        raw = cells.get(column)
        return None if raw is None or raw in self.missing else raw

    def start(self, labels: Sequence[str]) -> Iterator[Finding]:
        return iter(())

    def row(self, number: int, cells: Cells) -> Iterator[Finding]:
        raise NotImplementedError


class ValueCheck(CustomCheck):
    """A check of each filled cell of one column: ``error`` says why a value is wrong."""

    what: str  # "« value » n'est pas {what}"
    fix: str

    def error(self, value: str) -> str | None:
        raise NotImplementedError

    def row(self, number: int, cells: Cells) -> Iterator[Finding]:
        column = self.params["column"]
        value = self.value(cells, column)
        reason = None if value is None else self.error(value)
        if reason:
            yield Finding(
                self.code,
                f"ligne {number}, champ « {column} » : « {value} » n'est pas {self.what} ({reason})",
                self.fix,
                number,
                column,
            )


class SiretValue(ValueCheck):
    code = "siret-invalid"
    what = "un numéro SIRET valide"
    fix = "Recopiez le SIRET depuis l'annuaire des entreprises (annuaire-entreprises.data.gouv.fr) : 14 chiffres, sans espace."

    def error(self, value: str) -> str | None:
        return siret_error(value)


class SirenValue(ValueCheck):
    code = "siren-invalid"
    what = "un numéro SIREN valide"
    fix = "Recopiez le SIREN depuis l'annuaire des entreprises (annuaire-entreprises.data.gouv.fr) : 9 chiffres, sans espace."

    def error(self, value: str) -> str | None:
        return siren_error(value)


class RnaValue(ValueCheck):
    code = "rna-invalid"
    what = "un numéro RNA"
    fix = (
        "Recopiez le numéro RNA depuis le récépissé de déclaration de l'association ou l'annuaire des "
        "entreprises : W suivi de 9 chiffres (W751234567)."
    )

    def error(self, value: str) -> str | None:
        return None if rna_valid(value) else "attendu : la lettre W suivie de 9 chiffres"


class YearIntervalValue(ValueCheck):
    code = "year-interval-invalid"
    fix = "Écrivez l'exercice sous la forme AAAA ou AAAA/AAAA, la seconde année après la première (2025/2026)."

    def __init__(self, *args: Any):
        super().__init__(*args)
        self.allow_year_only = str(self.params.get("allow-year-only", "")).lower() in {"yes", "true"}
        self.what = "une année ou une période valide" if self.allow_year_only else "une période valide"

    def error(self, value: str) -> str | None:
        return year_interval_error(value, self.allow_year_only)


class NomenclatureActesValue(ValueCheck):
    code = "nomenclature-invalid"
    what = "un nom de matière de la nomenclature ACTES"
    fix = (
        "Écrivez la matière puis la sous-matière de la nomenclature ACTES, séparées par une barre oblique "
        "sans espace (finances locales/décisions budgétaires) ; les matières sont : "
        + ", ".join(subject.lower() for subject in ACTES_SUBJECTS)
        + "."
    )

    def error(self, value: str) -> str | None:
        return nomenclature_error(value)


OPERATORS = {">": operator.gt, ">=": operator.ge, "==": operator.eq, "<=": operator.le, "<": operator.lt}
OPERATOR_WORDS = {
    ">": ("supérieure à", "postérieure à"),
    ">=": ("supérieure ou égale à", "postérieure ou égale à"),
    "==": ("égale à", "égale à"),
    "<=": ("inférieure ou égale à", "antérieure ou égale à"),
    "<": ("inférieure à", "antérieure à"),
}


class CompareColumnsValue(CustomCheck):
    code = "compare-columns-invalid"

    def row(self, number: int, cells: Cells) -> Iterator[Finding]:
        column, other, op = self.params["column"], self.params["column2"], self.params.get("op")
        if op not in OPERATORS:
            return
        raw, raw_other = self.value(cells, column), self.value(cells, other)
        if raw is None or raw_other is None:
            return
        left, right = typed(self.fields.get(column), raw), typed(self.fields.get(other), raw_other)
        if left is None or right is None or type(left) is not type(right):
            return  # not of its type: frictionless says so
        try:
            holds = OPERATORS[op](left, right)
        except TypeError:  # e.g. a date-time with a time zone and one without
            return
        if not holds:
            words = OPERATOR_WORDS[op][isinstance(left, date)]
            yield Finding(
                self.code,
                f"ligne {number} : la valeur de « {column} » ({shown(left)}) devrait être {words} "
                f"celle de « {other} » ({shown(right)})",
                f"Corrigez « {column} » ou « {other} » sur cette ligne : le schéma national exige "
                f"{column} {op} {other}.",
                number,
                column,
            )


class SumColumnsValue(CustomCheck):
    code = "sum-columns-invalid"

    def row(self, number: int, cells: Cells) -> Iterator[Finding]:
        column, parts = self.params["column"], list(self.params.get("columns") or [])
        raws = [self.value(cells, name) for name in [column, *parts]]
        if any(raw is None for raw in raws):
            return  # an empty or absent cell: Validata skips the row
        values = [typed(self.fields.get(name), raw) for name, raw in zip([column, *parts], raws, strict=True)]
        if any(value is None or isinstance(value, str) for value in values):
            return
        total, *addends = values
        if total != sum(addends):
            listed = " + ".join(f"{name} ({value})" for name, value in zip(parts, addends, strict=True))
            yield Finding(
                self.code,
                f"ligne {number} : « {column} » vaut {total}, mais {listed} font {sum(addends)}",
                f"Corrigez les valeurs de la ligne : {column} doit être égal à la somme de {', '.join(parts)}.",
                number,
                column,
            )


class CohesiveColumnsValue(CustomCheck):
    code = "cohesive-columns-invalid"

    @property
    def columns(self) -> list[str]:
        return [self.params["column"], *(self.params.get("othercolumns") or [])]

    def start(self, labels: Sequence[str]) -> Iterator[Finding]:
        absent = [name for name in self.columns if name not in labels]
        if absent and len(absent) < len(self.columns):
            yield Finding(
                self.code,
                f"les colonnes {_names(self.columns)} vont ensemble, mais {_names(absent)} "
                f"{'manque' if len(absent) == 1 else 'manquent'}",
                f"Ajoutez {_names(absent)} au fichier (vides si l'information manque), ou retirez toutes ces colonnes.",
                1,
                absent[0],
            )

    def row(self, number: int, cells: Cells) -> Iterator[Finding]:
        present = [name for name in self.columns if name in cells]
        empty = [name for name in present if self.value(cells, name) is None]
        if empty and len(empty) < len(present):
            yield Finding(
                self.code,
                f"ligne {number} : les colonnes {_names(present)} doivent être toutes remplies ou toutes vides, "
                f"mais ici {_names(empty)} {'est vide' if len(empty) == 1 else 'sont vides'}",
                f"Remplissez {_names(empty)} sur cette ligne, ou videz toutes ces colonnes.",
                number,
                empty[0],
            )


class OneOfRequired(CustomCheck):
    code = "one-of-required-missing"

    @property
    def columns(self) -> list[str]:
        return [self.params["column1"], self.params["column2"]]

    def start(self, labels: Sequence[str]) -> Iterator[Finding]:
        if not any(name in labels for name in self.columns):
            first, second = self.columns
            yield Finding(
                self.code,
                f"les colonnes « {first} » et « {second} » manquent toutes les deux, or l'une au moins est exigée",
                f"Ajoutez la colonne « {first} » ou « {second} » et remplissez-la sur chaque ligne.",
                1,
                first,
            )

    def row(self, number: int, cells: Cells) -> Iterator[Finding]:
        present = [name for name in self.columns if name in cells]
        if present and all(self.value(cells, name) is None for name in present):
            first, second = self.columns
            yield Finding(
                self.code,
                f"ligne {number} : « {first} » et « {second} » sont vides, or l'un des deux au moins doit être rempli",
                f"Renseignez « {first} » ou « {second} » sur cette ligne.",
                number,
                first,
            )


class FrenchGpsCoordinates(CustomCheck):
    """Latitude and longitude in two columns: the point must fall in France; swapped columns are named."""

    code = "gps-out-of-france"

    def row(self, number: int, cells: Cells) -> Iterator[Finding]:
        lat_column, lon_column = self.params["latitude"], self.params["longitude"]
        raw_lat, raw_lon = self.value(cells, lat_column), self.value(cells, lon_column)
        if raw_lat is None or raw_lon is None:
            return
        lat, lon = typed(self.fields.get(lat_column), raw_lat), typed(self.fields.get(lon_column), raw_lon)
        if not isinstance(lat, Decimal) or not isinstance(lon, Decimal):
            return
        lat_f, lon_f = float(lat), float(lon)
        if territory(lat_f, lon_f):
            return
        place = territory(lon_f, lat_f)
        if place:
            yield Finding(
                "gps-swapped",
                f"ligne {number} : latitude et longitude semblent inversées — « {lat_column} » vaut {lat} et "
                f"« {lon_column} » {lon}, un point qui n'est pas en France ; dans l'autre sens, il tombe en {place}",
                f"Échangez les valeurs de « {lat_column} » et « {lon_column} » sur cette ligne.",
                number,
                lat_column,
            )
            return
        yield Finding(
            self.code,
            f"ligne {number} : le point (latitude {lat}, longitude {lon}) n'est ni en France métropolitaine "
            "ni outre-mer",
            "Vérifiez les coordonnées : des degrés décimaux WGS 84 (pas du Lambert 93) avec un point décimal, "
            f"la latitude dans « {lat_column} » et la longitude dans « {lon_column} ».",
            number,
            lat_column,
        )


def _names(columns: Iterable[str]) -> str:
    quoted = [f"« {name} »" for name in columns]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " et " + quoted[-1]


# Validata's names for the checks, and the portal's two additions.
CHECKS: dict[str, type[CustomCheck]] = {
    "french-siret-value": SiretValue,
    "french-siren-value": SirenValue,
    "french-rna-value": RnaValue,
    "year-interval-value": YearIntervalValue,
    "compare-columns-value": CompareColumnsValue,
    "sum-columns-value": SumColumnsValue,
    "cohesive-columns-value": CohesiveColumnsValue,
    "one-of-required": OneOfRequired,
    "nomenclature-actes-value": NomenclatureActesValue,
    "french-gps-coordinates": FrenchGpsCoordinates,
}
# What the published schemas say in their descriptions only: the RNA number of subventions'
# beneficiaries, and the coordinates of équipements.
IMPLIED: dict[str, list[dict[str, Any]]] = {
    "subventions": [{"name": "french-rna-value", "params": {"column": "rnaBeneficiaire"}}],
    "equipements": [{"name": "french-gps-coordinates", "params": {"latitude": "EQUIP_LAT", "longitude": "EQUIP_LONG"}}],
}
# Checks that say everything about a value: frictionless' `pattern` error on their column would repeat them.
WHOLE_VALUE_CHECKS = {"french-siret-value", "french-siren-value", "french-rna-value", "year-interval-value"}


def custom_checks(schema: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The schema's custom checks, then those the portal adds for it."""
    declared = [c for c in schema.get("custom_checks") or [] if isinstance(c, dict)]
    return declared + IMPLIED.get(str(schema.get("name")), [])


def pattern_checked_fields(schema: Mapping[str, Any]) -> set[str]:
    """Columns whose malformed values a custom check reports itself, more precisely than a pattern."""
    return {
        c["params"]["column"]
        for c in custom_checks(schema)
        if c.get("name") in WHOLE_VALUE_CHECKS and isinstance(c.get("params"), dict) and "column" in c["params"]
    }


def build(schema: Mapping[str, Any]) -> list[CustomCheck]:
    fields = {f["name"]: f for f in schema.get("fields") or [] if isinstance(f, dict) and "name" in f}
    missing = schema.get("missingValues", [""])
    return [
        CHECKS[c["name"]](c.get("params") or {}, fields, missing)
        for c in custom_checks(schema)
        if c.get("name") in CHECKS
    ]


def validate_rows(
    schema: Mapping[str, Any], labels: Sequence[str], rows: Iterable[Sequence[str]], first_row: int = 2
) -> Iterator[Finding]:
    """Run the schema's custom checks over the rows that follow a header (numbered from ``first_row``)."""
    checks = build(schema)
    for check in checks:
        yield from check.start(labels)
    for number, row in enumerate(rows, start=first_row):
        if not row:
            continue  # a blank line: frictionless reports it
        cells = dict(zip(labels, row, strict=False))
        for check in checks:
            yield from check.row(number, cells)


# The header -------------------------------------------------------------------------------


def header_findings(schema: Mapping[str, Any], labels: Sequence[str]) -> Iterator[Finding]:
    """Validata's remarks on the header: optional columns missing, extra columns, another order.

    A missing required column is an error that frictionless reports (``missing-label``).
    """
    fields = [f for f in schema.get("fields") or [] if isinstance(f, dict) and "name" in f]
    names = [f["name"] for f in fields]
    reference = f"scdl/{schema.get('name')}"
    present = set(labels)
    for field in fields:
        if field["name"] not in present and not (field.get("constraints") or {}).get("required"):
            yield Finding(
                "scdl-missing-optional-column",
                f"la colonne facultative « {field['name']} » du schéma national {reference} manque",
                "Ajoutez la colonne, vide si l'information n'est pas connue : le schéma national la prévoit.",
                1,
                field["name"],
            )
    known = set(names)
    for position, label in enumerate(labels, start=1):
        if label not in known:
            shown_label = f"« {label} »" if label.strip() else "sans en-tête"
            yield Finding(
                "scdl-extra-column",
                f"la colonne {position} ({shown_label}) n'est pas dans le schéma national {reference}",
                "Retirez cette colonne, ou publiez-la dans une autre ressource : le schéma national ne la prévoit pas.",
                1,
                label or None,
            )
    in_file = list(dict.fromkeys(label for label in labels if label in known))
    expected = [name for name in names if name in in_file]
    if in_file != expected:
        index = next(i for i, (a, b) in enumerate(zip(in_file, expected, strict=True)) if a != b)
        yield Finding(
            "scdl-column-order",
            f"les colonnes ne suivent pas l'ordre du schéma national {reference} : « {expected[index]} » "
            f"est attendue avant « {in_file[index]} »",
            "Rangez les colonnes dans l'ordre du schéma : " + ", ".join(expected) + ".",
            1,
            expected[index],
        )
