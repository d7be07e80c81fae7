"""The MkDocs glue, kept thin: ``plugins: - portal`` in mkdocs.yml runs the pipeline in ``mkdocs build``,
``serve`` and ``gh-deploy``, and brings what every portal shares, so that a portal's mkdocs.yml stays short.

Registered by the entry point ``mkdocs.plugins: portal`` (pyproject.toml). The pipeline itself is
``portal.site.build.generate``; the shared parts ship in the package: the theme's overrides
(``theme/``), the style sheets and scripts (``assets/``), the guide and reference pages (``docs/``),
and the defaults of ``apply_defaults``. A file of the portal's docs/ at the same path replaces the
packaged one. A build writes into a staging folder that replaces the previous site only once
everything, MkDocs' strict checks included, has succeeded: a failed build leaves the previous site intact.
"""

from __future__ import annotations

import logging
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from portal.interrupt import EXIT_CODE, deferred

log = logging.getLogger("mkdocs.plugins.portal")
PACKAGE = Path(__file__).resolve().parent
THEME = PACKAGE / "theme"  # template overrides, searched before material's own templates
ASSETS = PACKAGE / "assets"  # served at assets/ of every portal
DOCS = PACKAGE / "docs"  # the pages about the tool: the guide, the reference, Réutiliser, Rechercher
SITE_INTERRUPTED = "Interrompu : arrêt demandé (Ctrl-C) ; le site précédent est laissé intact, relancez mkdocs build."
SITE_SWAPPED = "Interrompu : arrêt demandé (Ctrl-C) ; le nouveau site était déjà en place, complet."

# The theme features the pages are designed for; a portal that lists its own keeps them.
FEATURES = ["navigation.sections", "navigation.top"]
# Generated pages use attribute lists ({ .class }) and admonitions; tables and toc are MkDocs' own.
MARKDOWN_EXTENSIONS = ["attr_list", "tables", "admonition", "toc"]
# The theme's HTML without its indentation: about 8 KB less on every page. Quotes kept: valid, readable HTML.
HTMLMIN_OPTIONS = {
    "remove_comments": False,
    "remove_empty_space": False,
    "reduce_empty_attributes": True,
    "reduce_boolean_attributes": False,
    "remove_optional_attribute_quotes": False,
    "convert_charrefs": True,
    "keep_pre": False,
    "pre_tags": ("pre", "textarea"),
    "pre_attr": "pre",
}
GUIDE = [
    {"Ouvrir ses données": "guide/ouvrir-ses-donnees.md"},
    {"Valider ses données": "guide/valider-ses-donnees.md"},
    {"Publier vos données": "guide/publier-vos-donnees.md"},
]
REFERENCE = [
    {"Le profil de data package": "reference/profil.md"},
    {"Les contrôles": "reference/controles.md"},
    {"Les codes des problèmes": "reference/codes.md"},
    {"Les graphiques": "reference/graphiques.md"},
    {"Le rapport JSON": "reference/rapport-json.md"},
    {"Publier sur CKAN": "reference/publier-ckan.md"},
    {"Un CKAN local pour tester": "reference/ckan-local.md"},
    {"La ligne de commande": "reference/cli.md"},
]


class PortalConfig(base.Config):
    datasets = c.Type(str, default="datasets")
    """The folder of the datasets, relative to mkdocs.yml."""
    publisher = c.Optional(c.Type(str))
    """Who publishes the portal, named in the DCAT catalogue (by default, the tool's generic publisher)."""


def packaged_files(folder: Path, prefix: str = "") -> Iterator[tuple[str, Path]]:
    """Each file under ``folder`` with the site URI it is served at."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            yield prefix + path.relative_to(folder).as_posix(), path


def theme_dirs(dirs: list[str], custom_dir: str | None) -> list[str]:
    """The portal's overrides before the theme's templates, after a portal's own ``custom_dir``."""
    dirs = [d for d in dirs if Path(d).resolve() != THEME]
    dirs.insert(1 if custom_dir else 0, str(THEME))
    return dirs


def default_nav(own_pages: list[str], generated: set[str]) -> list:
    """The navigation of a portal whose mkdocs.yml has no ``nav``: short, however many datasets.

    The shared pages, then the portal's own pages (docs/*.md: about, legal notice…) under « À propos »."""
    nav: list = [{"Accueil": "index.md"}, {"Catalogue": "catalogue/index.md"}]
    surveys = {uri for uri in generated if uri.startswith("enquetes/")} - {
        "enquetes/index.md",
        "enquetes/evolution/index.md",
    }
    if surveys:
        nav.append({"Enquêtes": [{"Les enquêtes": "enquetes/index.md"}, {"Évolution": "enquetes/evolution/index.md"}]})
    nav += [{"Qualité": "qualite/index.md"}, {"Collectivités": GUIDE}, {"Réutiliser": "reutiliser.md"}]
    nav.append({"Référence": REFERENCE})
    if own_pages:
        nav.append({"À propos": sorted(own_pages, key=lambda uri: (uri != "a-propos.md", uri))})
    return nav


