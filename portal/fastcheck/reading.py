"""Reading a CSV in batches of whole lines, with the structural guards of the fast path.

A batch is a slice of the file cut at a line end, parsed once by polars as strings. The fast path
refuses (``Unsupported``) what polars would read differently from frictionless: a line whose
cells do not match the header's count (extra or missing cells), a blank line, a quoted cell that
spans lines, a carriage return inside a line. Memory holds one batch at a time.

The guards cost little on the common file, one without quotes: polars refuses a line with too many
cells, and a line with too few (a blank line is one) shows in the number of separators. A batch
with quotes is checked line by line.
"""

from __future__ import annotations

import csv
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import polars as pl

from portal.files import csv_cell_pattern, rust_char

BATCH_BYTES = 12 * 1024 * 1024
# How often the two ends of ``prefetched`` look whether the other has stopped, and how long the
# consumer waits for the producer to end (it is a daemon: a batch still being parsed is left).
POLL_SECONDS = 0.05
JOIN_SECONDS = 1.0
T = TypeVar("T")
SHORT_LINE = "une ligne n'a pas autant de cellules que d'en-têtes"


class Unsupported(Exception):
    """The resource is one the fast path leaves to frictionless; the message says why."""


def header(path: Path, delimiter: str, quotechar: str) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return next(csv.reader(stream, delimiter=delimiter, quotechar=quotechar), [])


def _lines(body: bytes) -> int:
    return body.count(b"\n") + (0 if body.endswith(b"\n") else 1)


def _check_lines(body: bytes, width: int, delimiter: str, quotechar: str) -> int:
    """The number of lines of a batch, once they are known to hold ``width`` cells each (line by line)."""
    expected = _lines(body)
    try:
        lines = pl.read_csv(
            body,
            has_header=False,
            separator="\x1f",
            quote_char=None,
            infer_schema=False,
            new_columns=["line"],
            empty_string_is_null=False,
            raise_if_empty=False,
        )
    except Exception as exception:  # noqa: BLE001 — polars' errors: the fast path steps aside
        raise _unsupported(exception) from exception
    if lines.height != expected:
        raise Unsupported("une ligne est vide")
    line = pl.col("line").str.strip_suffix("\r")
    quoted = line.str.contains(quotechar, literal=True)
    flags = lines.select(
        empty=(line.is_null() | (line.str.len_bytes() == 0)).any(),
        ragged=(~quoted & (line.str.count_matches(delimiter, literal=True) != width - 1)).any(),
        quoted=quoted.any(),
    ).row(0, named=True)
    if flags["empty"]:
        raise Unsupported("une ligne est vide")
    if flags["ragged"]:
        raise Unsupported(SHORT_LINE)
    if flags["quoted"]:
        # A line of plain cells and properly quoted ones is cut alike by polars and the csv module;
        # one pattern checks them all, and says whether the line has ``width`` cells.
        odd = lines.select(line=line).filter(quoted & ~line.str.contains(_well_quoted(width, delimiter, quotechar)))
        for text in odd["line"].head(1).to_list():
            if text.count(quotechar) % 2:
                raise Unsupported("une cellule entre guillemets s'étend sur plusieurs lignes")
            if len(next(csv.reader([text], delimiter=delimiter, quotechar=quotechar))) != width:
                raise Unsupported(SHORT_LINE)
            raise Unsupported("un guillemet au milieu d'une cellule")
    return expected


def _well_quoted(width: int, delimiter: str, quotechar: str) -> str:
    """A line of ``width`` cells, each plain (no quote) or quoted with doubled inner quotes (Rust regex)."""
    cell = csv_cell_pattern(delimiter, quotechar)
    return f"^{cell}(?:{rust_char(delimiter)}{cell}){{{width - 1}}}$"


def _unsupported(exception: Exception) -> Unsupported:
    if "utf-8" in str(exception).lower():
        return Unsupported("le fichier n'est pas en UTF-8")
    return Unsupported(f"lecture des lignes : {exception}")


