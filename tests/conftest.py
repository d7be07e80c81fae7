"""Shared fixtures: a complete, valid package to copy and break, and a CLI runner."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.checks.base import Options
from portal.cli import main
from portal.dataset import load_dataset
from portal.validate import DatasetReport, validate_dataset
from tests.portal_fixture import build_package

FIXTURES = Path(__file__).parent / "fixtures"
PACKAGES = FIXTURES / "packages"
TODAY = date(2026, 11, 22)


@pytest.fixture
def package(tmp_path: Path) -> Callable[..., Path]:
    """Copy the complete fixture package as ``tmp_path/<name>``, then apply changes.

    ``descriptor`` is a function that edits the descriptor dict in place; ``files`` maps
    file names to bytes or text to write (None deletes the file).
    """

    def make(
        name: str = "complet", descriptor: Callable[[dict], None] | None = None, files: dict | None = None
    ) -> Path:
        return build_package(tmp_path / name, "complet", descriptor=descriptor, files=files)

    return make


def check(folder: Path, **options) -> DatasetReport:
    return validate_dataset(load_dataset(folder), Options(today=options.pop("today", TODAY), **options))


def codes(report: DatasetReport) -> list[str]:
    return [p.code for p in report.problems]


@pytest.fixture
def cli() -> Callable[..., object]:
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


# --- built portals, in a real Chromium (tests/browser_support.py) ------------------------------


@pytest.fixture(scope="session")
def browser():
    from tests.browser_support import launched_browser

    with launched_browser() as launched:
        yield launched


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory):
    """The base URL of the portal built, once per session, from the fixture packages complet and graphiques."""
    import shutil

    def copy(target: Path) -> None:
        for name in ("complet", "graphiques"):
            shutil.copytree(PACKAGES / name, target / name)

    from tests.browser_support import served_portal

    with served_portal(tmp_path_factory.mktemp("portail-fixtures"), copy) as base:
        yield base


@pytest.fixture(scope="session")
def real_site(tmp_path_factory):
    """The base URL of the portal built, once per session, from this repository's own datasets/."""
    import shutil

    from tests.browser_support import served_portal
    from tests.portal_fixture import ROOT

    with served_portal(
        tmp_path_factory.mktemp("portail-reel"), lambda target: shutil.copytree(ROOT / "datasets", target)
    ) as base:
        yield base
