"""``portal import``: the spreadsheet exports uploaded into ``imports/`` through GitHub's web
interface become datasets, and the pull request that proposes them gets its description.

Each upload runs the same ``create_dataset`` as ``portal new``: its dataset name comes from the
file name, its schema is the national SCDL one the file name or its headers point to. A
converted upload leaves ``imports/`` (its original is kept in the dataset's ``archive/``); an
upload that cannot be converted stays there, and the body says why in one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from portal.dataset import display_path
from portal.new import NewRequest, NewResult, UnreadableInput, UsageProblem, create_dataset
from portal.new.report import render_checklist, render_conversion
from portal.normalise import slug
from portal.paths import MAX_NAME, NAME_RULE, is_safe_name
from portal.text import printable

# Files of the imports/ folder that are not uploads: the folder's own README keeps it in the
# repository (GitHub's web interface uploads into an existing folder).
NOT_UPLOADS = {"readme.md", ".gitkeep"}


@dataclass
class Imported:
    upload: Path  # where the file was uploaded (it is no longer there)
    name: str
    schema: str | None
    result: NewResult


@dataclass
class Refused:
    upload: Path
    reason: str  # one line in French: what is wrong and what to do


def uploads(imports: Path, listed: list[str] | None = None) -> list[Path]:
    """The files uploaded into ``imports/``, in name order (hidden files and the README aside).

    ``listed``: only these paths (the files a push added or changed), when given.
    """
    if not imports.is_dir():
        return []
    found = sorted(
        path
        for path in imports.iterdir()
        if (path.is_file() or path.is_symlink())
        and not path.name.startswith(".")
        and path.name.lower() not in NOT_UPLOADS
    )
    if listed is None:
        return found
    wanted = {Path(entry).absolute() for entry in listed if entry}
    return [path for path in found if path.absolute() in wanted]


def read_list(path: Path) -> list[str]:
    """Paths one a line, or separated by NUL characters (``git diff --name-only -z``)."""
    text = path.read_text("utf-8", errors="surrogateescape")
    return text.split("\0") if "\0" in text else text.splitlines()


def dataset_name(upload: Path) -> str | None:
    """The dataset name an upload's file name gives (« Subventions 2018.csv » → subventions-2018)."""
    name = slug(upload.stem)[:MAX_NAME].strip("-")  # as portal new names a resource
    return name if is_safe_name(name) else None


def detect_schema(upload: Path) -> str | None:
    """The SCDL schema an upload follows: named by its file name (``subventions-2018.csv``), or
    recognised by its headers (at least half the schema's required fields); otherwise none."""
    from portal.new.headers import match_headers
    from portal.reader import read_table
    from portal.scdl import VERSIONS, load_schema

    name = dataset_name(upload) or ""
    for schema in VERSIONS:
        if name.startswith(schema):
            return f"scdl/{schema}"
    try:
        header = read_table(upload).header
    except UnreadableInput:
        return None  # create_dataset says why, with the same message
    for schema in VERSIONS:
        fields = load_schema(f"scdl/{schema}")["fields"]
        required = {f["name"] for f in fields if (f.get("constraints") or {}).get("required")}
        matched = set(match_headers(header, fields).mapping.values()) & required
        if required and len(matched) * 2 >= len(required):
            return f"scdl/{schema}"
    return None


def import_uploads(
    imports: Path, datasets: Path, listed: list[str] | None = None, now: datetime | None = None
) -> list[Imported | Refused]:
    """Convert every upload (or those ``listed``); one that cannot be converted never stops the others."""
    now = now or datetime.now(UTC)
    outcomes: list[Imported | Refused] = []
    for upload in uploads(imports, listed):
        outcomes.append(_import_one(upload, datasets, now))
    return outcomes


def _import_one(upload: Path, datasets: Path, now: datetime) -> Imported | Refused:
    shown = printable(upload.name)
    if upload.is_symlink():  # a link pushed with git could make the workflow publish any file of the runner
        return Refused(upload, f"{shown} est un lien symbolique, pas un fichier : déposez le fichier lui-même.")
    name = dataset_name(upload)
    if name is None:
        return Refused(
            upload,
            f"{shown} : son nom ne donne pas de nom de jeu ({NAME_RULE}) ; renommez le fichier, "
            "par exemple « subventions-2026.csv ».",
        )
    if (datasets / name).exists():
        return Refused(
            upload,
            f"{shown} : le jeu {datasets.name}/{name} existe déjà ; renommez le fichier "
            f"(par exemple « {name}-2.csv ») pour en créer un autre.",
        )
    try:
        schema = detect_schema(upload)
        result = create_dataset(NewRequest(name=name, source=upload, datasets=datasets, schema=schema), now=now)
    except (UsageProblem, UnreadableInput) as error:
        return Refused(upload, printable(str(error)))
    except Exception as error:  # noqa: BLE001 — one broken upload must not stop the others
        from portal.text import unexpected

        return Refused(upload, f"{shown} : {unexpected(error)}")
    upload.unlink()  # its original is in the dataset's archive/
    return Imported(upload, name, schema, result)


# ASCII punctuation Markdown (and GitHub: @mentions, #references, HTML) could read in a value
# that comes from the file: escaped with a backslash, so the body shows it as it is. Without
# « [ » and « ] » no link can form, so parentheses stay as they are.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|@~&])")


def markdown_text(text: str) -> str:
    return MARKDOWN_SPECIAL.sub(r"\\\1", printable(text))


