"""Personal data: columns whose values look like e-mail addresses, French phone numbers or NIR.

Large files are sampled: the check reads at most ``Options.sample_rows`` rows per resource, and only the
bytes of those rows. ``scan`` is the reference: Python's csv module cuts the cells and ``kind_of`` judges
each one. ``fast_scan`` finds exactly the same things several times faster on a local UTF-8 file: it reads
the sample in batches of whole lines (memory holds one batch, whatever the sample's size), polars cuts
the cells, one vectorised regex keeps the cells that could be personal data, and polars expressions judge
those as ``kind_of`` does. A file polars might read otherwise than the csv module (another encoding, a
quoted cell that spans lines or a stray quote, a lone carriage return, a line with more cells than the
first, an overlong cell, a polars error) is read by ``scan``.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, BinaryIO

from portal.checks.base import Context
from portal.files import BOM, ResourceFile, csv_cell_pattern, csv_dialect, rust_char
from portal.problems import Problem, problem

if TYPE_CHECKING:  # polars is imported where the fast path runs: importing the checks stays quick
    import polars as pl

NAME = "personal-data"

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(r"^(?:(?:\+|00)33\s?(?:\(0\))?|0)\s?[1-9](?:[\s.-]?\d{2}){4}$")
NIR = re.compile(r"^([12])\s?(\d{2})\s?(0[1-9]|1[0-2]|[2-9]\d)\s?(\d{2}|2A|2B)\s?(\d{3})\s?(\d{3})(?:\s?(\d{2}))?$")
KINDS = {"email": "adresses électroniques", "phone": "numéros de téléphone", "nir": "numéros de sécurité sociale (NIR)"}


def nir_valid(value: str) -> bool:
    """A NIR: sex, year, month, place, order, and the key 97 - (number mod 97) when present."""
    match = NIR.match(value.strip())
    if not match:
        return False
    number = "".join(match.groups()[:6])
    key = match.group(7)
    if key is None:
        return True
    numeric = int(number.replace("2A", "19").replace("2B", "18"))
    return int(key) == 97 - numeric % 97


def kind_of(value: str) -> str | None:
    value = value.strip()
    if not value or len(value) > 320:
        return None
    # Cheap exits first (a large file has hundreds of thousands of cells): an address has an @,
    # a phone number starts with + or 0, a NIR with 1 or 2.
    if "@" in value and EMAIL.search(value):
        return "email"
    if value[0] not in "+012":
        return None
    if PHONE.match(value):
        return "phone"
    if nir_valid(value):
        return "nir"
    return None


def scan(resource_file: ResourceFile, limit: int) -> tuple[dict[tuple[str, str], int], int, bool]:
    """Counts of suspicious values per (column, kind), rows read, and whether the file was sampled."""
    dialect = csv_dialect(resource_file.descriptor)
    counts: Counter[tuple[str, str]] = Counter()
    rows = 0
    with resource_file.path.open(encoding=resource_file.encoding, errors="replace", newline="") as stream:
        reader = csv.reader(stream, delimiter=dialect["delimiter"], quotechar=dialect["quotechar"])
        header = next(reader, []) if dialect["header"] else []
        for row in reader:
            if rows >= limit:
                return counts, rows, True
            rows += 1
            for index, value in enumerate(row):
                kind = kind_of(value)
                if kind:
                    counts[(column_name(header, index), kind)] += 1
    return counts, rows, False


def column_name(header: list[str], index: int) -> str:
    return header[index] if index < len(header) and header[index] else f"colonne {index + 1}"


# --- the fast path: polars -------------------------------------------------------------------

# What Python's str.strip() and re's \s take for whitespace. Rust's list (polars) leaves out
# \x1c-\x1f, so the polars expressions spell this one out.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
BATCH_BYTES = 4 << 20  # the lines parsed at once: memory holds a few times this, whatever the sample size
BLOCK_BYTES = 1 << 20  # read at once: the sample's last block is read past its end by less than this
LONE_CARRIAGE_RETURN = re.compile(rb"\r(?!\n)")
NOT_SURE = "?"  # the provisional kind of a cell left to kind_of
FEW_SUSPECTS = 500  # fewer suspect cells in a batch are classified by kind_of itself: quicker than polars


SPACE = "[" + "".join(map(rust_char, WHITESPACE)) + "]"
ASCII_DIGIT = "[0-9]"
ANY_DIGIT = r"\p{Nd}"


def _for_polars(pattern: re.Pattern[str], digit: str) -> str:
    """A kind_of pattern in Rust's syntax, without anchors: Python's \\s spelled out, \\d read as ``digit``."""
    body = pattern.pattern.removeprefix("^").removesuffix("$")
    return body.replace(r"\s", SPACE).replace(r"\d", digit)


PHONE_POLARS = f"^{_for_polars(PHONE, ASCII_DIGIT)}$"
NIR_POLARS = f"^{_for_polars(NIR, ASCII_DIGIT)}$"
# Rust's \p{Nd} holds every digit Python's \d knows (its Unicode is newer): SUSPECT keeps every cell
# kind_of could flag as a phone number or a NIR, and a few more that the exact expressions reject.
SUSPECT = f"^{SPACE}*(?:{_for_polars(PHONE, ANY_DIGIT)}|{_for_polars(NIR, ANY_DIGIT)}){SPACE}*$"
SUSPECT_OR_EMAIL = f"{SUSPECT}|{EMAIL.pattern}"
OTHER_DIGIT = r"[\p{Nd}--0-9]"  # Arabic-Indic, full-width… digits: such cells are left to kind_of


def fast_scan(
    resource_file: ResourceFile, limit: int, *, batch_bytes: int = BATCH_BYTES
) -> tuple[dict[tuple[str, str], int], int, bool] | None:
    """``scan``'s result computed with polars, or None when the file must be read by ``scan``."""
    dialect = csv_dialect(resource_file.descriptor)
    if not _polars_can_read(resource_file, dialect):
        return None
    counts: Counter[tuple[int, str]] = Counter()
    rows = 0
    with resource_file.path.open("rb") as stream:
        header = (
            _header(stream, resource_file.encoding, dialect) if dialect["header"] else _skip_bom(stream, resource_file)
        )
        if header is None:
            return None
        for batch, lines in sample_batches(stream, limit, batch_bytes):
            cells = _cells(batch, lines, dialect)
            if cells is None:
                return None
            counts.update(_kinds(_suspects(cells, emails=b"@" in batch)))
            rows += cells.height
        sampled = _row_follows(stream, dialect)
    if sampled is None:
        return None
    named: Counter[tuple[str, str]] = Counter()
    for (index, kind), count in counts.items():
        named[(column_name(header, index), kind)] += count
    return named, rows, sampled


