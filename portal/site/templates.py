"""The Jinja2 environment the pages are rendered with.

Every value printed by ``{{ … }}`` is escaped, unless a function that produces safe HTML (package
Markdown rendered by portal.links, a macro's output) marked it ``Markup``. A name missing from the
data is an error, not an empty string (``StrictUndefined``).
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from portal.site.html import compact, esc, markdown_inline


def _escaped(value: object) -> object:
    # Jinja's own escape writes &#39; and &#34; and keeps control characters; ``esc`` writes
    # &#x27; and &quot; and drops them (portal.text.clean), as the pages always have. Markup is
    # already safe and passes. ``|join`` and ``~`` would escape with Jinja's function, so the data
    # functions join text in Python and the templates print it once.
    return value if hasattr(value, "__html__") else Markup(esc(value))


def _heading(value: object) -> Markup:
    # markdown_inline escapes HTML and Markdown syntax: safe on a Markdown heading line.
    return Markup(markdown_inline(value))


def _compact(html: str) -> Markup:
    # The block was rendered by the template, every value in it escaped: still safe once compacted.
    return Markup(compact(str(html)))


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("portal.site", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        finalize=_escaped,
    )
    env.filters["heading"] = _heading
    env.filters["compact"] = _compact
    return env


def render(template: str, **data: object) -> str:
    return str(environment().get_template(template).render(**data))
