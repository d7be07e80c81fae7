"""One naming rule for every name that becomes part of a path or a URL, and the writers' guard.

A data package comes from strangers: its dataset folder, resource and view names end up in
file names and URLs of the built site. They must all follow ``NAME``, checked by
``portal validate``; and, in depth, every writer joins paths with ``inside`` so that a name that
slipped through can never resolve outside the folder it writes into.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

# Lower-case letters, digits, '.', '_' and '-', starting with a letter or a digit: no '/', no '..'
# of its own, nothing a file system or a URL treats specially. Matched whole (``fullmatch``):
# Python's '$' would accept a final newline.
NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
MAX_NAME = 100  # a file name, with its suffixes, stays under the 255 bytes of common file systems
NAME_RULE = (
    "lettres minuscules sans accent, chiffres, « . », « _ » et « - », en commençant par une lettre ou un chiffre"
)


def is_safe_name(name: object) -> bool:
    """Whether ``name`` may be used as a file or URL name as it is."""
    return isinstance(name, str) and len(name) <= MAX_NAME and NAME.fullmatch(name) is not None


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
    if relative.is_absolute() or ".." in relative.parts or any("\x00" in p for p in relative.parts):
        raise UnsafePath(f"{relative} sortirait du dossier {root}")
    target = (base / relative).resolve()
    if target != base and base not in target.parents:
        raise UnsafePath(f"{relative} sortirait du dossier {root}")
    return target
