"""``portal init`` then ``mkdocs build --strict``, with the MkDocs plugin of this checkout: a new
portal builds at once, and again after ``portal new`` (the same steps from a wheel: tests/test_install.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ROOT / "tests" / "fixtures" / "exports" / "Subventions 2018.csv"
BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def run(command: list, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=ENV, timeout=600, check=False)
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("init") / "portail"
    run([BIN / "portal", "init", folder, "--name", "Données de Poitiers", "--url", "https://data.poitiers.fr/",
         "--publisher", "Ville de Poitiers"], folder.parent)  # fmt: skip
    return folder


def test_a_new_portal_builds_at_once(portal):
    run([BIN / "mkdocs", "build", "--strict"], portal)
    site = portal / "site"
    home = (site / "index.html").read_text("utf-8")
    assert "Données de Poitiers" in home
    assert "À COMPLÉTER : présentez le portail" in home  # site_description, the home page's lead
    for page in ("a-propos", "mentions-legales", "accessibilite"):
        text = (site / page / "index.html").read_text("utf-8")
        assert "Ville de Poitiers" in text  # the collectivity's page, not the observatory's
        assert 'class="admonition warning"' in text and "À COMPLÉTER" in text  # visibly unfinished
    assert (site / "catalogue" / "index.html").exists()
    assert 'href="enquetes/' not in home  # no survey: the home page points to no survey results


def test_it_builds_again_after_portal_new(portal):
    run([BIN / "portal", "new", "subventions-2018", "--from", EXPORT, "--schema", "scdl/subventions",
         "--frequency", "annual"], portal)  # fmt: skip
    run([BIN / "mkdocs", "build", "--strict"], portal)
    page = (portal / "site" / "jeux" / "subventions-2018" / "index.html").read_text("utf-8")
    assert "Subventions 2018" in page
    assert "subventions-2018" in (portal / "site" / "catalogue" / "index.html").read_text("utf-8")
