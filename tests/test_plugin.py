"""The MkDocs plugin: `plugins: - portal` is all a portal's mkdocs.yml needs; the wheel carries what portals share.

Real builds (`mkdocs build --strict` in a subprocess) of portals that hold only their own files: the
theme's overrides, the assets and the guide pages must come from the installed package."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from portal.site import plugin
from tests.portal_fixture import PACKAGES, ROOT, mkdocs_build

MINIMAL = """site_name: Portail de Test-sur-Mer
site_url: http://127.0.0.1:8000/
theme:
  name: material
plugins:
  - portal
"""


def portal_folder(folder: Path, config: str = MINIMAL, datasets: str = "datasets") -> Path:
    (folder / "docs").mkdir(parents=True)  # MkDocs wants the folder, even empty
    (folder / "mkdocs.yml").write_text(config, "utf-8")
    shutil.copytree(PACKAGES / "complet", folder / datasets / "complet")
    return folder


def built(folder: Path) -> Path:
    result = mkdocs_build(folder)
    assert result.returncode == 0, result.stderr[-3000:]
    return folder / "site"


def primary_nav(page: str) -> str:
    return page.split("md-sidebar--primary", 1)[1].split("md-sidebar--secondary", 1)[0]


def test_the_entry_point_names_the_plugin():
    (point,) = [p for p in entry_points(group="mkdocs.plugins") if p.name == "portal"]
    assert point.load() is plugin.PortalPlugin


@pytest.fixture(scope="module")
def minimal_site(tmp_path_factory) -> Path:
    """A portal with nothing but its mkdocs.yml, an empty docs/ and one dataset."""
    return built(portal_folder(tmp_path_factory.mktemp("minimal") / "portail"))


def test_a_portal_with_only_mkdocs_yml_and_datasets_builds_with_the_shared_theme(minimal_site):
    page = (minimal_site / "404.html").read_text("utf-8")
    assert "Page introuvable" in page and 'lang="fr"' in page  # the French 404 override, in French
    assert 'http-equiv="Content-Security-Policy"' in page
    assert "fonts.googleapis" not in page  # font: false
    home = (minimal_site / "index.html").read_text("utf-8")
    assert 'http-equiv="Content-Security-Policy"' in home and "assets/portal.css" in home
    assert "Site réalisé avec le générateur du portail" in home  # the copyright partial
    assert 'class="portal-search-box"' in home and 'action="recherche/"' in home  # the header's own search form
    assert "\n    " not in home  # minified: no indentation left
    search = (minimal_site / "recherche" / "index.html").read_text("utf-8")
    assert "data-portal-search" in search and (minimal_site / "assets" / "js" / "search.js").is_file()
    for uri, _ in plugin.packaged_files(plugin.ASSETS, "assets/"):
        assert (minimal_site / uri).is_file(), uri
    assert (minimal_site / "guide" / "publier-vos-donnees" / "index.html").is_file()
    assert (minimal_site / "reference" / "codes" / "index.html").is_file()
    assert (minimal_site / "jeux" / "complet" / "index.html").is_file()
    assert (minimal_site / "pagefind").is_dir()


def test_without_a_nav_the_plugin_gives_a_short_one(minimal_site):
    home = (minimal_site / "index.html").read_text("utf-8")
    nav = primary_nav(home)
    for label in ("Catalogue", "Qualité", "Ouvrir ses données", "Réutiliser", "La ligne de commande"):
        assert label in nav, label
    assert "jeux/complet" not in nav  # no dataset page: the nav stays short with a thousand datasets
    assert "Enquêtes" not in nav  # no survey among the datasets
    assert "Observatoire" not in home and "baromètres" not in home  # nothing of this repository's own portal
    assert "Portail de Test-sur-Mer : des jeux de données ouverts" in home  # its lead, with no site_description


OPTIONS = """site_name: Portail du Département de l'Exemple
site_url: http://127.0.0.1:8000/
theme:
  name: material
  custom_dir: surcharges
  features:
    - navigation.top
plugins:
  - portal:
      datasets: donnees/jeux
      publisher: Département de l'Exemple
