"""Normalising a messy collectivity CSV, one value and one column at a time (pure functions).

A column is converted only when every non-empty value converts the same way: dates to ISO
8601 (one unambiguous format per column, no impossible date), French numbers to plain ones
(dot decimal, no grouping), spreadsheet floats back to identifiers (``21860194600000.0``).
Identifiers (SIRET, SIREN, INSEE codes, postal codes, codes with leading zeros) never become
numbers. A column that does not convert as a whole is left as it is, and each value that
stopped it is reported with the reason: nothing is dropped or altered silently.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

# --- labels ----------------------------------------------------------------------------------


def label_key(label: str) -> str:
    """A header as compared with a schema: no accents, no case, no spaces, underscores or hyphens."""
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def slug(text: str) -> str:
    """A name usable as a dataset or resource name: ``Subventions 2018`` → ``subventions-2018``."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


# Header keys (see label_key) that name identifiers: kept as text, never numbers.
IDENTIFIER_PARTS = ("siret", "siren", "insee", "postal", "codecommune", "depcom", "codgeo", "telephone")
IDENTIFIER_PREFIXES = ("id", "code", "num", "ref", "rna")
IDENTIFIER_KEYS = frozenset({"cp", "tel", "nic", "uai", "finess"})


def is_identifier_label(label: str) -> bool:
    """Whether a header names an identifier (SIRET, code INSEE, code postal, idAttribuant, numéro…)."""
    key = label_key(label)
    return key in IDENTIFIER_KEYS or key.startswith(IDENTIFIER_PREFIXES) or any(p in key for p in IDENTIFIER_PARTS)


LEADING_ZERO = re.compile(r"^0\d+$")


def has_leading_zero_codes(values: list[str]) -> bool:
    """Whether a column holds codes such as ``01250`` whose leading zero a number would lose."""
    return any(LEADING_ZERO.match(v.strip()) for v in values)


# --- dates -----------------------------------------------------------------------------------

MIDNIGHT = r"(?:[ T]00:00(?::00)?)?"
DATE_FORMATS = {
    "JJ/MM/AAAA": re.compile(rf"^(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})/(?P<y>\d{{4}}){MIDNIGHT}$"),
    "AAAA/MM/JJ": re.compile(rf"^(?P<y>\d{{4}})/(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}}){MIDNIGHT}$"),
    "AAAA-MM-JJ": re.compile(rf"^(?P<y>\d{{4}})-(?P<m>\d{{2}})-(?P<d>\d{{2}}){MIDNIGHT}$"),
}


def date_format(value: str) -> str | None:
    """The format a value is written in (``JJ/MM/AAAA``…), whether or not the date exists."""
    value = value.strip()
    return next((name for name, pattern in DATE_FORMATS.items() if pattern.match(value)), None)


def iso_date(value: str, fmt: str) -> str | None:
    """The value, written in ``fmt``, as an ISO date; None if the date does not exist (31/02)."""
    match = DATE_FORMATS[fmt].match(value.strip())
    if not match:
        return None
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
    except ValueError:
        return None


# --- numbers ---------------------------------------------------------------------------------

SPACES = " \u00a0\u202f"  # space, no-break space, narrow no-break space: French thousands
NUMBER_STYLES = (
    ("entier", re.compile(r"^-?(?:0|[1-9]\d*)$")),
    ("point", re.compile(r"^-?\d+\.\d+$")),
    ("français", re.compile(rf"^-?\d+,\d+$|^-?\d{{1,3}}(?:[{SPACES}]\d{{3}})+(?:,\d+)?$")),
    ("français", re.compile(r"^-?\d{1,3}(?:\.\d{3})+,\d+$|^-?\d{1,3}(?:\.\d{3}){2,}$")),
)


def number_style(value: str) -> str | None:
    """How a number is written: ``entier``, ``point`` (1.5) or ``français`` (1,5 · 17 833); None if not."""
    value = value.strip()
    return next((name for name, pattern in NUMBER_STYLES if pattern.match(value)), None)


def plain_number(value: str, style: str) -> str:
    """The number in plain notation, as text (never through a float): ``17 833,50`` → ``17833.50``."""
    value = value.strip()
    if style != "français":
        return value
    value = re.sub(f"[{SPACES}]", "", value)
    if "," in value:
        value = value.replace(".", "")  # dots group thousands when the comma is the decimal mark
    elif value.count(".") >= 2:
        value = value.replace(".", "")
    return value.replace(",", ".")


# --- identifiers -----------------------------------------------------------------------------

FLOAT_ID = re.compile(r"^(\d+)[.,]0+$")
EXPONENT_ID = re.compile(r"^(\d)(?:[.,](\d+))?[eE]\+?(\d{1,2})$")


