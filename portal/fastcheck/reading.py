"""Reading a CSV in batches of whole lines, with the structural guards of the fast path.

A batch is a slice of the file cut at a line end, parsed by polars as strings. The fast path
refuses (``Unsupported``) what polars would read differently from frictionless: a line whose
cells do not match the header's count (extra or missing cells), a blank line, a quoted cell that
spans lines. Memory holds one batch at a time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import polars as pl

BATCH_BYTES = 8 * 1024 * 1024


class Unsupported(Exception):
    """The resource is one the fast path leaves to frictionless; the message says why."""


def header(path: Path, delimiter: str, quotechar: str) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return next(csv.reader(stream, delimiter=delimiter, quotechar=quotechar), [])


def _check_lines(body: bytes, width: int, delimiter: str, quotechar: str) -> int:
    """The number of lines of a batch, once they are known to hold ``width`` cells each."""
    expected = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
    try:
        lines = pl.read_csv(
            io.BytesIO(body),
            has_header=False,
            separator="\x1f",
            quote_char=None,
            infer_schema=False,
            new_columns=["line"],
            empty_string_is_null=False,
            raise_if_empty=False,
        )
    except Exception as exception:  # noqa: BLE001 — polars' errors: the fast path steps aside
        if "utf-8" in str(exception).lower():
            raise Unsupported("le fichier n'est pas en UTF-8") from exception
        raise Unsupported(f"lecture des lignes : {exception}") from exception
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
        raise Unsupported("une ligne n'a pas autant de cellules que d'en-têtes")
    quoted_lines = lines.select(line=line).filter(quoted)["line"].to_list() if flags["quoted"] else []
    for line in quoted_lines:
        if line.count(quotechar) % 2:
            raise Unsupported("une cellule entre guillemets s'étend sur plusieurs lignes")
        cells = next(csv.reader([line], delimiter=delimiter, quotechar=quotechar))
        if len(cells) != width:
            raise Unsupported("une ligne n'a pas autant de cellules que d'en-têtes")
    return expected


def batches(
    path: Path, names: list[str], delimiter: str, quotechar: str, batch_bytes: int = BATCH_BYTES
) -> Iterator[tuple[int, pl.DataFrame]]:
    """(row number of the batch's first row, the batch's cells as strings); the header is row 1."""
    width = len(names)
    row = 2
    with path.open("rb") as stream:
        stream.readline()  # the header
        rest = b""
        while True:
            chunk = stream.read(batch_bytes)
            data = rest + chunk
            if not chunk:
                cut = len(data)
            else:
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    rest = data
                    continue
            body, rest = data[:cut], data[cut:]
            if body:
                count = _check_lines(body, width, delimiter, quotechar)
                frame = pl.read_csv(
                    io.BytesIO(body),
                    has_header=False,
                    new_columns=names,
                    separator=delimiter,
                    quote_char=quotechar,
                    infer_schema=False,
                    empty_string_is_null=False,
                    raise_if_empty=False,
                )
                if frame.height != count:
                    raise Unsupported("polars ne lit pas autant de lignes que le fichier en compte")
                yield row, frame
                row += frame.height
            if not chunk:
                return
