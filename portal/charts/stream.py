"""Chart data from a table of any size: read once, in chunks, for every view drawn from it.

The frames are those of ``chart_data`` over the whole table (same rows, order, dtypes, values,
so the content hash of a cached chart does not change), in memory bounded by one chunk and the
charts themselves:

- without aggregate, the filtered rows are kept until there are more than MAX_ROWS: then the
  view is refused (TooManyRows) without reading further;
- with aggregate, each chunk adds to a partial aggregate per group, and more than MAX_ROWS
  groups refuse the view as soon as they appear. Sums of integers, counts, minima and maxima
  combine exactly; sums of decimals and means repeat pandas' own compensated (Kahan) summation
  row after row, so that they match to the last bit; a median keeps the values of its groups
  (one number a row, the only cost that grows with the table).

A table up to CHUNK_BYTES is read whole and charted by ``chart_data`` itself, as before.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from portal.charts.data import (
    UNIT_COLUMNS,
    TooManyRows,
    aggregated,
    aggregates,
    chart_data,
    columns_used,
    filtered,
    finished,
    group_keys,
    read_chunks,
    read_table,
    unit_from,
    unit_of,
)
from portal.charts.declaration import MAX_ROWS, View

CHUNK_BYTES = 16 * 1024 * 1024  # of CSV text a chunk holds, about
SAMPLE_BYTES = 1024 * 1024  # read to estimate the rows of a chunk
MIN_CHUNK_ROWS = 16
READ_ERRORS = (OSError, ValueError, UnicodeDecodeError, TypeError)
COMPACT_PIECES = 16  # a median's values, per group, are joined into one array beyond this many pieces


class UnreadableTable(ValueError):
    """The table could not be read (its parsing or typing failed): the reason is the cause."""

    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


@dataclass
class Outcome:
    data: pd.DataFrame | None = None
    unit: str | None = None
    error: Exception | None = None


def chunk_rows(path: Path) -> int | None:
    """Rows per chunk, from the density of the file's first MiB; None for a table read whole."""
    if path.stat().st_size <= CHUNK_BYTES:
        return None
    with path.open("rb") as stream:
        sample = stream.read(SAMPLE_BYTES)
    return max(MIN_CHUNK_ROWS, CHUNK_BYTES * max(sample.count(b"\n"), 1) // max(len(sample), 1))


@dataclass
class Table:
    """A resource as its charts read it; ``chart(view)`` gives the view's rows and number format.

    The first call reads the table once for all ``views`` and keeps only their results."""

    path: Path
    resource: dict[str, Any]
    views: list[View]
    encoding: str = "utf-8-sig"
    rows: int | None = None  # rows per chunk (None: from the file's size)
    _outcomes: dict[int, Outcome] = field(default_factory=dict, repr=False)

    def chart(self, view: View) -> tuple[pd.DataFrame, str]:
        """As chart_data and unit_of over the whole table; TooManyRows, UnreadableTable or the view's error."""
        if id(view) not in self._outcomes:
            views = self.views if not self._outcomes and any(v is view for v in self.views) else [view]
            self._outcomes.update(self._read(views))
        outcome = self._outcomes[id(view)]
        if outcome.error is not None:
            raise outcome.error
        return outcome.data, outcome.unit

    def _read(self, views: list[View]) -> dict[int, Outcome]:
        columns = columns_used(views)
        try:
            rows = self.rows or chunk_rows(self.path)
            if rows is None:
                return self._read_whole(views, columns)
            chunks = read_chunks(self.path, self.resource, self.encoding, columns, rows)
            first = next(chunks, None)
            second = next(chunks, None) if first is not None else None
        except READ_ERRORS as error:
            return {id(view): Outcome(error=UnreadableTable(error)) for view in views}
        if second is None:  # one chunk: the whole table, charted as before
            chunks.close()
            if first is None:
                return self._read_whole(views, columns)
            return {id(view): in_memory(view, first) for view in views}
        streams = [Stream(view) for view in views]
        try:
            for chunk in itertools.chain([first, second], chunks):
                for stream in streams:
                    if stream.error is None:
                        stream.feed(chunk)
                if all(stream.error is not None for stream in streams):
                    break  # every view refused: the rest of the table changes nothing
        except READ_ERRORS as error:
            for stream in streams:
                stream.error = stream.error or UnreadableTable(error)
        finally:
            chunks.close()
        return {id(stream.view): stream.outcome() for stream in streams}

    def _read_whole(self, views: list[View], columns: set[str] | None) -> dict[int, Outcome]:
        try:
            whole = read_table(self.path, self.resource, self.encoding, columns)
        except READ_ERRORS as error:
            return {id(view): Outcome(error=UnreadableTable(error)) for view in views}
        return {id(view): in_memory(view, whole) for view in views}


def in_memory(view: View, frame: pd.DataFrame) -> Outcome:
    try:
        return Outcome(chart_data(view, frame), unit_of(view, frame))
    except Exception as error:  # noqa: BLE001 — kept for this view, raised when it is drawn
        return Outcome(error=error)


class Stream:
    """One view's chart data as the chunks pass: its rows or its groups, and its units."""

    def __init__(self, view: View):
        self.view = view
        self.rows = Groups(view) if aggregates(view) else Rows(view)
        self.units = None if view.format else Units()
        self.error: Exception | None = None

    def feed(self, chunk: pd.DataFrame) -> None:
        try:
            kept = filtered(self.view, chunk)
            self.rows.feed(kept)
            if self.units is not None:
                self.units.feed(kept)
        except Exception as error:  # noqa: BLE001 — the view's own error (TooManyRows, a missing column…)
            self.error = error

    def outcome(self) -> Outcome:
        if self.error is not None:
            return Outcome(error=self.error)
        try:
            data = finished(self.view, self.rows.frame())
        except Exception as error:  # noqa: BLE001
            return Outcome(error=error)
        return Outcome(data, self.view.format or self.units.unit())


class Rows:
    """A view without aggregate: its filtered rows, refused as soon as they are more than MAX_ROWS."""

    def __init__(self, view: View):
        self.columns = view.fields or None
        self.parts: list[pd.DataFrame] = []
        self.empty: pd.DataFrame | None = None
        self.count = 0

    def feed(self, frame: pd.DataFrame) -> None:
        frame = frame if self.columns is None else frame[self.columns]
        if self.empty is None:
            self.empty = frame.iloc[0:0]
        if len(frame):
            self.parts.append(frame)
            self.count += len(frame)
        if self.count > MAX_ROWS:
            raise TooManyRows(self.count)

    def frame(self) -> pd.DataFrame:
        return pd.concat(self.parts) if self.parts else self.empty


class Units:
    """The distinct values of each unit column among the filtered rows (two are enough to know)."""

    def __init__(self):
        self.seen: dict[str, set[Any]] = {}

    def feed(self, frame: pd.DataFrame) -> None:
        for column in UNIT_COLUMNS:
            if column in frame.columns:
                seen = self.seen.setdefault(column, set())
                if len(seen) < 2:
                    seen.update(frame[column].dropna().unique())
                    self.seen[column] = set(itertools.islice(seen, 2))

    def unit(self) -> str:
        return unit_from(self.seen)


class Groups:
    """An aggregated view: its groups in order of first appearance, and a partial aggregate of each."""

    def __init__(self, view: View):
        self.view = view
        self.keys = group_keys(view)
        self.value = view.value_field
        self.how = view.aggregate
        self.codes: dict[tuple, int] = {}
        self.firsts: list[pd.DataFrame] = []  # the keys of each group's first row
        self.empty: pd.DataFrame | None = None
        self.method: str | None = None
        self.dtype: Any = None
        self.counts = np.zeros(0, dtype=np.int64)  # count; rows with a value for kahan
        self.sums: list[float] = []
        self.compensations: list[float] = []
        self.partial: pd.Series | None = None  # sum of integers, min, max (or any pandas aggregate)
        self.values: dict[int, list[np.ndarray]] = {}  # median

    def feed(self, frame: pd.DataFrame) -> None:
        if self.empty is None:
            self.empty = frame.iloc[0:0]
        values = frame[self.value]
        local = frame.groupby(self.keys, sort=False, dropna=False).ngroup().to_numpy()
        if not len(local):
            return
        codes = self._global_codes(frame, local)
        if self.method is None:
            self.method, self.dtype = _method(self.how, values.dtype), values.dtype
        if self.method == "count":
            self.counts = _grown(self.counts, len(self.codes))
            self.counts += np.bincount(codes, minlength=len(self.codes))
        elif self.method == "kahan":
            self._kahan(codes, values)
        elif self.method == "median":
            self._collect(codes, values)
        else:
            partial = values.groupby(codes).agg(self.how)
            combined = partial if self.partial is None else pd.concat([self.partial, partial])
            self.partial = combined.groupby(level=0).agg(self.how)

    def _global_codes(self, frame: pd.DataFrame, local: np.ndarray) -> np.ndarray:
        """Each row's group number across chunks (numbered in order of first appearance)."""
        seen, first_rows = np.unique(local, return_index=True)
        keys = frame[self.keys].iloc[first_rows]
        mapping = np.empty(seen.max() + 1, dtype=np.intp)
        fresh = []
        for position, (code, key) in enumerate(zip(seen, keys.itertuples(index=False, name=None), strict=True)):
            key = tuple(pd.NA if isinstance(part, float) and part != part else part for part in key)
            number = self.codes.get(key)
            if number is None:
                number = self.codes[key] = len(self.codes)
                fresh.append(position)
            mapping[code] = number
        if fresh:
            # First appearances in row order: np.unique sorted them by local code, which pandas
            # numbers in order of appearance, so the order is kept.
            self.firsts.append(keys.iloc[fresh])
        if len(self.codes) > MAX_ROWS:
            raise TooManyRows(len(self.codes))
        return mapping[local]

    def _kahan(self, codes: np.ndarray, values: pd.Series) -> None:
        """pandas' groupby sum and mean, continued across chunks: the same additions in the same order."""
        groups = len(self.codes)
        self.sums += [0.0] * (groups - len(self.sums))
        self.compensations += [0.0] * (groups - len(self.compensations))
        self.counts = _grown(self.counts, groups)
        present = ~values.isna().to_numpy()
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)[present]
        codes = codes[present]
        sums, compensations = self.sums, self.compensations
        for code, number in zip(codes.tolist(), numbers.tolist(), strict=True):
            total = sums[code]
            y = number - compensations[code]
            t = total + y
            compensation = t - total - y
            compensations[code] = 0.0 if compensation != compensation else compensation  # an infinity
            sums[code] = t
        self.counts += np.bincount(codes, minlength=groups)

    def _collect(self, codes: np.ndarray, values: pd.Series) -> None:
        present = ~values.isna().to_numpy()
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)[present]
        codes = codes[present]
        if not len(codes):
            return
        order = np.argsort(codes, kind="stable")
        codes, numbers = codes[order], numbers[order]
        bounds = np.flatnonzero(np.diff(codes)) + 1
        for code, piece in zip(codes[np.r_[0, bounds]].tolist(), np.split(numbers, bounds), strict=True):
            pieces = self.values.setdefault(code, [])
            pieces.append(piece)
            if len(pieces) > COMPACT_PIECES:
                self.values[code] = [np.concatenate(pieces)]

    def frame(self) -> pd.DataFrame:
        """One row per group, as ``aggregated`` gives it over the whole table."""
        if not self.codes:
            return aggregated(self.view, self.empty)
        frame = pd.concat(self.firsts).reset_index(drop=True)
        frame[self.value] = self._aggregates(len(self.codes))
        return frame

    def _aggregates(self, groups: int) -> Any:
        if self.method == "count":
            # pandas counts in the value column's kind: Int64 for a typed column, int64 for text.
            return pd.array(self.counts).astype(aggregated(self.view, self.empty)[self.value].dtype)
        if self.method == "kahan":
            if self.how == "sum":
                return pd.array(self.sums, dtype=self.dtype)
            means = [
                total / count if count else None for total, count in zip(self.sums, self.counts.tolist(), strict=True)
            ]
            return pd.array(means, dtype="Float64")
        if self.method == "median":
            return pd.array([_median(self.values.get(code)) for code in range(groups)], dtype="Float64")
        return self.partial.array


def _method(how: str, dtype: Any) -> str:
    """How a view's aggregate combines across chunks, given its value column's type."""
    numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    if how == "count":
        return "count"
    if numeric and (how == "mean" or (how == "sum" and pd.api.types.is_float_dtype(dtype))):
        return "kahan"
    if numeric and how == "median":
        return "median"
    return "pandas"  # exact by parts: sum of integers, min, max


def _grown(array: np.ndarray, size: int) -> np.ndarray:
    return array if len(array) >= size else np.concatenate([array, np.zeros(size - len(array), dtype=array.dtype)])


def _median(pieces: list[np.ndarray] | None) -> float | None:
    """The median as pandas computes it: the middle value, or the mean of the two middle ones."""
    if not pieces:
        return None
    values = np.sort(np.concatenate(pieces))
    middle = len(values) // 2
    return float(values[middle]) if len(values) % 2 else float((values[middle - 1] + values[middle]) / 2)