def exponent_digits(value: str) -> tuple[str, int] | None:
    """``2.18601946E+13`` → (``218601946``, 14): the digits the spreadsheet shows, and the full length."""
    match = EXPONENT_ID.match(value.strip())
    if not match:
        return None
    shown = match[1] + (match[2] or "")
    length = int(match[3]) + 1
    return (shown, length) if len(shown) <= length else None


def displayed(identifier: str, digits: int) -> str:
    """The leading digits a spreadsheet shows of an identifier in exponent form, rounded half up."""
    unit = 10 ** max(len(identifier) - digits, 0)
    quotient, remainder = divmod(int(identifier), unit)
    return str(quotient + (2 * remainder >= unit))


def restore_identifier(value: str, complete: Collection[str]) -> tuple[str | None, str | None]:
    """An identifier that a spreadsheet wrote as a number, as text again: (restored, why not).

    ``21860194600000.0`` → ``21860194600000``. In exponent form the spreadsheet shows only the
    leading digits, rounded: the value is restored when they are all there, or when exactly one
    complete identifier of the column (``complete``) shows as these digits; otherwise it is kept.
    """
    value = value.strip()
    if match := FLOAT_ID.match(value):
        return match[1], None
    digits = exponent_digits(value)
    if digits is None:
        return None, None
    shown, length = digits
    if len(shown) == length:
        return shown, None
    candidates = {c for c in complete if len(c) == length and displayed(c, len(shown)) == shown}
    if len(candidates) == 1:
        return candidates.pop(), None
    lost = length - len(shown)
    if candidates:
        return None, (
            f"forme exponentielle : le tableur n'a gardé que {len(shown)} chiffres sur {length}, "
            f"et {len(candidates)} identifiants de la colonne s'écrivent ainsi"
        )
    return None, (
        f"forme exponentielle : le tableur a perdu les {lost} derniers chiffres ; retrouvez "
        "l'identifiant complet dans le fichier d'origine"
    )


# --- columns ---------------------------------------------------------------------------------


CONVERTED = {
    "date": "date(s) convertie(s)",
    "nombre": "nombre(s) converti(s)",
    "identifiant": "identifiant(s) restauré(s)",
}


@dataclass(frozen=True)
class Conversion:
    """Values of one column converted the same way."""

    column: str
    kind: str  # "date", "nombre", "identifiant"
    detail: str  # in French: "JJ/MM/AAAA → AAAA-MM-JJ", "virgule décimale, espaces de milliers"
    count: int
    before: str
    after: str


@dataclass(frozen=True)
class Failure:
    """A value that could not be converted, and why."""

    column: str
    row: int  # the row in the original file, as a spreadsheet numbers it (the header is row 1)
    value: str
    why: str


@dataclass
class ColumnOutcome:
    values: list[str]
    kind: str  # "vide", "texte", "identifiant", "date", "nombre"
    conversion: Conversion | None = None
    failures: list[Failure] = field(default_factory=list)
    abandoned: str | None = None  # the conversion given up because of the failures: "date", "nombre"


def _non_empty(values: list[str]) -> list[str]:
    return [v for v in values if v.strip()]


def _identifier_column(name: str, values: list[str], rows: list[int]) -> ColumnOutcome:
    complete = {v.strip() for v in values if v.strip().isdigit()}
    complete |= {m[1] for v in values if (m := FLOAT_ID.match(v.strip()))}
    # Complete identifiers by what a spreadsheet shows of them, so that a large column stays fast.
    shown_forms = {(len(shown), length) for v in values if (d := exponent_digits(v)) for shown, length in [d]}
    by_display: dict[tuple[str, int], set[str]] = defaultdict(set)
    for identifier in complete:
        for digits, length in shown_forms:
            if len(identifier) == length:
                by_display[(displayed(identifier, digits), length)].add(identifier)
    out, failures, changed = [], [], []
    restorations: dict[str, tuple[str | None, str | None]] = {}
    for value, row in zip(values, rows, strict=True):
        if value not in restorations:
            digits = exponent_digits(value)
            restorations[value] = restore_identifier(value, by_display.get(digits, set()) if digits else ())
        restored, why = restorations[value]
        if restored is not None:
            out.append(restored)
            changed.append((value, restored))
        else:
            out.append(value)
            if why:
                failures.append(Failure(name, row, value, why))
    conversion = None
    if changed:
        before, after = changed[0]
        exponents = sum(1 for b, _ in changed if EXPONENT_ID.match(b.strip()))
        detail = "nombre du tableur remis en texte"
        if exponents:
            detail += f", dont {exponents} en forme exponentielle complété(s) d'après la même colonne"
        conversion = Conversion(name, "identifiant", detail, len(changed), before, after)
    return ColumnOutcome(out, "identifiant", conversion, failures)


