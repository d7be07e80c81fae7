"""One naming rule for every name that becomes part of a path or a URL, and the writers' guard.

A data package comes from strangers: its dataset folder, resource and view names end up in
file names and URLs of the built site. They must all follow ``NAME``, checked by
``portal validate``; and, in depth, every writer joins paths with ``inside`` so that a name that
slipped through can never resolve outside the folder it writes into.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from portal.text import printable

# Lower-case letters, digits, '.', '_' and '-', starting with a letter or a digit: no '/', no '..'
# of its own, nothing a file system or a URL treats specially. Matched whole (``fullmatch``):
# Python's '$' would accept a final newline.
NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
MAX_NAME = 100  # a file name, with its suffixes, stays under the 255 bytes of common file systems
NAME_RULE = (
    "lettres minuscules sans accent, chiffres, « . », « _ » et « - », en commençant par une lettre ou un chiffre"
)


# Windows refuses these as file names, whatever follows the first dot: a portal's repository
# holding datasets/con/ or nul.csv could not be cloned there.
WINDOWS_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?")


def is_safe_name(name: object) -> bool:
    """Whether ``name`` may be used as a file or URL name as it is."""
    return (
        isinstance(name, str)
        and len(name) <= MAX_NAME
        and NAME.fullmatch(name) is not None
        and WINDOWS_RESERVED.fullmatch(name) is None
    )


def suggest_name(name: object) -> str:
    """A safe name close to ``name``, for the fix of a message (never used silently)."""
    import unicodedata

    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9._-]+", "-", text).strip("-._")[:MAX_NAME]
    return text or "jeu"


class UnsafePath(ValueError):
    """A path that would resolve outside the folder a writer writes into."""


def inside(root: Path, *parts: str) -> Path:
    """``root / parts``, refused if it resolves outside ``root`` (``..``, absolute parts, symlinks)."""
    base = root.resolve()
    relative = PurePosixPath(*[str(part).replace("\\", "/") for part in parts])
    refused = UnsafePath(f"« {shown_name(relative)} » sortirait du dossier {root}")
    if relative.is_absolute() or ".." in relative.parts or any("\x00" in p for p in relative.parts):
        raise refused
    try:
        target = (base / relative).resolve()
    except (UnicodeEncodeError, OSError, RuntimeError):  # a lone surrogate, a symlink loop
        raise refused from None
    if target != base and base not in target.parents:
        raise refused
    return target


def shown_name(name: object) -> str:
    """A name as a message may print it: control characters escaped, a very long name cut."""
    text = printable(name)
    return text if len(text) <= 2 * MAX_NAME else f"{text[:MAX_NAME]}…"


def name_fault(name: object) -> str | None:
    """Why ``name`` breaks the rule, in French ("contient « / »"), or None if it follows it."""
    if is_safe_name(name):
        return None
    if not isinstance(name, str):
        return "n'est pas un texte"
    if not name:
        return "est vide"
    if len(name) > MAX_NAME:
        return f"fait {len(name)} caractères (au plus {MAX_NAME})"
    separator = next((c for c in name if c in "/\\"), None)
    if separator:
        return f"contient le séparateur de dossiers « {separator} »"
    if name[0] in "._-":
        return f"commence par « {name[0]} »"
    if NAME.fullmatch(name):
        return f"est un nom réservé par Windows (« {name.split('.')[0]} »)"
    char = next(c for c in name if not re.fullmatch(r"[a-z0-9._-]", c))
    if char == "\n" and name.endswith("\n") and name.count("\n") == 1:
        return "finit par un saut de ligne"
    if char == " ":
        return "contient une espace"
    if char.isupper():
        return f"contient la majuscule « {char} »"
    if char.isspace() or not char.isprintable():
        return f"contient le caractère invisible {repr(char)[1:-1]} (U+{ord(char):04X})"
    return f"contient « {char} »"
