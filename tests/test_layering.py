"""What the catalogue and the CKAN publisher share with the site lives outside portal/site/, and
every module imports on its own: no import cycle, no import hidden in a function to dodge one."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[1] / "portal"
SHARED = ["portal.urls", "portal.metadata", "portal.citation", "portal.downloads", "portal.tables"]
USERS = [
    "portal.catalog.dcat",
    "portal.catalog.feed",
    "portal.catalog.export",
    "portal.publish.ckan.mapping",
    "portal.publish.ckan.run",
    "portal.site.pages",
    "portal.site.surveys",
    "portal.site.table_pages",
    "portal.site.explorer",
    "portal.site.build",
]


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("folder", ["catalog", "publish"])
def test_the_catalogue_and_the_publisher_import_nothing_from_the_site(folder):
    for path in (PORTAL / folder).rglob("*.py"):
        site = sorted(name for name in _imported(path) if name.startswith("portal.site"))
        assert not site, f"{path.relative_to(PORTAL)} imports {site}: move what it needs out of portal/site/"


def test_the_shared_modules_import_nothing_from_the_site():
    for module in SHARED:
        path = PORTAL / (module.removeprefix("portal.").replace(".", "/") + ".py")
        assert not [name for name in _imported(path) if name.startswith("portal.site")], module


@pytest.mark.parametrize("module", SHARED + USERS)
def test_each_module_imports_alone(module):
    # A fresh interpreter: the module is the first of the portal to be imported, as in a cycle's worst case.
    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
