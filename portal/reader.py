"""Reading a CSV exported by a spreadsheet, whatever its encoding, separator and line ends.

``read_table`` decodes safely (UTF-8, with or without BOM, UTF-16 with BOM, else Windows-1252
or Latin-1, never a mix of them), finds the separator among ``,`` ``;`` tab and ``|``, and
returns the rows as text; what cannot be read raises ``UnreadableInput`` with one French
sentence naming the file and the fix. ``tidy`` then evens out the shape of the table.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from portal.files import special_kind

BOM = b"\xef\xbb\xbf"
# In sniffing order: on a tie, « ; » wins, since French numbers use the comma.
DELIMITERS = {";": "point-virgule « ; »", ",": "virgule « , »", "\t": "tabulation", "|": "barre verticale « | »"}
SNIFF_ROWS = 50
# The limits of what portal new reads (documented in portal/site/docs/guide/publier-vos-donnees.md): a
# spreadsheet export is well within them, and the whole table is held in memory to be converted.
MAX_INPUT_BYTES = 100 * 1024 * 1024
MAX_COLUMNS = 4096
# "é" written in UTF-8 then read as Windows-1252 gives "Ã©": a file holding such pairs and
# bytes that are not UTF-8 mixes two encodings, and no single decoding would be right.
UTF8_ACCENT = re.compile(rb"\xc3[\x80-\xbf]")
CP1252_ONLY = re.compile(rb"[\x80-\x9f]")


class UnreadableInput(Exception):
    """The input cannot be read as a table; the message names the file and the fix."""


@dataclass
class RawTable:
    encoding: str  # the codec used to decode
    encoding_label: str  # in French, for the report
    delimiter: str
    line_ends: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int]  # each row's number in the file, as a spreadsheet counts them (the header is 1)


def decode(raw: bytes, shown: str) -> tuple[str, str, str]:
    """The text, the codec and a French label for the encoding of a spreadsheet export."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16", "UTF-16 (texte Unicode du tableur)"
        except UnicodeDecodeError:
            raise UnreadableInput(
                f"{shown} commence comme un texte UTF-16 mais ne se décode pas : exportez-le à nouveau en « CSV UTF-8 »."
            ) from None
    try:
        if raw.startswith(BOM):
            return raw[len(BOM) :].decode("utf-8"), "utf-8-sig", "UTF-8 avec BOM"
        return raw.decode("utf-8"), "utf-8", "UTF-8"
    except UnicodeDecodeError as error:
        if UTF8_ACCENT.search(raw):
            line = raw[: error.start].count(b"\n") + 1
            raise UnreadableInput(
                f"{shown} mélange deux encodages (UTF-8, et autre chose ligne {line}) : ouvrez-le dans le "
                "tableur et enregistrez-le en « CSV UTF-8 »."
            ) from None
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1", "Latin-1 (ISO-8859-1)"
    if CP1252_ONLY.search(raw):
        return text, "cp1252", "Windows-1252"
    return text, "cp1252", "Latin-1 (ISO-8859-1) ou Windows-1252, identiques pour ce fichier"


def line_ends(text: str) -> str:
    """How lines end, in French: ``CRLF (Windows)``, ``LF (Unix)``, ``CR (ancien Mac)`` or mixed."""
    crlf = text.count("\r\n")
    kinds = {"CRLF (Windows)": crlf, "LF (Unix)": text.count("\n") - crlf, "CR (ancien Mac)": text.count("\r") - crlf}
    found = [name for name, count in kinds.items() if count]
    if not found:
        return "aucune (une seule ligne)"
    return found[0] if len(found) == 1 else "mélangées : " + ", ".join(found)


def _records(text: str, delimiter: str, strict: bool = False):
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=strict)