def _parse(body: bytes, names: list[str], delimiter: str, quotechar: str) -> pl.DataFrame:
    """The batch's cells as strings, once its lines are known to be read as frictionless reads them."""
    width = len(names)
    # Without quotes a cell cannot hold a separator or a line end: counting bytes is enough.
    by_line = quotechar.encode() in body or width == 1
    lines = _check_lines(body, width, delimiter, quotechar) if by_line else None
    if b"\r" in body and body.count(b"\r") != body.count(b"\r\n"):
        # Python's csv module ends a line at a lone carriage return; polars does not.
        raise Unsupported("un retour chariot seul dans une ligne")
    try:
        frame = pl.read_csv(
            body,
            has_header=False,
            # An explicit schema: polars then refuses any line with more cells than the header.
            schema=dict.fromkeys(names, pl.String),
            separator=delimiter,
            quote_char=quotechar,
            infer_schema=False,
            empty_string_is_null=False,
            raise_if_empty=False,
        )
    except Exception as exception:  # noqa: BLE001 — polars' errors: the fast path steps aside
        if "more fields" in str(exception) or "not specified in schema" in str(exception):
            raise Unsupported(SHORT_LINE) from exception
        if "not found in CSV" in str(exception):
            _check_lines(body, width, delimiter, quotechar)  # says whether a line is blank or short
            raise Unsupported(SHORT_LINE) from exception
        raise _unsupported(exception) from exception
    if lines is not None:
        if frame.height != lines:
            raise Unsupported("polars ne lit pas autant de lignes que le fichier en compte")
        return frame
    # polars reads a short line (or a blank one) with empty cells at its end: when the last column
    # has an empty cell somewhere, every line must hold exactly width - 1 separators.
    last_cell_empty = (frame.get_column(names[-1]).str.len_bytes() == 0).any()
    if last_cell_empty and body.count(delimiter.encode()) != frame.height * (width - 1):
        _check_lines(body, width, delimiter, quotechar)  # says whether a line is blank or short
        raise Unsupported(SHORT_LINE)
    return frame


def batches(
    path: Path, names: list[str], delimiter: str, quotechar: str, batch_bytes: int = BATCH_BYTES
) -> Iterator[tuple[int, pl.DataFrame]]:
    """(row number of the batch's first row, the batch's cells as strings); the header is row 1."""
    row = 2
    with path.open("rb") as stream:
        stream.readline()  # the header
        while chunk := stream.read(batch_bytes):
            cut = chunk.rfind(b"\n") + 1
            while cut == 0:  # a line longer than a batch: read on to its end
                more = stream.read(batch_bytes)
                if not more:
                    cut = len(chunk)
                    break
                chunk += more
                cut = chunk.rfind(b"\n") + 1
            if cut < len(chunk):
                # The next batch starts at the cut line's beginning: one copy of the bytes, no joining.
                stream.seek(cut - len(chunk), 1)
                chunk = chunk[:cut]
            frame = _parse(chunk, names, delimiter, quotechar)
            yield row, frame
            row += frame.height


def prefetched(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """The items of ``items``, produced by a thread up to ``depth`` ahead.

    polars releases the GIL while it parses: the next batch is read and parsed while this one is
    checked, so the two cores work at once. At most ``depth`` batches wait in memory. Whatever
    ends the producer (``Unsupported``, a ``KeyboardInterrupt``…) is raised here; closing this
    iterator, or an exception here (Ctrl-C), stops the thread. The thread is a daemon, joined for
    at most ``JOIN_SECONDS``: a batch being parsed never holds the command back.
    """
    waiting: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    end = object()

    def offer(item: object) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer(item):
                    return
            offer(end)
        except BaseException as exception:  # noqa: BLE001 — any end, even not an Exception, is the consumer's to raise
            offer(_Raised(exception))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()  # the file being read is closed by the thread that reads it

    thread = threading.Thread(target=produce, name="portal-batches", daemon=True)
    thread.start()
    try:
        while True:
            try:
                item = waiting.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not thread.is_alive() and waiting.empty():
                    raise RuntimeError("le fil de lecture des lignes s'est arrêté sans rien dire") from None
                continue
            if item is end:
                return
            if isinstance(item, _Raised):
                raise item.exception
            yield item
    finally:
        stop.set()
        thread.join(timeout=JOIN_SECONDS)


class _Raised:
    """What ended the producer, told apart from an item that would itself be an exception."""

    def __init__(self, exception: BaseException) -> None:
        self.exception = exception
