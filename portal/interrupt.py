"""Ctrl-C: a command stops at once with one French line, and leaves nothing half-written.

A command is interrupted by a ``KeyboardInterrupt`` wherever it is; its writers put files in
place with ``os.replace`` (``portal.atomic``) so an interruption leaves the previous version or
the new one, never half of it. The few steps that must not be cut in two (swapping a folder for
another) run under ``deferred``: a Ctrl-C there is raised once they are done.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

EXIT_CODE = 130  # the shell's code for a command stopped by SIGINT (128 + 2)
MESSAGE = "Interrompu : arrêt demandé (Ctrl-C) ; aucun fichier n'est laissé à moitié écrit, relancez la commande."


@contextmanager
def deferred() -> Iterator[None]:
    """Hold a Ctrl-C until the block is done, then raise it (in the main thread; elsewhere, do nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: received.append(number))
    try:
        yield
    finally:
        # None: a handler set outside Python; Python's own then is the default one.
        signal.signal(signal.SIGINT, signal.default_int_handler if previous is None else previous)
    if received and callable(previous):
        previous(signal.SIGINT, None)  # Python's default handler raises KeyboardInterrupt
    elif received and previous is None:
        raise KeyboardInterrupt