def _polars_can_read(resource_file: ResourceFile, dialect: dict) -> bool:
    """A local UTF-8 file whose delimiter and quote polars takes (single bytes that do not end lines)."""
    if resource_file.path is None:
        return False
    try:
        codec = codecs.lookup(resource_file.encoding).name
    except LookupError:
        return False
    delimiter, quote = dialect["delimiter"], dialect["quotechar"]
    return (
        codec in {"utf-8", "utf-8-sig"}
        and delimiter.isascii()
        and quote.isascii()
        and delimiter != quote
        and not {delimiter, quote} & {"\r", "\n"}
    )


def _records(text: str, dialect: dict) -> list[list[str]]:
    return list(
        csv.reader(io.StringIO(text, newline=""), delimiter=dialect["delimiter"], quotechar=dialect["quotechar"])
    )


def _header(stream: BinaryIO, encoding: str, dialect: dict) -> list[str] | None:
    """The header's names as ``scan`` reads them, or None when the header is not one plain line."""
    text = stream.readline().decode(encoding, errors="replace")
    try:
        records = _records(text, dialect)
    except csv.Error:
        return None
    if len(records) > 1 or any("\n" in name for record in records for name in record):
        return None  # a lone carriage return ends the header early, or a quoted name spans lines
    return records[0] if records else []


def _skip_bom(stream: BinaryIO, resource_file: ResourceFile) -> list[str]:
    """No header: step over a BOM as the utf-8-sig codec does."""
    if codecs.lookup(resource_file.encoding).name != "utf-8-sig" or stream.read(len(BOM)) != BOM:
        stream.seek(0)
    return []