def sniff_delimiter(text: str) -> str:
    """The separator that splits the header into the most columns, the same number on most rows."""
    best, best_score = ",", (0.0, 1)
    for delimiter in DELIMITERS:
        sample = []
        try:
            for row in _records(text, delimiter):
                sample.append(row)
                if len(sample) > SNIFF_ROWS:
                    break
        except csv.Error:
            continue
        if not sample or len(sample[0]) < 2:
            continue
        width = len(sample[0])
        body = sample[1:] or sample
        score = (sum(len(row) == width for row in body) / len(body), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _signature_problem(raw: bytes, shown: str) -> str | None:
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        return (
            f"{shown} est un classeur (Excel ou LibreOffice), pas un CSV : ouvrez-le dans le tableur et "
            "enregistrez-le au format « CSV »."
        )
    if raw.startswith(b"%PDF"):
        return f"{shown} est un PDF : exportez les données en CSV depuis le logiciel qui les a produites."
    if b"\x00" in raw[:65536] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return f"{shown} n'est pas un fichier texte : exportez les données en CSV depuis le tableur."
    return None


def read_input(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ``UnreadableInput`` otherwise.

    The file is opened without blocking and checked on its descriptor: a named pipe, a device
    (``/dev/zero``) or a socket is refused before a single byte is read, even one swapped in
    after a check by name, and a file that grows past the limit while read is refused too.
    """
    shown = str(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise UnreadableInput(f"{shown} est introuvable : vérifiez le chemin donné à --from.") from None
    except OSError as error:
        try:  # a socket cannot even be opened
            kind = special_kind(os.stat(path).st_mode)
        except OSError:
            kind = None
        if kind is not None:
            raise _not_a_file(shown, kind) from None
        raise UnreadableInput(
            f"{shown} ne peut pas être lu ({error.strerror}) : vérifiez ses droits d'accès."
        ) from None
    kind = special_kind(os.fstat(descriptor).st_mode)
    if kind is not None:
        os.close(descriptor)
        raise _not_a_file(shown, kind)
    with os.fdopen(descriptor, "rb") as stream:
        try:
            raw = stream.read(limit + 1)
        except OSError as error:
            raise UnreadableInput(f"{shown} ne peut pas être lu ({error.strerror}) : vérifiez le fichier.") from None
    if len(raw) > limit:
        raise UnreadableInput(
            f"{shown} dépasse {limit // (1024 * 1024)} Mo, la taille d'un export de tableur que portal new lit : "
            "découpez-le (par année, par service…) en plusieurs jeux."
        )
    return raw


def _not_a_file(shown: str, kind: str) -> UnreadableInput:
    return UnreadableInput(f"{shown} est {kind}, pas un fichier : donnez à --from le fichier CSV exporté du tableur.")


def _check_width(records: list[list[str]], shown: str) -> None:
    widest = max(records, key=len, default=[])
    if len(widest) > MAX_COLUMNS:
        line = records.index(widest) + 1
        raise UnreadableInput(
            f"{shown} a {len(widest)} colonnes (ligne {line}), plus que les {MAX_COLUMNS} que portal new accepte : "
            "gardez les colonnes utiles, ou vérifiez le séparateur de l'export."
        )


def read_table(path: Path) -> RawTable:
    """Read a spreadsheet's CSV export; ``UnreadableInput`` says what to do when it cannot be read."""
    shown = str(path)
    raw = read_input(path)
    if problem := _signature_problem(raw, shown):
        raise UnreadableInput(problem)
    text, encoding, label = decode(raw, shown)
    if not text.strip():
        raise UnreadableInput(f"{shown} est vide : exportez à nouveau les données, avec la ligne d'en-têtes.")
    delimiter = sniff_delimiter(text)
    reader = _records(text, delimiter, strict=True)
    records: list[list[str]] = []
    start = 1
    try:
        for row in reader:
            records.append(row)
            start = reader.line_num + 1
    except csv.Error as error:
        raise UnreadableInput(
            f"{shown} ne se lit pas comme un CSV à partir de la ligne {start} ({error}) : vérifiez les "
            "guillemets de cette ligne, ou exportez à nouveau le fichier depuis le tableur."
        ) from None
    _check_width(records, shown)
    rows = records[1:]
    return RawTable(encoding, label, delimiter, line_ends(text), records[0], rows, list(range(2, len(rows) + 2)))


@dataclass
class Tidied:
    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    fixes: list[str] = field(default_factory=list)  # what was evened out, in French
    warnings: list[str] = field(default_factory=list)  # what was left for the user to check


def _listing(numbers: list[int], limit: int = 20) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (f" et {len(numbers) - limit} autres" if len(numbers) > limit else "")


def tidy(header: list[str], rows: list[list[str]], lines: list[int]) -> Tidied:
    """Even out the table's shape, losslessly, and say what was done or left to check.

    Spaces around headers, entirely empty rows, empty cells beyond the last column and empty
    columns without a header are removed; rows with missing or extra values are only reported.
    """
    result = Tidied([label.strip() for label in header], [], [])
    stripped = [label for label, clean in zip(header, result.header, strict=True) if label != clean]
    if stripped:
        result.fixes.append("espaces retirés autour des en-têtes : " + ", ".join(f"« {s} »" for s in stripped))
    blank, trimmed = [], []
    for row, line in zip(rows, lines, strict=True):
        if not any(cell.strip() for cell in row):
            blank.append(line)
            continue
        if len(row) > len(header) and not any(cell.strip() for cell in row[len(header) :]):
            row = row[: len(header)]
            trimmed.append(line)
        result.rows.append(row)
        result.lines.append(line)
    if blank:
        result.fixes.append(f"{len(blank)} ligne(s) entièrement vide(s) retirée(s) : ligne(s) {_listing(blank)}")
    if trimmed:
        result.fixes.append(f"cellules vides après la dernière colonne retirées : ligne(s) {_listing(trimmed)}")
    empty_columns = [
        index
        for index, label in enumerate(result.header)
        if not label and not any(index < len(row) and row[index].strip() for row in result.rows)
    ]
    if empty_columns:
        dropped = set(empty_columns)  # a set: thousands of columns stay linear
        keep = [i for i in range(len(result.header)) if i not in dropped]
        result.header = [result.header[i] for i in keep]
        result.rows = [[row[i] for i in keep if i < len(row)] + row[len(header) :] for row in result.rows]
        numbers = ", ".join(str(i + 1) for i in empty_columns)
        result.fixes.append(f"colonne(s) sans en-tête et sans valeur retirée(s) : colonne(s) {numbers}")
    width = len(result.header)
    for row, line in zip(result.rows, result.lines, strict=True):
        if len(row) != width:
            result.warnings.append(
                f"ligne {line} : {len(row)} valeurs pour {width} colonnes : vérifiez-la "
                "(un séparateur ou un retour à la ligne dans une valeur ?)"
            )
    for index, label in enumerate(result.header):
        if not label:
            result.warnings.append(f"la colonne {index + 1} n'a pas d'en-tête : donnez-lui un nom")
    seen: set[str] = set()
    for label in result.header:
        if label and label in seen:
            result.warnings.append(f"deux colonnes s'appellent « {label} » : renommez l'une des deux")
        seen.add(label)
    return result
