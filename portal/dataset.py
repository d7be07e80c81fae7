"""The Dataset model and the catalogue loader.

A dataset is a folder holding a ``datapackage.json``; the folder is its identity.
Loading never raises on bad input: what cannot be read becomes a problem of the dataset,
so one broken package never stops the others from being checked.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal.problems import Problem, problem
from portal.text import clean_tree

DESCRIPTOR = "datapackage.json"
# Deeper than any real descriptor (a raw Vega-Lite spec nests about a dozen levels): beyond it,
# checks and writers that walk the descriptor would exhaust the interpreter's stack.
MAX_DEPTH = 64


@dataclass
class Dataset:
    folder: Path
    descriptor: dict[str, Any] | None
    load_problems: list[Problem] = field(default_factory=list)
    # The strings of the descriptor whose control characters or lone surrogates were removed on
    # loading (JSON paths such as ``resources[0].title``): the text check reports them.
    cleaned: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The dataset's identity: its folder name, of the folder resolved (``portal validate .`` names
        the working directory; ``Path(".").name`` is empty). Lexically, so a symlink keeps its name."""
        return Path(os.path.abspath(self.folder)).name

    @property
    def descriptor_path(self) -> Path:
        return self.folder / DESCRIPTOR

    @property
    def loaded(self) -> bool:
        return self.descriptor is not None

    def get(self, key: str, default: Any = None) -> Any:
        return (self.descriptor or {}).get(key, default)

    def objects(self, key: str) -> list[dict[str, Any]]:
        """The objects of a list property (``licenses``, ``sources``…), ignoring anything malformed."""
        value = self.get(key)
        return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []

    @property
    def title(self) -> str:
        title = self.get("title")
        return title if isinstance(title, str) and title else self.name

    @property
    def resources(self) -> list[dict[str, Any]]:
        return self.objects("resources")

    @property
    def publisher(self) -> dict[str, Any] | None:
        """The first contributor with the role ``publisher`` (v2 ``roles`` or v1 ``role``)."""
        for contributor in self.objects("contributors"):
            roles = contributor.get("roles")
            roles = roles if isinstance(roles, list) else [contributor.get("role")]
            if "publisher" in roles:
                return contributor
        return None


def resource_schema(resource: dict[str, Any]) -> dict[str, Any]:
    """A resource's Table Schema: inline, or the national SCDL schema it names; {} otherwise."""
    schema = resource.get("schema")
    if isinstance(schema, dict):
        return schema
    from portal.scdl import load_schema

    return load_schema(schema) or {}


def display_path(path: Path) -> str:
    """A path as the user will recognise it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_dataset(folder: Path) -> Dataset:
    """Read ``folder/datapackage.json``; every failure becomes a load problem."""
    path = folder / DESCRIPTOR
    where = display_path(path)
    if not path.is_file():
        return Dataset(
            folder,
            None,
            [
                problem(
                    "descriptor-missing",
                    f"{display_path(folder)} n'a pas de fichier {DESCRIPTOR}.",
                    "Ajoutez un datapackage.json qui décrit le jeu (voir la page « Le profil de data package » du portail, reference/profil/).",
                    file=where,
                )
            ],
        )
    try:
        raw = path.read_bytes()
    except OSError as error:
        return Dataset(
            folder,
            None,
            [
                problem(
                    "descriptor-unreadable",
                    f"{where} ne peut pas être lu ({error.strerror or type(error).__name__}).",
                    "Vérifiez que c'est un fichier ordinaire et que vous avez le droit de le lire.",
                    file=where,
                )
            ],
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return Dataset(
            folder,
            None,
            [
                problem(
                    "descriptor-not-utf8",
                    f"{where} n'est pas en UTF-8 (octet invalide à la position {error.start}).",
                    "Enregistrez le fichier en UTF-8.",
                    file=where,
                )
            ],
        )
    try:
        descriptor = json.loads(text)
    except RecursionError:
        return Dataset(folder, None, [_too_deep(where)])
    except json.JSONDecodeError as error:
        return Dataset(
            folder,
            None,
            [
                problem(
                    "descriptor-invalid-json",
                    f"{where} : JSON invalide ligne {error.lineno}, colonne {error.colno} ({error.msg}).",
                    "Corrigez la syntaxe à cet endroit : virgule, guillemet, crochet ou accolade manquant ou en trop.",
                    file=where,
                    row=error.lineno,
                )
            ],
        )
    if not isinstance(descriptor, dict):
        return Dataset(
            folder,
            None,
            [
                problem(
                    "descriptor-not-object",
                    f"{where} contient un {type(descriptor).__name__} JSON au lieu d'un objet.",
                    'Le fichier doit contenir un objet JSON : { "name": …, "resources": […] }.',
                    file=where,
                )
            ],
        )
    if _depth(descriptor) > MAX_DEPTH:
        return Dataset(folder, None, [_too_deep(where)])
    descriptor, cleaned = clean_tree(descriptor)
    return Dataset(folder, descriptor, cleaned=cleaned)


def _depth(value: object) -> int:
    """How deeply lists and objects nest in a JSON value, measured without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _too_deep(where: str) -> Problem:
    return problem(
        "descriptor-too-deep",
        f"{where} imbrique des listes ou des objets sur plus de {MAX_DEPTH} niveaux.",
        "Aplatissez la structure : aucun descripteur réel n'a besoin d'autant de niveaux.",
        file=where,
    )


