"""Reading the cells the masks are not sure of, as frictionless reads them, without importing it.

For the types and constraints the fast path covers (``casting.TYPES``, default formats, the
constraints of ``SUPPORTED``), ``CellReader`` gives what frictionless' field cell reader gives:
the typed value, and the notes of the type and constraint errors in frictionless' order and
wording; ``read_row`` replays frictionless' row processing, key errors included, and the error
records render frictionless' message templates. Importing frictionless costs about 0.3 s, as much
as the fast path's own work on a million rows: it is imported only when a table falls back to it.
The differential tests (tests/test_fastcheck.py) compare every finding, note and message with
frictionless' own on a corpus of edge cases, so a change of frictionless shows there.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

# frictionless' supported constraints per type, in the order it checks them (its notes follow it).
SUPPORTED = {
    "string": ["required", "minLength", "maxLength", "pattern", "enum"],
    "integer": ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"],
    "number": ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"],
    "date": ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"],
    "year": ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"],
    "boolean": ["required", "enum"],
    "any": ["required", "enum"],
}
BOUNDS = {
    "minimum": operator.ge,
    "maximum": operator.le,
    "exclusiveMinimum": operator.gt,
    "exclusiveMaximum": operator.lt,
}
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]

# frictionless' message templates (frictionless.errors), rendered like its safe_format.
TEMPLATES = {
    "type-error": 'Type error in the cell "{cell}" in row "{rowNumber}" and field "{fieldName}" at position "{fieldNumber}": {note}',
    "constraint-error": 'The cell "{cell}" in row at position "{rowNumber}" and field "{fieldName}" at position "{fieldNumber}" does not conform to a constraint: {note}',
    "unique-error": 'Row at position "{rowNumber}" has unique constraint violation in field "{fieldName}" at position "{fieldNumber}": {note}',
    "blank-row": 'Row at position "{rowNumber}" is completely blank',
    "primary-key": 'Row at position "{rowNumber}" violates the primary key: {note}',
}


@dataclass(frozen=True)
class TableError:
    """A cell or row error as frictionless reports it (type, note, row, field), and its message."""

    type: str
    note: str
    row_number: int
    cell: str | None = None
    field_name: str | None = None
    field_number: int | None = None
    label: None = None

    @property
    def message(self) -> str:
        values = {
            "note": self.note,
            "rowNumber": self.row_number,
            "cell": self.cell,
            "fieldName": self.field_name,
            "fieldNumber": self.field_number,
        }
        return TEMPLATES[self.type].format_map({k: "" if v is None else v for k, v in values.items()})


def _integer(cell: Any) -> int | None:
    if isinstance(cell, str):
        try:
            return int(cell.strip())
        except ValueError:
            return None
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, Decimal) and cell % 1 == 0:
        return int(cell)
    return None


def _number_reader(field: dict[str, Any]) -> Callable[[Any], Any]:
    # frictionless rewrites the text only when the field declares one of these properties.
    rewrites = any(key in field for key in ("decimalChar", "groupChar", "bareNumber"))
    group, decimal = field.get("groupChar", ""), field.get("decimalChar", ".")

    def read(cell: Any) -> Any:
        if isinstance(cell, str):
            cell = cell.strip()
            if rewrites:
                cell = cell.replace(group, "")
                if decimal != "." and "." in cell:
                    return None
                cell = cell.replace(decimal, ".")
            try:
                return Decimal(cell)
            except Exception:  # noqa: BLE001 — frictionless catches every error of Decimal
                return None
        if isinstance(cell, Decimal):
            return cell
        if isinstance(cell, bool):
            return None
        if isinstance(cell, int):
            return cell
        if isinstance(cell, float):
            return Decimal(str(cell))
        return None

    return read


def _boolean_reader(field: dict[str, Any]) -> Callable[[Any], Any]:
    mapping = {value: True for value in field.get("trueValues", TRUE_VALUES)}
    mapping.update({value: False for value in field.get("falseValues", FALSE_VALUES)})

    def read(cell: Any) -> Any:
        if cell is True or cell is False:
            return cell
        return mapping.get(cell) if isinstance(cell, str) else None

    return read


def _date(cell: Any) -> date | None:
    if isinstance(cell, datetime):
        return cell.date() if (cell.hour, cell.minute, cell.second) == (0, 0, 0) else None
    if isinstance(cell, date):
        return cell
    if not isinstance(cell, str):
        return None
    try:
        return datetime.strptime(cell, "%Y-%m-%d").date()
    except Exception:  # noqa: BLE001 — as frictionless
        return None


def _year(cell: Any) -> int | None:
    if not isinstance(cell, int):
        if not isinstance(cell, str) or len(cell) != 4:
            return None
        try:
            cell = int(cell)
        except ValueError:
            return None
    return cell if 0 <= cell <= 9999 else None


def value_reader(field: dict[str, Any]) -> Callable[[Any], Any]:
    """frictionless' value reader of a field of a covered type, default format."""
    kind = field.get("type", "any")
    if kind == "string":
        return lambda cell: cell if isinstance(cell, str) else None
    if kind == "any":
        return lambda cell: cell
    if kind == "number":
        return _number_reader(field)
    if kind == "boolean":
        return _boolean_reader(field)
    return {"integer": _integer, "date": _date, "year": _year}[kind]


