"""Where a resource's bytes are, and whether they can be read safely.

Resolution is shared by every check that reads data: a path must stay inside its dataset
folder (no ``..``, absolute path or escaping symlink), remote URLs are only read on request,
and a CSV must be UTF-8 (a BOM is accepted) unless the resource declares another encoding.
"""

from __future__ import annotations

import codecs
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from portal.dataset import Dataset, display_path
from portal.problems import Problem, problem

REMOTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
UTF8 = {"utf-8", "utf8", "utf-8-sig"}
BOM = b"\xef\xbb\xbf"
# Reading this much is enough to guess an encoding and to sample a large file.
HEAD_BYTES = 1 << 20


@dataclass
class ResourceFile:
    """A resource as the checks see it: where to read it, how, and what went wrong."""

    descriptor: dict[str, Any]
    label: str  # how messages name it: the file path, or the resource name
    path: Path | None = None  # a readable local file
    url: str | None = None  # a remote resource the user allowed to read
    encoding: str = "utf-8"
    problems: list[Problem] = field(default_factory=list)
    scdl: str | None = None  # the national SCDL schema it declares, once resolved (portal/scdl)
    schema_path: Path | None = None  # a schema given as a path: the file, vetted to be inside the package
    # The SCDL custom checks' findings when the fast engine ran them in its pass (portal/fastcheck).
    custom_findings: list[Any] | None = None
    # A large CSV whose bytes past the head are still to be checked for UTF-8 (see ``finish_utf8``).
    utf8_pending: bool = False

    @property
    def readable(self) -> bool:
        return (self.path is not None or self.url is not None) and not any(p.severity == "error" for p in self.problems)

    @property
    def format(self) -> str:
        declared = self.descriptor.get("format")
        if isinstance(declared, str) and declared:
            return declared.lower().lstrip(".")
        path = self.descriptor.get("path")
        return PurePosixPath(path).suffix.lower().lstrip(".") if isinstance(path, str) else ""

    @property
    def tabular(self) -> bool:
        return self.format in {"csv", "tsv"} or self.descriptor.get("type") == "table"


FRENCH_TEXT = re.compile(r"[\s\w.,;:!?'\"()\[\]{}«»‘’“”–—…€%&@#*+=/<>|\\^~`°§²³µ·-]*")


def describe_encoding(sample: bytes) -> str:
    """A human name for the likely encoding of bytes that are not UTF-8.

    French files come from spreadsheets: Windows-1252 or Latin-1 first, then whatever
    charset-normalizer guesses.
    """
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    try:
        text = sample.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None and FRENCH_TEXT.fullmatch(text):
        if any(0x80 <= b <= 0x9F for b in sample):
            # These bytes are printable only in Windows-1252 (curly quotes, euro sign, œ).
            return "Windows-1252"
        return "Latin-1 (ISO-8859-1) ou Windows-1252"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    return best.encoding if best is not None else "un encodage inconnu (fichier binaire ?)"


def _check_utf8(rf: ResourceFile, path: Path, shown: str) -> None:
    declared = str(rf.descriptor.get("encoding") or "utf-8").lower()
    with path.open("rb") as stream:
        head = stream.read(HEAD_BYTES)
    if declared not in UTF8:
        try:
            codecs.lookup(declared)
        except LookupError:
            rf.problems.append(
                problem(
                    "encoding-not-utf8",
                    f"{shown} déclare un encodage inconnu « {declared} ».",
                    'Convertissez le fichier en UTF-8 et mettez `"encoding": "utf-8"`.',
                    file=shown,
                )
            )
            return
        rf.encoding = declared
        rf.problems.append(
            problem(
                "encoding-declared-not-utf8",
                f"{shown} est déclaré en {declared}.",
                'Convertissez le fichier en UTF-8 et retirez `encoding` ou mettez `"encoding": "utf-8"`.',
                file=shown,
            )
        )
        return
    rf.encoding = "utf-8-sig" if head.startswith(BOM) else "utf-8"
    if rf.tabular and len(head) == HEAD_BYTES and _decodes(head):
        # A large CSV: the structure check's fast engine parses every byte as UTF-8 in its pass, so
        # decoding it here too would read it twice; the structure check calls finish_utf8 otherwise.
        rf.utf8_pending = True
        return
    rf.problems.extend(_utf8_problems(path, shown))


