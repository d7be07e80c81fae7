"""The fast path's pipeline: guards, batches, vectorised masks, exact rows, keys, counts."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from portal.fastcheck import casting, cells, constraints, distinct, keys, reading

# Errors listed per resource, like frictionless' default limit; the counts are never limited.
LIMIT = 1000
DIALECT_KEYS = {"delimiter", "quoteChar", "header", "doubleQuote"}
ENCODINGS = {"utf-8", "utf8", "utf-8-sig", "ascii", "us-ascii"}
ROW = "__row__"


@dataclass
class TableResult:
    rows: int = 0
    errors: list[Any] = field(default_factory=list)  # frictionless errors, the first LIMIT in row order
    counts: Counter = field(default_factory=Counter)  # (error type, field name or "") → number
    truncated: bool = False  # more errors than listed

    def count_by_type(self) -> dict[str, int]:
        totals: Counter = Counter()
        for (kind, _), number in self.counts.items():
            totals[kind] += number
        return dict(sorted(totals.items()))

    def count_by_field(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {}
        for (kind, name), number in sorted(self.counts.items()):
            table.setdefault(name, {})[kind] = number
        return table


def _dialect(descriptor: dict[str, Any]) -> dict[str, Any] | str:
    dialect = descriptor.get("dialect") or {}
    if not isinstance(dialect, dict):
        return "le dialecte"
    nested = dialect.get("csv")
    options = {**{k: v for k, v in dialect.items() if k != "csv"}, **(nested if isinstance(nested, dict) else {})}
    if (
        set(options) - DIALECT_KEYS
        or options.get("header", True) is not True
        or options.get("doubleQuote", True) is not True
    ):
        return "des options de dialecte (" + ", ".join(sorted(set(options) - {"delimiter", "quoteChar"})) + ")"
    delimiter = options.get("delimiter", "\t" if descriptor.get("format") == "tsv" else ",")
    quote = options.get("quoteChar", '"')
    if not (isinstance(delimiter, str) and len(delimiter) == 1 and isinstance(quote, str) and len(quote) == 1):
        return "le séparateur ou le guillemet"
    if delimiter == quote or delimiter in "\r\n":
        return "le séparateur"
    return {"delimiter": delimiter, "quotechar": quote}


def unsupported(descriptor: dict[str, Any], path: Path | None, encoding: str | None) -> str | None:
    """Why the fast path leaves this resource to frictionless (in French), or None if it takes it."""
    if path is None:
        return "une ressource distante"
    if (descriptor.get("format") or path.suffix.lstrip(".")).lower() not in {"csv", "tsv"}:
        return "un format autre que CSV"
    if (encoding or "utf-8").lower() not in ENCODINGS:
        return f"l'encodage {encoding}"
    dialect = _dialect(descriptor)
    if isinstance(dialect, str):
        return dialect
    schema = descriptor.get("schema")
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        return "le schéma"
    if schema.get("foreignKeys"):
        return "des clés étrangères"
    fields = schema["fields"]
    if not all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields):
        return "le schéma"
    names = [f["name"] for f in fields]
    if len(set(names)) != len(names):
        return "des champs de même nom"
    missing = schema.get("missingValues", [""])
    if not _strings(missing):
        return "missingValues"
    for item in fields:
        # What the fast path reads exactly (cells.py); anything frictionless might refuse as a schema
        # error goes to frictionless, which says so.
        reason = casting.unsupported_field(item) or cells.schema_problem(item) or _field_options(item)
        if reason:
            return f"{reason} (champ « {item['name']} »)"
        if (item.get("constraints") or {}).get("unique") and item.get("type") == "number":
            return f"« unique » sur un nombre (champ « {item['name']} »)"
    primary = schema.get("primaryKey") or []
    primary = [primary] if isinstance(primary, str) else primary
    if not set(primary) <= set(names):
        return "la clé primaire"
    kinds = {f["name"]: f.get("type", "any") for f in fields}
    if any(kinds[name] == "number" for name in primary):
        # Decimal("1.50") equals Decimal("1.5"): the keys of frictionless' typed values, not of the text.
        return "une clé primaire sur un nombre"
    try:
        labels = reading.header(path, dialect["delimiter"], dialect["quotechar"])
    except (OSError, UnicodeDecodeError, ValueError):
        return "l'en-tête illisible"
    if labels != names:
        return "un en-tête différent des champs du schéma"
    return None


def _strings(values: Any) -> bool:
    return isinstance(values, list) and all(isinstance(value, str) for value in values)


def _field_options(item: dict[str, Any]) -> str | None:
    """The field's other options that the fast path reads: missing, true and false values, example."""
    for key in ("missingValues", "trueValues", "falseValues"):
        if key in item and not _strings(item[key]):
            return key
    for key in ("title", "description", "format", "rdfType"):
        if key in item and not isinstance(item[key], str):
            return key
    if "example" in item:
        # frictionless refuses a schema whose example does not read as a value of a bare field of
        # its type (boolean: with its true and false values).
        keep = ("name", "type", "trueValues", "falseValues") if item.get("type") == "boolean" else ("name", "type")
        bare = {key: item[key] for key in keep if key in item}
        _, notes = cells.CellReader(bare, 1, [""])(item["example"])
        if notes:
            return "l'exemple"
    return None


