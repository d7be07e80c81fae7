"""Matching a file's headers to a Table Schema's fields, and arranging the columns in its order.

Headers match fields whatever their case, accents, spaces, underscores or hyphens:
``Nom_Attribuant``, ``nomattribuant`` and ``Nom attribuant`` are all ``nomAttribuant``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from portal.normalise import label_key


@dataclass
class HeaderMatch:
    mapping: dict[str, str]  # header → field name, for every matched header
    unmatched: list[str]  # headers that match no field (kept, after the schema's columns)
    missing: list[str]  # fields that no header matches (added as empty columns)
    missing_required: list[str]  # among them, the required ones
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # field → headers that all match it

    @property
    def renamed(self) -> dict[str, str]:
        return {header: name for header, name in self.mapping.items() if header != name}


def required(schema_field: dict[str, Any]) -> bool:
    constraints = schema_field.get("constraints")
    return isinstance(constraints, dict) and constraints.get("required") is True


def match_headers(headers: list[str], fields: list[dict[str, Any]]) -> HeaderMatch:
    """Which header is which field; a field matched by two headers takes neither."""
    by_key = {label_key(str(f.get("name", ""))): str(f.get("name", "")) for f in fields}
    candidates: dict[str, list[str]] = defaultdict(list)
    for header in headers:
        name = by_key.get(label_key(header)) if header else None
        if name is not None:
            candidates[name].append(header)
    mapping = {found[0]: name for name, found in candidates.items() if len(found) == 1}
    ambiguous = {name: found for name, found in candidates.items() if len(found) > 1}
    names = [str(f.get("name", "")) for f in fields]
    matched = set(mapping.values())
    missing = [name for name in names if name not in matched]
    return HeaderMatch(
        mapping=mapping,
        unmatched=[h for h in headers if h not in mapping],
        missing=missing,
        missing_required=[str(f.get("name")) for f in fields if str(f.get("name")) in missing and required(f)],
        ambiguous=ambiguous,
    )


def arrange(
    headers: list[str], rows: list[list[str]], match: HeaderMatch, fields: list[dict[str, Any]]
) -> tuple[list[str], list[list[str]]]:
    """The columns in the schema's order, under its names (an absent field is an empty column),
    then the headers that match no field, unchanged; cells beyond the last header stay at the end."""
    by_field = {name: header for header, name in match.mapping.items()}
    position = {header: index for index, header in reversed(list(enumerate(headers)))}  # the first of equal headers
    sources: list[int | None] = [
        position[by_field[name]] if name in by_field else None for name in (str(f.get("name")) for f in fields)
    ]
    sources += [index for index, header in enumerate(headers) if header not in match.mapping]
    labels = [str(f.get("name")) for f in fields] + [h for h in headers if h not in match.mapping]

    def cell(row: list[str], index: int | None) -> str:
        return row[index] if index is not None and index < len(row) else ""

    return labels, [[cell(row, index) for index in sources] + row[len(headers) :] for row in rows]
