"""What the tests that talk to a real CKAN share: the local harness (scripts/ckan/harness.py).

``ckan_local`` starts it once (a few seconds when already installed, about a minute from
scratch) and stops nothing afterwards, so that the next test run reuses it; the harness's
own ``stop`` does that by hand. If CKAN cannot start, the test fails with the harness's error.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_harness() -> ModuleType:
    """``scripts.ckan.harness``, importable whatever the current directory."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("scripts.ckan.harness")


@dataclass(frozen=True)
class CkanLocal:
    url: str
    token: str
    harness: ModuleType


def start_ckan_local() -> CkanLocal:
    """Start the harness (or find it running); a harness error fails the calling test."""
    harness = load_harness()
    try:
        harness.start()
    except harness.HarnessError as exc:
        pytest.fail(str(exc), pytrace=False)
    return CkanLocal(url=harness.url(), token=harness.api_token(), harness=harness)


@pytest.fixture(scope="session")
def ckan_harness() -> ModuleType:
    """The harness module itself, not started: for tests that drive it (start, stop_ckan…)."""
    return load_harness()


@pytest.fixture(scope="session")
def ckan_local() -> CkanLocal:
    """A running local CKAN: its URL, the sysadmin's API token and the harness module."""
    return start_ckan_local()