FAVICON = "assets/images/favicon.svg"


def apply_defaults(config) -> None:
    """What a portal need not write in its mkdocs.yml: the overrides, the language, the styles."""
    theme = config.theme
    if theme.name != "material":
        raise PluginError(
            f"mkdocs.yml : le thème « {theme.name} » n'est pas pris en charge ; le portail étend Material for "
            "MkDocs. Écrivez theme: {name: material}."
        )
    theme.dirs[:] = theme_dirs(theme.dirs, theme.custom_dir)
    # French pages (the generated ones are: Material translates by `language`), and no Google Fonts:
    # every asset comes from the site itself (CSP).
    theme["language"] = "fr"
    theme["font"] = False
    # A 200-byte icon (a bar chart) instead of the theme's 1.9 KB PNG, which every page loads.
    if theme.get("favicon") in (None, "assets/images/favicon.png"):
        theme["favicon"] = FAVICON
    if not theme.get("features"):
        theme["features"] = list(FEATURES)
    if "assets/portal.css" not in config.extra_css:
        config.extra_css.insert(0, "assets/portal.css")
    for extension in MARKDOWN_EXTENSIONS:
        if extension not in config.markdown_extensions:
            config.markdown_extensions.append(extension)
    config.mdx_configs.setdefault("toc", {}).setdefault("permalink", True)


