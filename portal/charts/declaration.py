"""Chart declarations: the ``views`` list of a data package, read and checked.

A view names a resource, a chart type and the fields for each channel. Checking is pure:
it needs the descriptor only, so ``portal validate`` runs it without reading any data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portal.paths import MAX_NAME, NAME_RULE, name_fault, shown_name, suggest_name

# Chart type -> (the channel carrying the numeric value, the category channel, required channels).
CHART_TYPES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "bar": ("y", "x", ("x", "y")),
    "horizontal-bar": ("x", "y", ("x", "y")),
    "grouped-bar": ("x", "y", ("x", "y", "color")),
    "stacked-bar": ("x", "y", ("x", "y", "color")),
    "line": ("y", "x", ("x", "y")),
    "dot": ("x", "y", ("x", "y")),
}
RAW = "vega-lite"
CHANNELS = ("x", "y", "color", "facet")
NUMERIC = {"integer", "number"}
FORMATS = ("nombre", "pourcentage", "euros")
AGGREGATES = ("sum", "mean", "median", "min", "max", "count")
# The texts drawn on a chart: vl-convert takes seconds per chart on a title of 100,000 characters.
TEXT_BOUNDS = {"title": 300, "subtitle": 500, "source": 500, "base": 300, "description": 5000}
# A chart never inlines more rows than this: aggregate first (see portal/site/docs/reference/graphiques.md).
MAX_ROWS = 5000


@dataclass(frozen=True)
class ViewProblem:
    code: str
    message: str
    fix: str
    field: str | None = None


@dataclass
class View:
    name: str
    resource: str
    type: str
    title: str
    x: str | None = None
    y: str | None = None
    color: str | None = None
    facet: str | None = None
    subtitle: str | None = None
    source: str | None = None
    filter: dict[str, Any] = field(default_factory=dict)
    sort: str | None = None
    format: str | None = None
    aggregate: str | None = None
    base: str | None = None
    description: str | None = None
    spec: dict[str, Any] | None = None
    declaration: dict[str, Any] = field(default_factory=dict)

    @property
    def value_channel(self) -> str | None:
        return CHART_TYPES[self.type][0] if self.type in CHART_TYPES else None

    @property
    def category_channel(self) -> str | None:
        return CHART_TYPES[self.type][1] if self.type in CHART_TYPES else None

    @property
    def value_field(self) -> str | None:
        return getattr(self, self.value_channel) if self.value_channel else None

    @property
    def category_field(self) -> str | None:
        return getattr(self, self.category_channel) if self.category_channel else None

    @property
    def fields(self) -> list[str]:
        """The fields the chart shows, in a stable order, for its data table and CSV."""
        channels = [self.category_channel, "color", "facet", self.value_channel] if self.type != RAW else []
        named = [getattr(self, c) for c in channels if c]
        return list(dict.fromkeys(f for f in named if f))


def _fields_of(descriptor: dict[str, Any], resource_name: str) -> dict[str, str] | None:
    for resource in descriptor.get("resources") or []:
        if isinstance(resource, dict) and resource.get("name") == resource_name:
            from portal.dataset import resource_schema

            fields = resource_schema(resource).get("fields")
            if not isinstance(fields, list):
                return {}
            return {f["name"]: f.get("type", "string") for f in fields if isinstance(f, dict) and "name" in f}
    return None


def read_views(descriptor: dict[str, Any]) -> tuple[list[View], list[ViewProblem]]:
    """Every well-formed view, and a problem for each declaration that is not."""
    declared = descriptor.get("views")
    if declared is None:
        return [], []
    if not isinstance(declared, list):
        return [], [ViewProblem("view-invalid", "`views` doit être une liste.", 'Écrivez "views": [ {…}, … ].')]
    views: list[View] = []
    problems: list[ViewProblem] = []
    seen: set[str] = set()
    for index, item in enumerate(declared):
        view, found = _read_view(descriptor, index, item)
        problems += found
        if view is not None and view.name in seen:
            problems.append(
                ViewProblem(
                    "view-invalid",
                    f"deux vues s'appellent « {view.name} »",
                    "Donnez à chaque vue un `name` unique.",
                )
            )
            continue
        if view is not None and not found:
            seen.add(view.name)
            views.append(view)
    return views, problems


def _read_view(descriptor: dict[str, Any], index: int, item: Any) -> tuple[View | None, list[ViewProblem]]:
    if not isinstance(item, dict):
        return None, [
            ViewProblem(
                "view-invalid", f"la vue n° {index + 1} n'est pas un objet", "Décrivez chaque vue par un objet JSON."
            )
        ]
    name = item.get("name")
    label = f"la vue « {shown_name(name)} »" if isinstance(name, str) and name else f"la vue n° {index + 1}"
    problems: list[ViewProblem] = []
    if not isinstance(name, str) or not name:
        problems.append(
            ViewProblem("view-invalid", f"{label} n'a pas de `name`", "Donnez un identifiant à la vue (`name`).")
        )
    elif name_fault(name):
        # The name becomes the chart's file names (graphiques/<jeu>/<vue>.svg): the one naming rule.
        problems.append(
            ViewProblem(
                "name-unsafe",
                f"la vue n° {index + 1} s'appelle « {shown_name(name)} », qui {name_fault(name)} : ce nom "
                "deviendrait un nom de fichier et une adresse du portail",
                f"Renommez-la, par exemple « {suggest_name(name)} » : {NAME_RULE}, {MAX_NAME} caractères au plus.",
                "name",
            )
        )
    chart_type = item.get("type")
    if chart_type not in (*CHART_TYPES, RAW):
        allowed = ", ".join((*CHART_TYPES, RAW))
        problems.append(
            ViewProblem(
                "view-type-unknown",
                f"{label} : type de graphique « {chart_type} » inconnu",
                f"Choisissez parmi : {allowed}.",
                "type",
            )
        )
        return None, problems
    if not isinstance(item.get("title"), str) or not item["title"].strip():
        problems.append(
            ViewProblem(
                "view-invalid",
                f"{label} n'a pas de titre",
                "Donnez un `title` à la vue : il s'affiche sur le graphique.",
            )
        )
    for key, bound in TEXT_BOUNDS.items():
        text = item.get(key)
        if isinstance(text, str) and len(text) > bound:
            problems.append(
                ViewProblem(
                    "view-invalid",
                    f"{label} : `{key}` fait {len(text)} caractères (au plus {bound})",
                    f"Raccourcissez `{key}` : il est dessiné sur le graphique.",
                    key,
                )
            )
    resource = item.get("resource")
    fields = _fields_of(descriptor, resource) if isinstance(resource, str) else None
    if fields is None:
        problems.append(
            ViewProblem(
                "view-resource-unknown",
                f"{label} : la ressource « {resource} » n'existe pas",
                "Indiquez dans `resource` le nom d'une ressource du jeu.",
                "resource",
            )
        )
        return None, problems
    view = View(
        name=name if isinstance(name, str) else f"vue-{index + 1}",
        resource=resource,
        type=chart_type,
        title=str(item.get("title") or ""),
        subtitle=item.get("subtitle"),
        source=item.get("source"),
        filter=item.get("filter") if isinstance(item.get("filter"), dict) else {},
        sort=item.get("sort"),
        format=item.get("format"),
        aggregate=item.get("aggregate"),
        base=item.get("base"),
        description=item.get("description"),
        spec=item.get("spec"),
        declaration=item,
        **{c: item.get(c) for c in CHANNELS},
    )
    problems += _check_fields(view, label, fields)
    return view, problems


def _check_fields(view: View, label: str, fields: dict[str, str]) -> list[ViewProblem]:
    problems: list[ViewProblem] = []

    def unknown(field_name: str, role: str) -> ViewProblem:
        return ViewProblem(
            "view-field-unknown",
            f"{label} : le champ « {field_name} » ({role}) n'existe pas dans la ressource « {view.resource} »",
            f"Choisissez un champ de la ressource : {', '.join(fields)}.",
            field_name,
        )

    if view.type == RAW:
        if not isinstance(view.spec, dict):
            problems.append(
                ViewProblem(
                    "view-invalid",
                    f"{label} : une vue vega-lite demande une `spec` (objet)",
                    "Donnez la spécification Vega-Lite dans `spec`.",
                )
            )
        else:
            problems += _check_raw_spec(view.spec, label)
        return problems
    for channel in CHART_TYPES[view.type][2]:
        if not getattr(view, channel):
            problems.append(
                ViewProblem(
                    "view-invalid",
                    f"{label} : le canal `{channel}` est obligatoire pour un graphique {view.type}",
                    f"Indiquez le champ à porter en `{channel}`.",
                    channel,
                )
            )
    for channel in CHANNELS:
        value = getattr(view, channel)
        if value is not None and not isinstance(value, str):
            problems.append(
                ViewProblem(
                    "view-invalid",
                    f"{label} : `{channel}` doit être un nom de champ",
                    "Écrivez le nom du champ entre guillemets.",
                    channel,
                )
            )
        elif value and value not in fields:
            problems.append(unknown(value, channel))
    value_field = view.value_field
    if value_field in fields and fields[value_field] not in NUMERIC and view.aggregate != "count":
        problems.append(
            ViewProblem(
                "view-type-mismatch",
                f"{label} : le champ « {value_field} » porte les valeurs (`{view.value_channel}`) mais il est de type {fields[value_field]}",
                'Portez en valeur un champ integer ou number, ou utilisez "aggregate": "count".',
                value_field,
            )
        )
    for field_name in view.filter:
        if field_name not in fields:
            problems.append(unknown(field_name, "filtre"))
    if view.sort not in (None, "x", "-x", "y", "-y", "none"):
        problems.append(
            ViewProblem(
                "view-invalid",
                f"{label} : tri « {view.sort} » inconnu",
                'Triez par "x", "-x", "y", "-y" ou "none".',
                "sort",
            )
        )
    if view.format not in (None, *FORMATS):
        problems.append(
            ViewProblem(
                "view-invalid",
                f"{label} : format « {view.format} » inconnu",
                f"Choisissez parmi : {', '.join(FORMATS)}.",
                "format",
            )
        )
    if view.aggregate not in (None, *AGGREGATES):
        problems.append(
            ViewProblem(
                "view-invalid",
                f"{label} : agrégat « {view.aggregate} » inconnu",
                f"Choisissez parmi : {', '.join(AGGREGATES)}.",
                "aggregate",
            )
        )
    return problems


def _check_raw_spec(spec: dict[str, Any], label: str) -> list[ViewProblem]:
    """A raw spec loads nothing from elsewhere and generates no more than the portal draws."""
    from portal.charts.spec_safety import MAX_PIXELS, MAX_SPEC_CHARS, remote_problems, size_problems

    problems = []
    too_large = size_problems(spec)
    if too_large:
        problems.append(
            ViewProblem(
                "view-spec-too-large",
                f"{label} : la spécification dépasse les limites du portail : {'; '.join(too_large[:3])}",
                f"Restez sous {MAX_ROWS} valeurs générées, {MAX_PIXELS} pixels de large ou de haut et "
                f"{MAX_SPEC_CHARS} caractères : mettez les données dans la ressource, pas dans `spec`.",
                "spec",
            )
        )
        if any(item.startswith("imbriquée") for item in too_large):
            return problems  # too deep to walk any further
    remote = remote_problems(spec)
    if remote:
        problems.append(
            ViewProblem(
                "view-spec-remote",
                f"{label} : la spécification désigne une adresse ou un lien : {'; '.join(remote[:3])}",
                "Retirez `url`, `href` et toute adresse de `spec` : un graphique ne montre que les données de "
                "sa ressource ; citez l'origine dans le `source` de la vue.",
                "spec",
            )
        )
    return problems
