"""``portal init DIR``: a new portal that builds at once, from the template shipped in the package.

``create_portal`` copies ``template/`` into DIR and fills three placeholders: the portal's name,
its public address and its publisher. In YAML files they become quoted strings, in Markdown plain
text with HTML escaped, so a name such as « Département de l'Ain : données » stays a name.
What the collectivity must write (the home page's lead in mkdocs.yml, the about, legal and
accessibility pages in docs/) is marked ``À COMPLÉTER``: ``unfinished_files`` finds it.
"""

from __future__ import annotations

import html
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["InitRequest", "UsageProblem", "TODO", "address_problem", "create_portal", "unfinished_files"]

TEMPLATE = Path(__file__).parent / "template"
TODO = "À COMPLÉTER"
PLACEHOLDERS = ("site_name", "site_url", "publisher", "requirement")


class UsageProblem(Exception):
    """A bad option or a non-empty folder: the command was misused (exit code 2); nothing is written."""


@dataclass(frozen=True)
class InitRequest:
    folder: Path
    site_name: str
    site_url: str
    publisher: str
    force: bool = False


def address_problem(address: str) -> str | None:
    """Why ``address`` cannot be a portal's public address, or None."""
    parts = urlsplit(address.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return f"« {address} » n'est pas une adresse web : donnez l'adresse publique du portail, https://…"
    if parts.query or parts.fragment:
        return f"« {address} » : l'adresse publique du portail n'a ni « ? » ni « # »."
    return None


def text_problem(label: str, value: str) -> str | None:
    if not value.strip():
        return f"{label} est vide : donnez-le."
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return f"{label} tient sur une ligne, sans caractère de contrôle."
    return None


def create_portal(request: InitRequest) -> list[Path]:
    """Write the new portal into ``request.folder``; the files written, relative to it."""
    values = _checked_values(request)
    folder = request.folder
    if folder.exists() and not folder.is_dir():
        raise UsageProblem(f"{folder} est un fichier : donnez un dossier, nouveau ou vide.")
    if folder.is_dir() and any(folder.iterdir()) and not request.force:
        raise UsageProblem(f"{folder} n'est pas vide : choisissez un dossier nouveau ou vide, ou ajoutez --force.")
    written = []
    for source in sorted(p for p in TEMPLATE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        relative = source.relative_to(TEMPLATE)
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix in {".yml", ".yaml", ".md", ".txt"}:
            target.write_text(fill(source.read_text("utf-8"), values, source.suffix), "utf-8")
        else:
            shutil.copyfile(source, target)
        written.append(relative)
    return written


def _checked_values(request: InitRequest) -> dict[str, str]:
    for label, value in (("Le nom du portail", request.site_name), ("L'éditeur", request.publisher)):
        if problem := text_problem(label, value):
            raise UsageProblem(problem)
    if problem := address_problem(request.site_url):
        raise UsageProblem(problem)
    url = request.site_url.strip()
    return {
        "site_name": request.site_name.strip(),
        "site_url": url if url.endswith("/") else url + "/",
        "publisher": request.publisher.strip(),
        "requirement": requirement(),
    }


def requirement() -> str:
    """The portal's requirements.txt line: this very version, so that the portal builds as it did
    here until someone raises it (the changelog says what a new version asks of a portal)."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        about = metadata("portal")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "portal[docs]"
    # The generator is installed from its repository, at the tag of this version: a package index
    # may hold another project named "portal".
    source = next(
        (u.split(",", 1)[1].strip() for u in about.get_all("Project-URL") or [] if u.startswith("Source")), None
    )
    if source is None:
        return f"portal[docs]=={about['Version']}"
    return f"portal[docs] @ git+{source}@v{about['Version']}"


def fill(text: str, values: dict[str, str], suffix: str) -> str:
    """Replace each ``[[name]]``: a JSON string in YAML (a valid YAML quoted string), text with HTML
    escaped in Markdown, the value itself elsewhere."""
    for name in PLACEHOLDERS:
        value = values[name]
        if suffix in {".yml", ".yaml"}:
            shown = json.dumps(value, ensure_ascii=False)
        elif suffix == ".md":
            shown = html.escape(value, quote=False)
        else:
            shown = value
        text = text.replace(f"[[{name}]]", shown)
    return text


def unfinished_files(folder: Path) -> list[Path]:
    """``mkdocs.yml`` and the pages of ``docs/`` that still hold the ``À COMPLÉTER`` marker."""
    files = [folder / "mkdocs.yml", *sorted((folder / "docs").rglob("*.md"))]
    return [p.relative_to(folder) for p in files if p.is_file() and TODO in p.read_text("utf-8")]