def sample_batches(stream: BinaryIO, lines: int, batch_bytes: int = BATCH_BYTES) -> Iterator[tuple[bytes, int]]:
    """The next ``lines`` lines of a binary stream (fewer at its end): batches of whole lines, and their count.

    Blocks are read until the sample's last line end, and what follows it is given back: the stream is
    left just after the sample, and memory holds one batch whatever the sample's size.
    """
    parts: list[bytes] = []  # the batch being gathered
    size = count = 0
    while lines > 0:
        block = stream.read(min(BLOCK_BYTES, batch_bytes))
        if not block:
            break
        ends = block.count(b"\n")
        if ends >= lines:
            cut = len(block) - len(block.split(b"\n", lines)[-1])  # just after the last line wanted
            stream.seek(cut - len(block), io.SEEK_CUR)
            parts.append(block[:cut])
            count += lines
            break
        parts.append(block)
        size, count, lines = size + len(block), count + ends, lines - ends
        if size >= batch_bytes and ends:
            cut = block.rfind(b"\n") + 1
            parts[-1] = block[:cut]
            yield b"".join(parts), count
            parts, size, count = [block[cut:]], len(block) - cut, 0
    batch = b"".join(parts)
    if batch:
        yield batch, count + (not batch.endswith(b"\n"))  # the file's last line may have no line end


