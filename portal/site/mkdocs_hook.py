"""The MkDocs glue, kept thin: ``mkdocs build``, ``serve`` and ``gh-deploy`` run the portal's pipeline.

Declared in mkdocs.yml under ``hooks``. The pipeline itself is ``portal.site.build.generate``.
A build writes into a staging folder that replaces the previous site only once everything,
MkDocs' strict checks included, has succeeded: a failed build leaves the previous site intact.
"""

from __future__ import annotations

import logging
import shutil
import signal
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from portal.interrupt import EXIT_CODE, deferred

log = logging.getLogger("mkdocs.plugins.portal")
_state: dict = {}
SITE_INTERRUPTED = "Interrompu : arrêt demandé (Ctrl-C) ; le site précédent est laissé intact, relancez mkdocs build."
SITE_SWAPPED = "Interrompu : arrêt demandé (Ctrl-C) ; le nouveau site était déjà en place, complet."


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def on_startup(command: str, dirty: bool) -> None:
    _state["command"] = command
    if command in {"build", "gh-deploy"} and threading.current_thread() is threading.main_thread():
        # serve has its own Ctrl-C; a build's is noted, so that on_shutdown says it and exits with 130.
        _state["sigint"] = signal.signal(signal.SIGINT, _interrupted)


def _interrupted(number, frame) -> None:
    _state["interrupted"] = True
    raise KeyboardInterrupt


def on_config(config):
    if not config.site_url:
        raise PluginError(
            "site_url manque dans mkdocs.yml : le portail en a besoin pour les adresses absolues des "
            "téléchargements et du catalogue. Ajoutez site_url: https://… (l'adresse publique du portail)."
        )
    _cleanup()
    _state["root"] = Path(config.config_file_path).resolve().parent
    if _state.get("command", "build") in {"build", "gh-deploy"}:
        final = Path(config.site_dir)
        staging = final.with_name(final.name + ".en-cours")
        shutil.rmtree(staging, ignore_errors=True)
        _state.update(final=final, staging=staging)
        config.site_dir = str(staging)
    counter = _WarningCounter()
    logging.getLogger("mkdocs").addHandler(counter)
    _state["counter"] = counter
    return config


def on_files(files: Files, config) -> Files:
    from portal.paths import UnsafePath, inside
    from portal.progress import progress_bar
    from portal.site.build import SiteError, generate
    from portal.site.pages import Site
    from portal.text import for_terminal, unexpected

    root = _state["root"]
    work = Path(tempfile.mkdtemp(prefix="portal-site-"))
    _state["work"] = work
    portal = config.extra.get("portal", {})
    site = Site(
        base_url=config.site_url,
        today=date.today(),
        title=config.site_name,
        description=config.site_description,
        publisher=portal.get("publisher"),
    )
    try:
        datasets = root / portal.get("datasets", "datasets")
        generated = generate(datasets, work, site, root / ".cache", progress=progress_bar)
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
    log.info(
        "portail : %d pages et %d fichiers générés depuis datasets/",
        len(generated.pages),
        len(generated_files) - len(generated.pages),
    )
    return files


def on_serve(server, config, builder):
    """``mkdocs serve`` rebuilds when a dataset changes, not only the docs."""
    root = _state["root"]
    server.watch(str(root / config.extra.get("portal", {}).get("datasets", "datasets")))
    return server


def on_post_build(config) -> None:
    from portal.site.csp import add_policies

    # Every page, the theme's 404 included, once it is written: each policy hashes that page's scripts.
    # Not under `mkdocs serve`: its live reload adds an inline script to each page as it serves it,
    # which a policy would block; a served preview is never published.
    if _state.get("command") != "serve":
        blocked = add_policies(Path(config.site_dir), [Path(d) for d in config.theme.dirs])
        for page, scripts in blocked.items():
            log.warning(
                "portail : %s contient %d script(s) en ligne qui ne sont pas ceux du thème ; la politique de "
                "sécurité (CSP) les bloque. Servez tout script depuis un fichier de docs/assets/.",
                page,
                len(scripts),
            )
    staging, final = _state.get("staging"), _state.get("final")
    if config.strict and _state["counter"].count:
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
        _state.update(staging=None, previous=previous, swapped=True)
    shutil.rmtree(previous, ignore_errors=True)
    config.site_dir = str(final)  # gh-deploy pushes what site_dir names once the build returns


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


def on_build_error(error) -> None:
    _cleanup()


def on_shutdown() -> None:
    _cleanup()
    previous = _state.pop("sigint", None)
    if previous is not None:
        signal.signal(signal.SIGINT, previous)
    swapped = _state.pop("swapped", False)
    if _state.pop("interrupted", False):
        # Raised from mkdocs' ``finally``: it replaces the KeyboardInterrupt, and click's "Aborted!".
        print(SITE_SWAPPED if swapped else SITE_INTERRUPTED, file=sys.stderr)
        raise SystemExit(EXIT_CODE)


def _cleanup() -> None:
    staging = _state.get("staging")
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
        _state["staging"] = None
    previous = _state.pop("previous", None)
    if previous is not None:  # the replaced site, once the new one is in place
        shutil.rmtree(previous, ignore_errors=True)
    work = _state.pop("work", None)
    if work is not None:
        shutil.rmtree(work, ignore_errors=True)
    counter = _state.pop("counter", None)
    if counter is not None:
        logging.getLogger("mkdocs").removeHandler(counter)
