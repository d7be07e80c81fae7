"""Writing a file all at once: under a temporary name beside it, then ``os.replace``.

An interrupted write (Ctrl-C, a full disk) leaves the previous file, or none, and no temporary
file; never a file cut in the middle that a later run would take as complete.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; it becomes ``path`` when the block succeeds."""
    # Not mkstemp: its file is private (0600) where the final one takes the usual permissions.
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.en-cours")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    with replacing(path) as temporary:
        temporary.write_text(text, encoding)


def write_bytes(path: Path, data: bytes) -> None:
    with replacing(path) as temporary:
        temporary.write_bytes(data)