def _cells(batch: bytes, lines: int, dialect: dict) -> pl.DataFrame | None:
    """The batch's cells as strings, one row per line; None when polars might cut them otherwise than csv."""
    import polars as pl

    if b"\r" in batch and LONE_CARRIAGE_RETURN.search(batch):
        return None  # the csv module ends a row at a lone carriage return, polars does not
    quote = dialect["quotechar"]
    quoted = quote.encode() in batch
    width = _width(batch, dialect)
    if width is None or (quoted and not _well_quoted(batch, dialect)):
        return None
    # polars drops a BOM that starts its input, the csv module keeps it in the first cell: a line of empty
    # cells put first (and dropped after) keeps it for polars too
    bom = batch.startswith(BOM)
    if bom:
        batch = dialect["delimiter"].encode() * (width - 1) + b"\n" + batch
    try:
        cells = pl.read_csv(
            io.BytesIO(batch),
            has_header=False,
            schema={f"c{index}": pl.String for index in range(width)},
            separator=dialect["delimiter"],
            quote_char=quote if quoted else None,
            infer_schema=False,
            empty_string_is_null=False,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError:
        return None  # a line longer than the first, invalid UTF-8…
    if bom:
        cells = cells.slice(1)
    if cells.height != lines:
        return None
    longest = cells.select(pl.max_horizontal(pl.all().str.len_bytes().max())).item() or 0
    if longest > csv.field_size_limit():
        return None  # the csv module refuses such a cell (csv.Error)
    return cells


def _width(batch: bytes, dialect: dict) -> int | None:
    """The number of cells of the batch's first line (polars reads each line to that width)."""
    first_line = batch[: batch.find(b"\n") + 1] or batch
    try:
        records = _records(first_line.decode("utf-8"), dialect)
    except (UnicodeDecodeError, csv.Error):
        return None
    return max(1, len(records[0])) if records else 1


def _well_quoted(batch: bytes, dialect: dict) -> bool:
    """Whether every line is made of plain cells and properly quoted ones that do not span lines.

    On such lines polars and the csv module agree; a stray quote ("ab"c, a"b) is read differently.
    """
    import polars as pl

    # A carriage return inside quotes is a lone one here (\n ends the line): _cells has refused those.
    cell = csv_cell_pattern(dialect["delimiter"], dialect["quotechar"])
    line = f"{cell}(?:{rust_char(dialect['delimiter'])}{cell})*\\r?"
    try:
        return pl.Series([batch]).cast(pl.String).str.contains(f"\\A(?:{line}\\n)*{line}\\z").item()
    except pl.exceptions.PolarsError:
        return False  # invalid UTF-8


def _suspects(cells: pl.DataFrame, emails: bool) -> pl.DataFrame:
    """(column, value) of the cells that may hold personal data: all those kind_of flags, and a few more."""
    import polars as pl

    pattern = SUSPECT_OR_EMAIL if emails else SUSPECT
    found = cells.select(pl.all().str.contains(pattern).fill_null(False))
    parts = [
        cells.select(column=pl.lit(index, pl.UInt32), value=pl.col(name)).filter(found[name])
        for index, name in enumerate(cells.columns)
        if found[name].any()
    ]
    return pl.concat(parts) if parts else pl.DataFrame(schema={"column": pl.UInt32, "value": pl.String})


def _kinds(suspects: pl.DataFrame) -> Counter[tuple[int, str]]:
    """kind_of's verdicts on the suspect cells, counted per (column, kind)."""
    import polars as pl

    if suspects.height <= FEW_SUSPECTS:
        return _kinds_by_python(suspects.iter_rows())
    value = pl.col("value").str.strip_chars(WHITESPACE)
    length = value.str.len_chars()
    kind = (
        pl.when((length == 0) | (length > 320))
        .then(None)
        .when(value.str.contains(EMAIL.pattern))
        .then(pl.lit("email"))
        .when(value.str.contains(OTHER_DIGIT))
        .then(pl.lit(NOT_SURE))
        .when(value.str.contains(PHONE_POLARS))
        .then(pl.lit("phone"))
        .when(value.str.contains(NIR_POLARS))
        .then(pl.lit("nir"))
    )
    flagged = suspects.with_columns(kind=kind).filter(pl.col("kind").is_not_null())
    # The NIR key costs more than all the patterns: it is checked on the values shaped like a NIR only.
    nir = pl.col("kind") == "nir"
    sure = pl.concat([flagged.filter(~nir), flagged.filter(nir).filter(_nir_key_valid(value))])
    counts: Counter[tuple[int, str]] = Counter()
    for column, found, count in sure.filter(pl.col("kind") != NOT_SURE).group_by("column", "kind").len().iter_rows():
        counts[(column, found)] += count
    return counts + _kinds_by_python(sure.filter(pl.col("kind") == NOT_SURE).select("column", "value").iter_rows())


def _kinds_by_python(cells: Iterable[tuple[int, str]]) -> Counter[tuple[int, str]]:
    return Counter((column, kind) for column, value in cells if (kind := kind_of(value)))


def _nir_key_valid(value: pl.Expr) -> pl.Expr:
    """nir_valid's key check, on values the NIR pattern matches: 97 - (number mod 97), when a key is given."""
    import polars as pl

    characters = value.str.replace_all(SPACE, "")  # the 13 of the number (2A or 2B for Corsica), then the key
    number = characters.str.slice(0, 13).str.replace("2A", "19", literal=True).str.replace("2B", "18", literal=True)
    key = characters.str.slice(13).cast(pl.Int64, strict=False)  # "" (no key) reads as null
    return key.is_null() | (key == 97 - number.cast(pl.Int64, strict=False) % 97)


def _row_follows(stream: BinaryIO, dialect: dict) -> bool | None:
    """Whether a row follows the sample, read as ``scan`` reads it; None when the csv module refuses it."""
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline="")
    try:
        return next(csv.reader(text, delimiter=dialect["delimiter"], quotechar=dialect["quotechar"]), None) is not None
    except csv.Error:
        return None
    finally:
        text.detach()  # the stream stays the caller's to close


def run(context: Context) -> Iterator[Problem]:
    for resource_file in context.files:
        if resource_file.path is None or not resource_file.tabular or not resource_file.readable:
            continue
        try:
            limit = context.options.sample_rows
            counts, rows, sampled = fast_scan(resource_file, limit) or scan(resource_file, limit)
        except csv.Error:
            continue  # malformed CSV: the structure check reports it
        scope = f"sur les {rows} premières lignes lues" if sampled else f"sur {rows} lignes"
        for (column, kind), count in sorted(counts.items()):
            yield problem(
                "personal-data",
                f"{resource_file.label} : la colonne « {column} » contient {count} valeur(s) qui "
                f"ressemblent à des {KINDS[kind]} ({scope}).",
                "Retirez ou pseudonymisez ces données personnelles avant publication (RGPD), "
                "sauf si leur diffusion est prévue par la loi.",
                file=resource_file.label,
                field=column,
            )
