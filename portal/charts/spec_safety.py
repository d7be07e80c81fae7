"""What a raw Vega-Lite spec may contain: nothing that loads from elsewhere, nothing unbounded.

A raw spec (``"type": "vega-lite"``) comes from a stranger's package and runs twice: in
vl-convert at build time, in every visitor's browser. So the whole spec is walked and refused
when it names a URL or a script scheme (any ``url`` or ``href`` key, any string that looks like a
URL) or when it would generate more than the portal draws (sequences, sizes, bins, density
steps, the spec's own size). Pure: the spec only, no data.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

from portal.charts.declaration import MAX_ROWS
from portal.text import printable

MAX_SPEC_CHARS = 50_000  # a hand-written spec is a few thousand characters; data belongs in the resource
MAX_DEPTH = 40  # Vega-Lite nests a few levels (layer in facet in concat); thousands would exhaust the stack
MAX_PIXELS = 2000  # width, height or step of a view: wider than any page, small enough for the PNG
MAX_FOLD = 100  # fields folded into rows: rows × fields stays within what a page can draw
MAX_BINS = 1000
MAX_ORDER = 20  # polynomial regression order

# Keys that load or link something: data.url, lookup from.data.url, an image mark's url channel,
# href (links and the hyperlink channel), usermeta (vega-embed reads embedOptions from it: loader,
# editor URL…), and vega's loader options.
FORBIDDEN_KEYS = {"url", "href", "usermeta", "loader", "baseURL"}
# Data generators that cost nothing to declare but can cover the page: only bounded ones pass.
GENERATORS = {"sequence", "sphere"}
# Expression functions that allocate as much as their arguments ask (an array, a padded string).
ALLOCATING = re.compile(r"\b(?:sequence|timeSequence|utcSequence|pad)\s*\(")
# A URL or a script scheme, as a browser reads it: tabs and newlines inside are ignored.
URL_LIKE = re.compile(
    r"(?i)(?:[a-z][a-z0-9+.-]*:/{2}|^\s*/{2}|^\s*\\{2}"
    r"|\b(?:javascript|vbscript|livescript|file|blob|filesystem|jar)\s*:"
    r"|\bdata\s*:\s*(?:[a-z]+/[a-z0-9.+-]+|,|;)|\burl\s*\()"
)
SCHEMA = re.compile(r"^https://vega\.github\.io/schema/vega-lite/v\d[\w.-]*\.json$")
SIZE_KEYS = {"width", "height", "step", "continuousWidth", "continuousHeight", "discreteWidth", "discreteHeight"}


def _where(path: tuple[str, ...]) -> str:
    # Keys come from the package: control characters are shown escaped, never sent to the terminal.
    return printable(".".join(path) or "spec")


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _walk(spec: Any) -> Iterator[tuple[tuple[str, ...], Any, Any]]:
    """(path, key, value) for every value of the spec, depth first, without recursion."""
    stack: list[tuple[tuple[str, ...], Any, Any]] = [((), None, spec)]
    while stack:
        path, key, value = stack.pop()
        yield path, key, value
        if len(path) > MAX_DEPTH:
            continue
        if isinstance(value, dict):
            stack += [((*path, str(k)), k, v) for k, v in reversed(value.items())]
        elif isinstance(value, list):
            stack += [((*path, str(i)), key, v) for i, v in reversed(list(enumerate(value)))]


def _sequence_count(sequence: Any) -> float:
    """How many values a ``sequence`` generator yields; infinity when it is not three plain numbers."""
    if not isinstance(sequence, dict):
        return math.inf
    start, stop = _number(sequence.get("start", 0)), _number(sequence.get("stop"))
    step = _number(sequence.get("step", 1))
    if start is None or stop is None or step is None or not all(map(math.isfinite, (start, stop, step))) or not step:
        return math.inf
    return max(0.0, math.ceil((stop - start) / step))


def remote_problems(spec: dict[str, Any]) -> list[str]:
    """Where the spec names something to load or follow: one line per place."""
    found = []
    for path, key, value in _walk(spec):
        if isinstance(key, str) and key in FORBIDDEN_KEYS and path and path[-1] == key:
            found.append(f"`{_where(path)}` (clé « {key} » interdite)")
        elif isinstance(key, str) and key in {"graticule"} and path and path[-1] == key:
            found.append(f"`{_where(path)}` (générateur « {key} » non autorisé)")
        elif isinstance(value, str) and URL_LIKE.search(re.sub(r"[\t\n\r]", "", value)):
            if path == ("$schema",) and SCHEMA.match(value):
                continue  # the schema's address is documentation, never fetched
            found.append(f"`{_where(path)}` (adresse ou schéma {value[:60]!r})")
    return found


def size_problems(spec: dict[str, Any]) -> list[str]:
    """What the spec would generate beyond the portal's bounds: one line per place."""
    depth = max(len(path) for path, _, _ in _walk(spec))
    if depth > MAX_DEPTH:
        return [f"imbriquée sur plus de {MAX_DEPTH} niveaux"]
    size = len(json.dumps(spec, ensure_ascii=False))
    found = [f"{size} caractères (au plus {MAX_SPEC_CHARS})"] if size > MAX_SPEC_CHARS else []
    for path, key, value in _walk(spec):
        where = _where(path)
        if isinstance(value, str) and ALLOCATING.search(value):
            found.append(f"`{where}` (fonction d'expression qui génère sans borne)")
        elif isinstance(value, dict) and "quantile" in value:
            step = _number(value.get("step", 0.01))
            if step is None or not 1 / MAX_ROWS <= step <= 1:
                found.append(f"`{where}.step` (un pas de quantiles entre 1/{MAX_ROWS} et 1)")
        if not isinstance(key, str) or not path or path[-1] != key:
            continue  # an item of a list: its key is the list's
        number = _number(value)
        if key in SIZE_KEYS and number is not None and not 0 <= number <= MAX_PIXELS:
            found.append(f"`{where}` = {value} (au plus {MAX_PIXELS} pixels)")
        elif key in {"sequence", "keyvals"} and isinstance(value, dict) and _sequence_count(value) > MAX_ROWS:
            found.append(f"`{where}` génère plus de {MAX_ROWS} valeurs")
        elif key in {"steps", "minsteps", "maxsteps"} and (number is None or not 0 <= number <= MAX_ROWS):
            found.append(f"`{where}` (au plus {MAX_ROWS} pas)")
        elif key == "bin" and isinstance(value, dict) and {"step", "steps", "minstep"} & set(value):
            found.append(f"`{where}` (donnez `maxbins` plutôt qu'un pas : un pas minuscule génère sans borne)")
        elif key == "maxbins" and (number is None or not 0 <= number <= MAX_BINS):
            found.append(f"`{where}` (au plus {MAX_BINS} classes)")
        elif key == "order" and number is not None and not 0 <= number <= MAX_ORDER:
            found.append(f"`{where}` (au plus {MAX_ORDER})")
        elif key == "fold" and isinstance(value, list) and len(value) > MAX_FOLD:
            found.append(f"`{where}` replie {len(value)} champs (au plus {MAX_FOLD})")
    return found