def _bound(compare: Callable[[Any, Any], bool], constraint: Any, cell: Any) -> bool:
    if cell is None:
        return True
    if cell != cell:  # NaN: frictionless refuses it against any bound
        return False
    return bool(compare(cell, constraint))


def _checks(field: dict[str, Any], read: Callable[[Any], Any]) -> dict[str, Callable[[Any], bool]]:
    constraints = field.get("constraints") or {}
    checks: dict[str, Callable[[Any], bool]] = {}
    for name in SUPPORTED[field.get("type", "any")]:
        constraint = constraints.get(name)
        if constraint is None:
            continue
        if name == "required":
            checks[name] = partial(lambda required, cell: not (required and cell is None), constraint)
        elif name == "minLength":
            checks[name] = partial(lambda bound, cell: cell is None or len(cell) >= bound, constraint)
        elif name == "maxLength":
            checks[name] = partial(lambda bound, cell: cell is None or len(cell) <= bound, constraint)
        elif name == "pattern":
            checks[name] = partial(
                lambda regex, cell: cell is None or bool(regex.match(cell)), re.compile(f"^{constraint}$")
            )
        elif name == "enum":
            checks[name] = partial(lambda allowed, cell: cell is None or cell in allowed, [read(v) for v in constraint])
        else:
            checks[name] = partial(_bound, BOUNDS[name], read(constraint))
    return checks


def schema_problem(field: dict[str, Any]) -> str | None:
    """Why frictionless might refuse this field's constraints (the fast path then leaves it), or None."""
    kind = field.get("type", "any")
    constraints = field.get("constraints") or {}
    if not isinstance(constraints, dict):
        return "les contraintes"
    read = value_reader(field)
    for name, constraint in constraints.items():
        if name == "unique":
            valid = isinstance(constraint, bool)
        elif name not in SUPPORTED.get(kind, []) or name.startswith("exclusive"):
            # Exclusive bounds are valid only in a v2 schema: frictionless decides from the context.
            return f"la contrainte « {name} »"
        elif name == "required":
            valid = isinstance(constraint, bool)
        elif name in {"minLength", "maxLength"}:
            valid = isinstance(constraint, int) and not isinstance(constraint, bool)
        elif name == "pattern":
            valid = isinstance(constraint, str) and _compiles(constraint)
        elif name == "enum":
            valid = isinstance(constraint, list) and all(read(v) is not None for v in constraint)
        else:
            valid = not isinstance(constraint, bool) and read(constraint) is not None
        if not valid:
            return f"la contrainte « {name} »"
    return None


def _compiles(pattern: str) -> bool:
    try:
        re.compile(f"^{pattern}$")
    except re.error:
        return False
    return True


class CellReader:
    """One field's cells: (typed value or None, notes or None), like frictionless' cell reader."""

    def __init__(self, field: dict[str, Any], number: int, schema_missing: list[str]):
        self.name: str = field["name"]
        self.number = number
        self.kind = field.get("type", "any")
        self.constraints = field.get("constraints") or {}
        self.missing = field.get("missingValues", schema_missing)
        self.read_value = value_reader(field)
        self.checks = _checks(field, self.read_value)

    def __call__(self, cell: Any) -> tuple[Any, dict[str, str] | None]:
        notes: dict[str, str] | None = None
        if str(cell) in self.missing:
            cell = None
        if cell is not None:
            cell = self.read_value(cell)
            if cell is None:
                notes = {"type": f'type is "{self.kind}/default"'}
        if not notes:
            for name, check in self.checks.items():
                if not check(cell):
                    notes = notes or {}
                    notes[name] = f'constraint "{name}" is "{self.constraints[name]}"'
        return cell, notes


class RowReader:
    """frictionless' processing of a row of the right width: which cells it reads when, and its errors.

    frictionless reads the unique fields first, then the primary key, then the rest in field order;
    a key error makes it read the whole row at that moment, and a row whose every cell is missing
    is one blank-row error, in place of the cell errors found until then.
    """

    def __init__(self, readers: list[CellReader], unique: list[str], primary: list[str]):
        self.readers = {reader.name: reader for reader in readers}
        self.unique = unique
        self.primary = primary

    def read(
        self, number: int, cells: list[str], repeated: dict[str, TableError] | None = None, primary: Any = None
    ) -> tuple[list[TableError], dict[str, Any]]:
        """The row's errors in frictionless' order, and its typed values by field name."""
        errors: list[TableError] = []
        values: dict[str, Any] = {}
        blank = 0
        processed = False

        def read_cell(name: str) -> None:
            nonlocal blank
            if name in values:
                return
            reader = self.readers[name]
            source = cells[reader.number - 1]
            value, notes = reader(source)
            type_note = notes.pop("type", None) if notes else None
            if value is None and not type_note:
                blank += 1
            if type_note:
                errors.append(TableError("type-error", type_note, number, str(source), name, reader.number))
            for note in (notes or {}).values():
                errors.append(TableError("constraint-error", note, number, str(source), name, reader.number))
            values[name] = value

        def read_all() -> None:
            nonlocal processed, errors
            if processed:
                return
            for name in self.readers:
                read_cell(name)
            if blank == len(self.readers):
                errors = [TableError("blank-row", "", number)]
            processed = True

        for name in self.unique:
            read_cell(name)
            if repeated and name in repeated:
                read_all()
                errors.append(repeated[name])
        for name in self.primary:
            read_cell(name)
        if primary is not None:
            read_all()
            errors.append(primary)
        read_all()
        return errors, values