def finish_utf8(rf: ResourceFile) -> list[Problem]:
    """The UTF-8 problems of a large CSV whose check was left pending, added to ``rf.problems`` too."""
    if not rf.utf8_pending or rf.path is None:
        return []
    rf.utf8_pending = False
    found = _utf8_problems(rf.path, rf.label)
    rf.problems.extend(found)
    return found


def _decodes(head: bytes) -> bool:
    # The head may end inside a character: only a real error before its last 3 bytes counts.
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head)
    except UnicodeDecodeError:
        return False
    return True


def _utf8_problems(path: Path, shown: str) -> list[Problem]:
    # The whole file must decode; read it in blocks so a large file stays cheap in memory.
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as stream:
        while block := stream.read(HEAD_BYTES):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                position = offset + error.start
                line = 1 + _count_newlines(path, position)
                sample = block[max(0, error.start - 2000) : error.start + 2000]
                return [
                    problem(
                        "encoding-not-utf8",
                        f"{shown} n'est pas en UTF-8 (ligne {line}, octet {position}) : il semble être "
                        f"en {describe_encoding(sample)}.",
                        "Réenregistrez le fichier en UTF-8 (dans un tableur : « CSV UTF-8 ») ou "
                        "convertissez-le avec `iconv -f WINDOWS-1252 -t UTF-8`.",
                        file=shown,
                        row=line,
                    )
                ]
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return [
                problem(
                    "encoding-not-utf8",
                    f"{shown} n'est pas en UTF-8 : il finit au milieu d'un caractère.",
                    "Réenregistrez le fichier en UTF-8.",
                    file=shown,
                )
            ]
    return []


def _count_newlines(path: Path, limit: int) -> int:
    with path.open("rb") as stream:
        return stream.read(limit).count(b"\n")


def special_kind(mode: int) -> str | None:
    """What a file that is not a regular one is, in French (a FIFO, a device…); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "un dossier"
    if stat.S_ISFIFO(mode):
        return "un tube nommé (FIFO)"
    if stat.S_ISSOCK(mode):
        return "une socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "un périphérique"
    return "un fichier spécial"


def resolve(dataset: Dataset, descriptor: dict[str, Any], *, allow_remote: bool) -> ResourceFile:
    """Locate and vet a resource's file; problems are collected, never raised."""
    name = descriptor.get("name") or "?"
    declared = descriptor.get("path")
    descriptor_file = display_path(dataset.descriptor_path)
    rf = ResourceFile(descriptor, label=f"{descriptor_file} (ressource « {name} »)")
    _vet_schema_path(rf, dataset, descriptor_file)
    if isinstance(declared, list):
        declared = declared[0] if len(declared) == 1 else declared
    if not isinstance(declared, str) or not declared.strip():
        if "data" in descriptor:
            return rf  # inline data: nothing on disk to vet
        rf.problems.append(
            problem(
                "resource-missing",
                f"{rf.label} n'a pas de chemin (`path`) utilisable.",
                "Donnez le chemin du fichier, relatif au dossier du jeu, dans `path`.",
                file=descriptor_file,
            )
        )
        return rf
    if REMOTE.match(declared):
        rf.label = declared
        if allow_remote:
            rf.url = declared
        else:
            rf.problems.append(
                problem(
                    "resource-remote",
                    f"{declared} (ressource « {name} » de {descriptor_file}) est distante et n'a pas été lue.",
                    "Relancez avec --allow-remote pour la télécharger et la contrôler.",
                    file=descriptor_file,
                )
            )
        return rf
    pure = PurePosixPath(declared.replace("\\", "/"))
    if pure.is_absolute() or re.match(r"^[a-zA-Z]:", declared) or ".." in pure.parts:
        rf.problems.append(
            problem(
                "path-unsafe",
                f"{descriptor_file} : le chemin « {declared} » de la ressource « {name} » sort du dossier du jeu.",
                "Placez le fichier dans le dossier du jeu et donnez un chemin relatif sans « .. ».",
                file=descriptor_file,
            )
        )
        return rf
    path = dataset.folder / pure
    shown = display_path(path)
    rf.label = shown
    root = dataset.folder.resolve()
    if path.is_symlink() or path.exists():
        real = path.resolve()
        if real != root and root not in real.parents:
            rf.problems.append(
                problem(
                    "path-unsafe",
                    f"{shown} est un lien symbolique qui sort du dossier du jeu.",
                    "Copiez le fichier dans le dossier du jeu au lieu d'un lien symbolique.",
                    file=shown,
                )
            )
            return rf
    try:
        kind = special_kind(path.stat().st_mode)
    except OSError:
        kind = None  # absent: said below
    if kind is not None:
        # Reading a named pipe blocks, a device (/dev/zero) never ends: refused before any open.
        rf.problems.append(
            problem(
                "resource-not-file",
                f"{shown} est {kind}, pas un fichier (ressource « {name} » de {descriptor_file}).",
                "Mettez à ce chemin le fichier de données lui-même, ou corrigez `path` dans datapackage.json.",
                file=shown,
            )
        )
        return rf
    if not path.is_file():
        rf.problems.append(
            problem(
                "resource-missing",
                f"{shown} est introuvable (ressource « {name} » de {descriptor_file}).",
                "Ajoutez le fichier ou corrigez `path` dans datapackage.json.",
                file=shown,
            )
        )
        return rf
    if path.stat().st_size == 0:
        rf.problems.append(
            problem(
                "file-empty",
                f"{shown} est vide.",
                "Exportez à nouveau les données : le fichier doit contenir au moins la ligne d'en-têtes.",
                file=shown,
            )
        )
        return rf
    rf.path = path
    if rf.tabular or rf.format in {"json", "geojson", "txt"}:
        _check_utf8(rf, path, shown)
    return rf