class _Table:
    """One resource being validated: the schema's expressions, and the reader of the rows they are not sure of."""

    def __init__(self, descriptor: dict[str, Any]):
        schema = descriptor["schema"]
        self.schema = schema
        self.fields: list[dict[str, Any]] = schema["fields"]
        self.names = [f["name"] for f in self.fields]
        primary = schema.get("primaryKey") or []
        self.primary = [primary] if isinstance(primary, str) else list(primary)
        self.unique = [f["name"] for f in self.fields if (f.get("constraints") or {}).get("unique")]
        default_missing = schema.get("missingValues", [""])
        missing_columns, key_columns = [], {}
        # Each field's mask depends on its cell alone; the costly ones (a regex, a parse) may be
        # computed once per distinct value of a batch (``distinct.lookup``).
        self.cell_masks: list[tuple[str, pl.Expr, bool]] = []
        for item in self.fields:
            kind = item.get("type", "any")
            column = pl.col(item["name"])
            missing = column.is_in(item.get("missingValues", default_missing))
            required = bool((item.get("constraints") or {}).get("required"))
            type_ok, value = casting.typed(column, item)
            met = constraints.certainly_met(column, value, item)
            ok = (missing & pl.lit(not required)) | (~missing & type_ok & met)
            costly = kind in {"number", "date", "integer", "year"} or "pattern" in (item.get("constraints") or {})
            self.cell_masks.append((item["name"], ok.fill_null(False), costly))
            missing_columns.append(missing)
            key_columns[item["name"]] = pl.when(missing).then(None).otherwise(keys.canonical_expr(column, value, kind))
        # frictionless reports a row whose cells are all missing as a blank row: frictionless reads it.
        self.blank = pl.all_horizontal(missing_columns)

        self.key_columns = key_columns
        self.key_names = list(dict.fromkeys(self.unique + self.primary))

    def ok(self, frame: pl.DataFrame) -> pl.Expr:
        """True on the rows of this batch whose every cell is certainly valid."""
        masks = [distinct.lookup(frame, name, mask) if costly else mask for name, mask, costly in self.cell_masks]
        return pl.all_horizontal(masks) & ~self.blank

    @cached_property
    def rows(self) -> cells.RowReader:
        """The reader of the rows the masks are not sure of: frictionless' decisions (portal/fastcheck/cells)."""
        missing = self.schema.get("missingValues", [""])
        readers = [cells.CellReader(item, number, missing) for number, item in enumerate(self.fields, start=1)]
        return cells.RowReader(readers, self.unique, self.primary)

    def exact_row(self, number: int, row: list[str]) -> tuple[list[Any], dict[str, Any]]:
        """frictionless' errors for one row's cells, and the typed values of its key fields."""
        found, values = self.rows.read(number, row)
        return found, {name: values[name] for name in self.key_names}

    def replay(self, number: int, row: list[str] | None, repeated: dict[str, Any], primary: Any) -> list[Any]:
        """A row's errors in frictionless' order, once its key errors are known."""
        if row is None:  # a row without cell errors: only its key errors
            return [repeated[name] for name in self.unique if name in repeated] + ([primary] if primary else [])
        return self.rows.read(number, row, repeated, primary)[0]


class Consumer(Protocol):
    """Another check fed by the same batches (the SCDL custom checks): a mask, then its suspects."""

    def mask(self, frame: pl.DataFrame) -> pl.Expr: ...

    def examine(self, suspects: pl.DataFrame) -> None: ...


def validate(
    descriptor: dict[str, Any],
    path: Path,
    batch_bytes: int = reading.BATCH_BYTES,
    consumers: Sequence[Consumer] = (),
) -> TableResult:
    """frictionless' findings on a resource that ``unsupported`` accepts.

    ``consumers`` see each batch too: their masks are computed in the same polars pass as the
    schema's, and they examine the rows their mask is not sure of (row number in ``ROW``).
    """
    dialect = _dialect(descriptor)
    assert isinstance(dialect, dict)
    table = _Table(descriptor)
    batches = reading.batches(path, table.names, dialect["delimiter"], dialect["quotechar"], batch_bytes)
    # Closed here rather than by the garbage collector: a Ctrl-C while the reading thread stops
    # is then raised, not printed and ignored as an exception in a finaliser is.
    with contextlib.closing(reading.prefetched(batches)) as stream:
        return _check_batches(table, consumers, stream)