def minified(html: str) -> str:
    import htmlmin

    return htmlmin.minify(html, **HTMLMIN_OPTIONS)


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class PortalPlugin(BasePlugin[PortalConfig]):
    """One instance per ``mkdocs`` command (on_startup keeps it across the rebuilds of ``serve``):
    what belongs to one build is reset by on_config."""

    def __init__(self) -> None:
        self.command = "build"
        self.sigint = None
        self.interrupted = False
        self.swapped = False
        self.root: Path | None = None
        self.final: Path | None = None
        self.staging: Path | None = None
        self.previous: Path | None = None
        self.work: Path | None = None
        self.counter: _WarningCounter | None = None
        self.default_nav = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        if command in {"build", "gh-deploy"} and threading.current_thread() is threading.main_thread():
            # serve has its own Ctrl-C; a build's is noted, so that on_shutdown says it and exits with 130.
            self.sigint = signal.signal(signal.SIGINT, self._interrupted)

    def _interrupted(self, number, frame) -> None:
        self.interrupted = True
        raise KeyboardInterrupt

    def on_config(self, config):
        if not config.site_url:
            raise PluginError(
                "site_url manque dans mkdocs.yml : le portail en a besoin pour les adresses absolues des "
                "téléchargements et du catalogue. Ajoutez site_url: https://… (l'adresse publique du portail)."
            )
        if "portal" in config.extra:
            raise PluginError(
                "mkdocs.yml : extra.portal n'est plus lu ; déplacez ses réglages (datasets, publisher) sous "
                "plugins: - portal: (voir CHANGELOG.md)."
            )
        self._cleanup()
        self.root = Path(config.config_file_path).resolve().parent
        apply_defaults(config)
        self.default_nav = config.nav is None
        if self.command in {"build", "gh-deploy"}:
            final = Path(config.site_dir)
            staging = final.with_name(final.name + ".en-cours")
            shutil.rmtree(staging, ignore_errors=True)
            self.final, self.staging = final, staging
            config.site_dir = str(staging)
        self.counter = _WarningCounter()
        logging.getLogger("mkdocs").addHandler(self.counter)
        return config

    def on_files(self, files: Files, config) -> Files:
        from portal.paths import UnsafePath, inside
        from portal.progress import progress_bar
        from portal.site.build import SiteError, generate
        from portal.site.pages import Site
        from portal.text import for_terminal, unexpected

        own_pages = [f.src_uri for f in files.documentation_pages()]
        self.work = work = Path(tempfile.mkdtemp(prefix="portal-site-"))
        site = Site(
            base_url=config.site_url,
            today=date.today(),
            title=config.site_name,
            description=config.site_description,
            publisher=self.config.publisher,
        )
        try:
            datasets = self.root / self.config.datasets
            generated = generate(datasets, work, site, self.root / ".cache", progress=progress_bar)
        except SiteError as error:
            raise PluginError(for_terminal(error, keep_newlines=True)) from None  # it quotes the data
        except Exception as error:  # noqa: BLE001 — never a traceback: one line, then MkDocs aborts
            raise PluginError(unexpected(error)) from None
        generated_files = [path.relative_to(work).as_posix() for path in sorted(work.rglob("*")) if path.is_file()]
        try:
            # In depth: MkDocs writes each URI under site_dir as given; none may resolve outside it.
            for uri in generated_files:
                inside(Path(config.site_dir), uri)
        except UnsafePath as error:
            raise PluginError(f"fichier du site refusé : {for_terminal(error)}.") from None
        for uri in generated_files:
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)  # a generated page replaces the docs/ page of the same name
            files.append(File.generated(config, uri, abs_src_path=str(work / uri)))
        # The shared pages and assets, unless the portal has its own file at that path.
        for uri, path in [*packaged_files(DOCS), *packaged_files(ASSETS, "assets/")]:
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=str(path)))
        if self.default_nav:
            shared = set(generated.pages) | {uri for uri, _ in packaged_files(DOCS)}
            config.nav = default_nav([uri for uri in own_pages if uri not in shared], set(generated.pages))
        log.info(
            "portail : %d pages et %d fichiers générés depuis %s/",
            len(generated.pages),
            len(generated_files) - len(generated.pages),
            self.config.datasets,
        )
        return files

    def on_serve(self, server, config, builder):
        """``mkdocs serve`` rebuilds when a dataset changes, not only the docs (it watches the theme itself)."""
        server.watch(str(self.root / self.config.datasets))
        for folder in (ASSETS, DOCS):  # in an editable install, a change to the shared pages shows at once
            server.watch(str(folder))
        return server

    def on_post_page(self, output: str, *, page, config) -> str:
        return minified(output)

    def on_post_template(self, output_content: str, *, template_name: str, config) -> str:
        return minified(output_content) if template_name.endswith(".html") else output_content

    def on_post_build(self, *, config) -> None:
        from portal.site.csp import add_policies

        # Every page, the theme's 404 included, once it is written: each policy hashes that page's scripts.
        # Not under `mkdocs serve`: its live reload adds an inline script to each page as it serves it,
        # which a policy would block; a served preview is never published.
        if self.command != "serve":
            blocked = add_policies(Path(config.site_dir), [Path(d) for d in config.theme.dirs])
            for page, scripts in blocked.items():
                log.warning(
                    "portail : %s contient %d script(s) en ligne qui ne sont pas ceux du thème ; la politique de "
                    "sécurité (CSP) les bloque. Servez tout script depuis un fichier de docs/assets/.",
                    page,
                    len(scripts),
                )
        staging, final = self.staging, self.final
        if config.strict and self.counter.count:
            return  # MkDocs is about to abort: keep the previous site
        _index_for_search(Path(config.site_dir))
        if staging is None:
            return
        previous = final.with_name(final.name + ".precedent")
        shutil.rmtree(previous, ignore_errors=True)
        with deferred():  # a Ctrl-C waits for the two renames: the site is the previous one or the new one
            if final.exists():
                final.rename(previous)
            staging.rename(final)
            self.staging, self.previous, self.swapped = None, previous, True
        shutil.rmtree(previous, ignore_errors=True)
        config.site_dir = str(final)  # gh-deploy pushes what site_dir names once the build returns

    def on_build_error(self, *, error) -> None:
        self._cleanup()

    def on_shutdown(self) -> None:
        self._cleanup()
        if self.sigint is not None:
            signal.signal(signal.SIGINT, self.sigint)
            self.sigint = None
        if self.interrupted:
            self.interrupted = False
            # Raised from mkdocs' ``finally``: it replaces the KeyboardInterrupt, and click's "Aborted!".
            print(SITE_SWAPPED if self.swapped else SITE_INTERRUPTED, file=sys.stderr)
            raise SystemExit(EXIT_CODE)

    def _cleanup(self) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None
        if self.previous is not None:  # the replaced site, once the new one is in place
            shutil.rmtree(self.previous, ignore_errors=True)
            self.previous = None
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)
            self.work = None
        if self.counter is not None:
            logging.getLogger("mkdocs").removeHandler(self.counter)
            self.counter = None


def _index_for_search(site: Path) -> None:
    """The search index, on the staging site before the swap: a failed index leaves the previous site.

    Under ``mkdocs serve`` too (a second or so for a few hundred pages), so the preview searches."""
    from portal.site.search import SearchIndexError, index_site
    from portal.text import for_terminal

    try:
        count = index_site(site)
    except SearchIndexError as error:
        raise PluginError(for_terminal(error)) from None
    log.info("portail : %d pages indexées pour la recherche", count)