def _date_column(name: str, values: list[str], rows: list[int]) -> ColumnOutcome:
    formats = Counter(f for v in values if (f := date_format(v)))
    main_format = formats.most_common(1)[0][0] if formats else None
    out, failures, changed = [], [], []
    for value, row in zip(values, rows, strict=True):
        if not value.strip():
            out.append(value)
            continue
        fmt = date_format(value)
        converted = iso_date(value, fmt) if fmt == main_format else None
        if converted is None:
            if fmt is None:
                why = "n'est pas une date"
            elif fmt != main_format:
                why = f"date écrite {fmt}, alors que la colonne est écrite {main_format} : un seul format par colonne"
            else:
                why = "date impossible (ce jour n'existe pas)"
            failures.append(Failure(name, row, value, why))
        else:
            out.append(converted)
            if converted != value:
                changed.append((value, converted))
    if failures:
        return ColumnOutcome(list(values), "texte", None, failures, abandoned="date")
    conversion = None
    if changed:
        before, after = changed[0]
        detail = f"{main_format} → AAAA-MM-JJ"
        conversion = Conversion(name, "date", detail, len(changed), before, after)
    return ColumnOutcome(out, "date", conversion)


def _number_detail(before: list[str]) -> str:
    """What changed in the numbers, in French: « virgule décimale → point, espaces de milliers retirées »."""
    parts = []
    if any("," in v for v in before):
        parts.append("virgule décimale → point")
    if any(re.search(f"[{SPACES}]", v.strip()) for v in before):
        parts.append("espaces de milliers retirées")
    if any("." in v and ("," in v or v.count(".") > 1) for v in before):
        parts.append("points de milliers retirés")
    return ", ".join(parts) or "espaces autour retirées"


def _number_column(name: str, values: list[str], rows: list[int]) -> ColumnOutcome:
    # A schema that says "number" makes 0123 a number: without one, such a column is a code.
    styles = {v: number_style(v) or ("entier" if LEADING_ZERO.match(v.strip()) else None) for v in values if v.strip()}
    decimal_marks = {s for s in styles.values() if s in {"point", "français"}}
    mixed = len(decimal_marks) > 1
    out, failures, changed = [], [], []
    for value, row in zip(values, rows, strict=True):
        if not value.strip():
            out.append(value)
            continue
        style = styles[value]
        if style is None:
            failures.append(Failure(name, row, value, "n'est pas un nombre"))
        elif mixed and style == "point":
            why = (
                "point décimal, alors que la colonne écrit aussi des nombres à la française "
                "(virgule, espaces) : « 1.250 » peut vouloir dire 1,25 ou 1 250"
            )
            failures.append(Failure(name, row, value, why))
        else:
            converted = plain_number(value, style)
            out.append(converted)
            if converted != value:
                changed.append((value, converted))
    if failures:
        return ColumnOutcome(list(values), "texte", None, failures, abandoned="nombre")
    conversion = None
    if changed:
        before, after = changed[0]
        conversion = Conversion(name, "nombre", _number_detail([b for b, _ in changed]), len(changed), before, after)
    return ColumnOutcome(out, "nombre", conversion)


def _mostly(values: list[str], test) -> bool:
    """At least half of the non-empty values pass ``test``: the column is meant to be of that kind."""
    filled = _non_empty(values)
    return bool(filled) and 2 * sum(1 for v in filled if test(v)) >= len(filled)


def convert_column(name: str, values: list[str], rows: list[int], target: str | None = None) -> ColumnOutcome:
    """Convert one column; ``target`` comes from a schema (``date``, ``nombre``, ``identifiant``,
    ``texte``, or ``date-possible`` for a text field whose pattern wants ISO dates).

    Without a target, a column is an identifier when its header names one or a value keeps a
    leading zero; a date column when at least half its values look like dates; a number
    column when at least half look like numbers; text otherwise (left untouched, unreported).
    """
    if not _non_empty(values):
        return ColumnOutcome(list(values), "vide")
    if target is None:
        if is_identifier_label(name) or has_leading_zero_codes(values):
            target = "identifiant"
        elif _mostly(values, date_format):
            target = "date"
        elif _mostly(values, number_style):
            target = "nombre"
        else:
            target = "texte"
    if target == "date-possible":
        target = "date" if _mostly(values, date_format) else "texte"
    if target == "identifiant":
        return _identifier_column(name, values, rows)
    if target == "date":
        return _date_column(name, values, rows)
    if target == "nombre":
        return _number_column(name, values, rows)
    return ColumnOutcome(list(values), "texte")