def _vet_schema_path(rf: ResourceFile, dataset: Dataset, descriptor_file: str) -> None:
    """A schema given as a path follows the rule of resource paths: inside the dataset folder.

    A national schema (``scdl/…`` or its published URL) is kept in the project and a URL is never
    read; anything else is a path relative to the package, as in Frictionless, and nothing reads
    it unless it is vetted here (``schema_path``).
    """
    from portal.paths import UnsafePath, inside, shown_name
    from portal.scdl import schema_name

    schema = rf.descriptor.get("schema")
    if not isinstance(schema, str) or not schema.strip() or schema_name(schema) or REMOTE.match(schema):
        return
    try:
        if re.match(r"^[a-zA-Z]:", schema):
            raise UnsafePath(schema)
        rf.schema_path = inside(dataset.folder, schema)
    except UnsafePath:
        name = shown_name(rf.descriptor.get("name") or "?")
        rf.problems.append(
            problem(
                "schema-path-unsafe",
                f"{descriptor_file} : le schéma « {shown_name(schema)} » de la ressource « {name} » sort du "
                "dossier du jeu (chemin absolu, « .. » ou lien symbolique) ; il n'a pas été lu.",
                "Copiez le fichier de schéma dans le dossier du jeu et donnez son chemin relatif, "
                "ou nommez un schéma national (scdl/subventions…).",
                file=descriptor_file,
            )
        )


def rust_char(char: str) -> str:
    """One character as a literal of Rust's regex syntax (polars' engine), whatever it is."""
    return f"\\x{{{ord(char):X}}}"


def csv_cell_pattern(delimiter: str, quotechar: str) -> str:
    """A CSV cell that polars and Python's csv module cut alike (Rust regex): plain, without quote,
    separator or line end; or quoted, inner quotes doubled, on one line."""
    quote, separator = rust_char(quotechar), rust_char(delimiter)
    return f"(?:[^{quote}{separator}\\r\\n]*|{quote}(?:[^{quote}\\r\\n]|{quote}{quote})*{quote})"


def csv_dialect(descriptor: dict[str, Any]) -> dict[str, Any]:
    """The CSV dialect of a resource, from a v2 (``dialect.csv``) or v1 (``dialect``) descriptor."""
    dialect = descriptor.get("dialect")
    if not isinstance(dialect, dict):
        dialect = {}
    nested = dialect.get("csv")
    options = {**dialect, **nested} if isinstance(nested, dict) else dict(dialect)
    delimiter = options.get("delimiter")
    if not (isinstance(delimiter, str) and len(delimiter) == 1):
        delimiter = "\t" if descriptor.get("format") == "tsv" else ","
    quote = options.get("quoteChar")
    return {
        "delimiter": delimiter,
        "quotechar": quote if isinstance(quote, str) and len(quote) == 1 else '"',
        "header": options.get("header", True) is not False,
    }