def _only_hidden(folder: Path) -> bool:
    try:
        return all(entry.name.startswith(".") for entry in folder.iterdir())
    except OSError:
        return False


def dataset_folders(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """The dataset folders named by ``paths``.

    A path may be a dataset folder, its ``datapackage.json``, or a folder of dataset folders
    (such as ``datasets/``). A path that does not exist is a problem, not an exception.
    """
    folders: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_file() and path.name == DESCRIPTOR:
            folders.append(path.parent)
        elif path.is_file() and (owner := _owning_dataset(path)) is not None:
            folders.append(owner)  # a data file: its dataset (pre-commit passes changed files)
        elif path.is_dir() and (path / DESCRIPTOR).exists():
            folders.append(path)
        elif path.is_dir():
            try:
                children = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
            except OSError as error:
                problems.append(
                    problem(
                        "path-unreadable",
                        f"{display_path(path)} ne peut pas être lu ({error.strerror or type(error).__name__}).",
                        "Vérifiez que vous avez le droit de lire ce dossier.",
                        file=display_path(path),
                    )
                )
                continue
            folders.extend(children)
            if not children and _only_hidden(path):
                # A datasets/ folder fresh from portal init (a .gitkeep at most): a new portal, not a mistake.
                problems.append(
                    problem(
                        "datasets-empty",
                        f"{display_path(path)} ne contient encore aucun jeu de données.",
                        "Ajoutez-en un depuis un export de tableur : portal new NOM --from export.csv.",
                        file=display_path(path),
                    )
                )
            elif not children:
                problems.append(
                    problem(
                        "descriptor-missing",
                        f"{display_path(path)} ne contient aucun jeu de données.",
                        "Donnez le dossier d'un jeu (qui contient datapackage.json) ou un dossier de jeux.",
                        file=display_path(path),
                    )
                )
        else:
            problems.append(
                problem(
                    "path-not-found",
                    f"{path} n'existe pas.",
                    "Vérifiez le chemin : un dossier de jeu, son datapackage.json ou le dossier datasets/.",
                    file=str(path),
                )
            )
    unique = list(dict.fromkeys(folder.resolve() for folder in folders))
    return [Path(display_path(f)) for f in unique], problems


def _owning_dataset(path: Path) -> Path | None:
    """The nearest folder above a file that holds a datapackage.json."""
    for folder in path.resolve().parents:
        if (folder / DESCRIPTOR).is_file():
            return folder
    return None


def load_catalogue(root: Path = Path("datasets")) -> list[Dataset]:
    """Every dataset under ``root``, sorted by name."""
    folders, _ = dataset_folders([root])
    return [load_dataset(folder) for folder in folders]