"""


@pytest.fixture(scope="module")
def options_site(tmp_path_factory) -> Path:
    folder = portal_folder(tmp_path_factory.mktemp("options") / "portail", OPTIONS, "donnees/jeux")
    (folder / "docs" / "a-propos.md").write_text("# Le portail du Département\n\nNotre méthode.\n", "utf-8")
    (folder / "docs" / "mentions-legales.md").write_text("# Mentions légales\n\nÉditeur : le Département.\n", "utf-8")
    # The portal's own page at a shared page's path replaces it.
    (folder / "docs" / "reutiliser.md").write_text("# Réutiliser nos données\n\nNotre licence.\n", "utf-8")
    (folder / "surcharges" / "partials").mkdir(parents=True)
    (folder / "surcharges" / "partials" / "copyright.html").write_text(
        '<div class="md-copyright">Un portail du Département de l\'Exemple</div>\n', "utf-8"
    )
    return built(folder)


def test_the_datasets_option_and_the_publisher_take_effect(options_site):
    assert (options_site / "jeux" / "complet" / "index.html").is_file()
    catalogue = (options_site / "catalog.ttl").read_text("utf-8")
    assert "Département de l'Exemple" in catalogue


def test_a_portal_custom_dir_sits_on_top_of_the_plugin_overrides(options_site):
    home = (options_site / "index.html").read_text("utf-8")
    assert "Un portail du Département de l'Exemple" in home  # the portal's own partial wins
    assert "Site réalisé avec le générateur" not in home
    assert "Page introuvable" in (options_site / "404.html").read_text("utf-8")  # the plugin's 404 still applies
    assert "data-pagefind-body" in home  # and its main.html


def test_own_pages_replace_shared_ones_and_join_the_default_nav(options_site):
    page = (options_site / "reutiliser" / "index.html").read_text("utf-8")
    assert "Notre licence." in page and "jeux/&lt;jeu&gt;/a-propos/" not in page
    home = (options_site / "index.html").read_text("utf-8")
    nav = primary_nav(home)
    assert "Le portail du Département" in nav and "Mentions légales" in nav
    assert nav.index("Le portail du Département") < nav.index("Mentions légales")  # a-propos.md first


def write_and_build(tmp_path: Path, config: str) -> subprocess.CompletedProcess:
    folder = portal_folder(tmp_path / "portail", config)
    return mkdocs_build(folder)


def test_an_old_extra_portal_setting_is_refused_with_the_fix(tmp_path):
    result = write_and_build(tmp_path, MINIMAL + "extra:\n  portal:\n    datasets: datasets\n")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "extra.portal n'est plus lu" in result.stderr and "plugins: - portal" in result.stderr


def test_another_theme_is_refused_with_the_fix(tmp_path):
    result = write_and_build(tmp_path, MINIMAL.replace("name: material", "name: mkdocs"))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "theme: {name: material}" in result.stderr


def test_theme_dirs_put_the_overrides_under_a_custom_dir_and_above_material():
    assert plugin.theme_dirs(["/m", "/t"], None) == [str(plugin.THEME), "/m", "/t"]
    assert plugin.theme_dirs(["/mine", "/m", "/t"], "/mine") == ["/mine", str(plugin.THEME), "/m", "/t"]
    # Applied twice (serve rebuilds), it is still there once.
    once = plugin.theme_dirs(["/m"], None)
    assert plugin.theme_dirs(once, None) == once


def test_the_default_nav_lists_surveys_only_when_there_are_some():
    assert "Enquêtes" not in str(plugin.default_nav([], {"index.md", "enquetes/index.md"}))
    nav = plugin.default_nav(["securite.md", "a-propos.md"], {"enquetes/index.md", "enquetes/b-2018/index.md"})
    assert {"Enquêtes"} <= {next(iter(item)) for item in nav}
    assert nav[-1] == {"À propos": ["a-propos.md", "securite.md"]}


# What a portal of another collectivity must never receive: this repository's datasets and its pages.
OBSERVATORY_PAGES = [p.name for p in (ROOT / "docs").glob("*.md")]


def test_the_wheel_carries_the_shared_files_and_nothing_of_the_observatory(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "-w", str(tmp_path), "--no-deps", "-q"],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("portal-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shared = [*plugin.packaged_files(plugin.THEME), *plugin.packaged_files(plugin.ASSETS)]
    shared += plugin.packaged_files(plugin.DOCS)
    for _, path in shared:
        assert path.relative_to(ROOT).as_posix() in names, path
    assert any(n.endswith("site/theme/404.html") for n in names) and any(n.endswith("assets/portal.css") for n in names)
    assert "a-propos.md" in OBSERVATORY_PAGES and "mentions-legales.md" in OBSERVATORY_PAGES
    datasets = [p.name for p in (ROOT / "datasets").iterdir() if p.is_dir()]
    assert datasets
    for name in names:
        assert not name.startswith(("datasets/", "docs/", "sources/")), name
        # portal init's pages to complete bear the same names, not the observatory's words (tests/test_install.py).
        assert Path(name).name not in OBSERVATORY_PAGES or name.startswith("portal/init/template/docs/"), name
        assert not any(re.search(rf"\b{re.escape(d)}\b", name) for d in datasets), name
