"""Hostile packages: small packages built from the fixtures, then broken as an attacker would.

Each test module of this folder covers one class of attack from the threat model
(docs/securite.md); every package is run through the real commands, and a test fails if the
defence it covers is removed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.portal_fixture import build_package, make_portal, mkdocs_build

PORTAL = Path(sys.executable).with_name("portal")


@pytest.fixture
def hostile(tmp_path: Path) -> Callable[..., Path]:
    """``hostile(name, base="complet"|"graphiques", descriptor=edit, files={...})`` → the package folder."""

    def make(name: str = "hostile", base: str = "complet", **changes) -> Path:
        return build_package(tmp_path / "datasets" / name, base, **changes)

    return make


def run_portal(*args: str, cwd: Path | None = None, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """The installed ``portal`` command, as a user runs it (a real process, real exit code)."""
    return subprocess.run(
        [str(PORTAL), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
        **kwargs,
    )


def assert_no_traceback(result: subprocess.CompletedProcess) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-3000:]


def portal_with(folder: Path, package_folders: list[Path]) -> Path:
    """A portal project in ``folder`` (the real mkdocs.yml and docs/) over these packages."""
    make_portal(folder, [])
    for package in package_folders:
        shutil.copytree(package, folder / "datasets" / package.name, dirs_exist_ok=True)
    return folder


__all__ = ["assert_no_traceback", "build_package", "mkdocs_build", "portal_with", "run_portal"]