def _check_batches(
    table: _Table, consumers: Sequence[Consumer], stream: Iterator[tuple[int, pl.DataFrame]]
) -> TableResult:
    """The pass over the batches: cell errors, then key errors once every batch is read."""
    result = TableResult()
    listed_cells: dict[int, tuple[list[str], list[Any]]] = {}  # rows with cell errors, up to LIMIT errors
    listed_count = 0
    key_frames: dict[str, list[pl.DataFrame]] = {name: [] for name in table.unique}
    primary_frames: list[pl.DataFrame] = []
    for first, frame in stream:
        result.rows += frame.height
        # One lazy select: polars computes the masks' shared sub-expressions once, in parallel.
        masks = {"__ok__": table.ok(frame), **{f"__consumer{i}__": c.mask(frame) for i, c in enumerate(consumers)}}
        flags = frame.lazy().select(**masks).collect()
        numbered = frame.with_row_index(ROW, offset=first).with_columns(pl.col(ROW).cast(pl.Int64))
        for index, consumer in enumerate(consumers):
            suspects = flags.get_column(f"__consumer{index}__")
            if not suspects.all():
                consumer.examine(numbered.filter(~suspects))
        ok = flags.get_column("__ok__")
        exact = numbered.filter(~ok) if not ok.all() else numbered.clear()
        exact_keys: dict[str, list[Any]] = {name: [] for name in table.key_names}
        exact_rows: list[int] = []
        for values in exact.select([ROW, *table.names]).iter_rows():
            number, row_cells = values[0], list(values[1:])
            found, typed = table.exact_row(number, row_cells)
            exact_rows.append(number)
            for name in table.key_names:
                exact_keys[name].append(keys.canonical(typed[name]))
            for error in found:
                result.counts[(error.type, getattr(error, "field_name", "") or "")] += 1
            if found and listed_count < LIMIT:
                listed_cells[number] = (row_cells, found)
                listed_count += len(found)
        if not table.key_names:
            continue
        fast = numbered.filter(ok)
        fast_keys = fast.select(pl.col(ROW).alias("row"), **{n: table.key_columns[n] for n in table.key_names})
        exact_frame = pl.DataFrame(
            {"row": exact_rows, **exact_keys},
            schema={"row": pl.Int64, **dict.fromkeys(table.key_names, pl.String)},
        )
        both = pl.concat([fast_keys, exact_frame])
        for name in table.unique:
            key_frames[name].append(both.select("row", pl.col(name).alias("key")))
        if table.primary:
            primary_frames.append(both.select("row", key=keys.primary_key([pl.col(n) for n in table.primary])))
    result.errors, result.truncated = _listed(table, result, listed_cells, key_frames, primary_frames)
    result.counts = Counter({k: v for k, v in result.counts.items() if v})
    return result


def _listed(
    table: _Table,
    result: TableResult,
    listed_cells: dict[int, tuple[list[str], list[Any]]],
    key_frames: dict[str, list[pl.DataFrame]],
    primary_frames: list[pl.DataFrame],
) -> tuple[list[Any], bool]:
    """The first LIMIT errors in frictionless' order; the key errors are counted here."""
    repeated: dict[int, dict[str, Any]] = {}
    for name in table.unique:
        if not key_frames[name]:
            continue
        found = keys.repeated(pl.concat(key_frames[name]))
        result.counts[("unique-error", name)] += found.height
        number = table.names.index(name) + 1
        for row, key, previous in found.select("row", "key", "previous").head(LIMIT).iter_rows():
            note = f"the same as in the row at position {previous}"
            error = cells.TableError("unique-error", note, row, str(key), name, number)
            repeated.setdefault(row, {})[name] = error
    primary: dict[int, Any] = {}
    if primary_frames:
        frame = pl.concat(primary_frames)
        empty = frame.filter(pl.col("key").is_null()).sort("row")
        found = keys.repeated(frame)
        result.counts[("primary-key", "")] += empty.height + found.height
        note = 'cells composing the primary keys are all "None"'
        for (row,) in empty.select("row").head(LIMIT).iter_rows():
            primary[row] = cells.TableError("primary-key", note, row)
        for row, previous in found.select("row", "previous").head(LIMIT).iter_rows():
            note_repeated = f"the same as in the row at position {previous}"
            primary[row] = cells.TableError("primary-key", note_repeated, row)
    errors: list[Any] = []
    for number in sorted(set(listed_cells) | set(repeated) | set(primary)):
        if len(errors) >= LIMIT:
            break
        row_cells, found = listed_cells.get(number, (None, []))
        if number not in repeated and number not in primary:
            errors += found  # read in frictionless' order already (exact_row)
            continue
        errors += table.replay(number, row_cells, repeated.get(number, {}), primary.get(number))
    total = sum(result.counts.values())
    return errors[:LIMIT], total > min(len(errors), LIMIT)