def as_markdown(lines: list[str]) -> list[str]:
    """A report of ``portal new`` (indented by two spaces per level) as Markdown lists.

    A line without indentation is a heading of the report, in bold; an indented line becomes a
    list item, nested as deep as it was indented.
    """
    out: list[str] = []
    indents: list[int] = []  # the indentations of the enclosing items: each deeper one nests once
    for line in lines:
        text = line.lstrip(" ")
        if not text:
            out.append("")
            continue
        indent = len(line) - len(text)
        text = text.removeprefix("- ")
        if indent == 0:
            indents = []
            out += ["", f"**{markdown_text(text)}**", ""]
            continue
        while indents and indents[-1] >= indent:
            indents.pop()
        out.append(f"{'  ' * len(indents)}- {markdown_text(text)}")
        indents.append(indent)
    return _collapse_blank(out)


def _collapse_blank(lines: list[str]) -> list[str]:
    collapsed: list[str] = []
    for line in lines:
        if line == "" and (not collapsed or collapsed[-1] == ""):
            continue
        collapsed.append(line)
    while collapsed and collapsed[-1] == "":
        collapsed.pop()
    return collapsed


# GitHub refuses a pull request description over 65,536 characters: a report listing thousands
# of values left as they were is cut, and the body as a whole kept under the limit.
REPORT_LINES = 200
BODY_LIMIT = 60_000


def _capped(lines: list[str], limit: int) -> list[str]:
    if len(lines) <= limit:
        return lines
    return [
        *lines[:limit],
        "",
        f"… et {len(lines) - limit} ligne(s) de plus : lancez portal new pour le rapport entier.",
    ]


def _within_limit(text: str) -> str:
    if len(text) <= BODY_LIMIT:
        return text
    cut = text[:BODY_LIMIT].rsplit("\n", 1)[0]
    return f"{cut}\n\n… description coupée : elle dépasse la taille qu'accepte GitHub.\n"


def render_body(outcomes: list[Imported | Refused], edit_base: str | None = None) -> str:
    """The pull request's description, in French Markdown."""
    imported = [o for o in outcomes if isinstance(o, Imported)]
    refused = [o for o in outcomes if isinstance(o, Refused)]
    lines = ["# Import de fichiers déposés dans imports/", ""]
    if not outcomes:
        lines.append("Aucun fichier à importer : le dossier imports/ ne contient aucun export.")
    else:
        lines.append(
            f"{len(imported)} fichier(s) converti(s) en jeu de données, {len(refused)} fichier(s) non converti(s)."
        )
    if refused:
        lines += ["", "## Fichiers non convertis", ""]
        lines += [f"- **{markdown_text(r.upload.name)}** — {markdown_text(r.reason)}" for r in refused]
        lines += [
            "",
            "Ces fichiers restent dans imports/ : corrigez l'export dans le tableur et déposez-le à nouveau "
            "(ou supprimez le fichier).",
        ]
    for item in imported:
        lines += ["", *_dataset_section(item, edit_base)]
    if imported and len(_body(lines)) > BODY_LIMIT:  # what to do next survives the cut
        lines = [*lines[:3], "", *_next_steps(imported, edit_base), *lines[3:]]
    elif imported:
        lines += ["", *_next_steps(imported, edit_base)]
    return _within_limit(_body(lines))


def _body(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def _dataset_section(item: Imported, edit_base: str | None) -> list[str]:
    result, report = item.result, item.result.validation
    folder = display_path(result.folder)
    lines = [f"## {markdown_text(item.upload.name)} → {folder}/", ""]
    lines.append(f"Schéma suivi : {item.schema or 'aucun schéma national reconnu, schéma déduit du fichier'}.")
    if report is not None:
        lines += [
            "",
            f"**Validation (portal validate) : score {report.score}/100, {len(report.errors)} erreur(s), "
            f"{len(report.warnings)} avertissement(s).**",
        ]
    lines += ["", "<details><summary>Rapport de conversion</summary>", ""]
    lines += _capped(as_markdown(render_conversion(result)), REPORT_LINES)
    lines += ["", "</details>"]
    if report is not None:
        checklist = render_checklist(report)  # its first line is the title, with the score
        lines += ["", f"### {markdown_text(checklist[0])}", "", *as_markdown(checklist[1:])]
    link = _edit_link(f"{folder}/datapackage.json", edit_base)
    lines += ["", f"À compléter dans {link}."]
    return lines


def _edit_link(path: str, edit_base: str | None) -> str:
    return f"[{path}]({edit_base.rstrip('/')}/{path})" if edit_base else path


def _next_steps(imported: list[Imported], edit_base: str | None) -> list[str]:
    first = f"{display_path(imported[0].result.folder)}/datapackage.json"
    return [
        "## Et maintenant",
        "",
        f"1. Ouvrez {_edit_link(first, edit_base)} (et le datapackage.json de chaque jeu ci-dessus) : "
        "cliquez sur le crayon « Edit this file », sur la branche de cette demande.",
        "2. Complétez ce que demande la liste « Ce qui reste à faire » : la description du jeu, celle de la "
        "ressource, les sources, le territoire couvert… Le guide « Publier vos données » du portail "
        "explique chaque message et sa correction.",
        "3. Cliquez sur « Commit changes » en gardant « Commit directly to the … branch » : la validation "
        "du portail se relance sur cette demande (onglet « Checks »).",
        "4. Quand il n'y a plus d'erreur, cliquez sur « Merge pull request » : le site est reconstruit et "
        "publie le jeu en quelques minutes.",
    ]
