"""Safe rendering: text from a data package never becomes markup.

Plain strings are escaped; package Markdown is rendered after escaping its HTML, links pointing
anywhere but http(s), mailto or the site itself are neutralised, and images from elsewhere become
links (portal.links): a page loads nothing from another host.
"""

from __future__ import annotations

import re
from html import escape

import yaml

from portal.links import render_markdown
from portal.text import clean


def esc(value: object) -> str:
    # No control character: HTML counts them as parse errors, and CSV cells may hold them.
    return escape(clean("" if value is None else str(value)), quote=True)


def markdown_inline(value: object) -> str:
    """Text safe inside a Markdown line (a heading): no HTML, no Markdown syntax."""
    # Quotes stay as they are: a heading is text, not an attribute, and the table of contents
    # would show an escaped apostrophe literally.
    text = escape(clean("" if value is None else str(value)), quote=False).replace("\n", " ")
    return re.sub(r"([\\`*_{}\[\]()#+!|~<>])", r"\\\1", text)


def markdown_block(text: object) -> str:
    """Package Markdown (descriptions, notes) as HTML without any markup of its own."""
    return compact(render_markdown(clean(str(text or ""))).html)


def compact(html: str) -> str:
    """No blank line inside an HTML block: Markdown would end the block there."""
    return "\n".join(line for line in html.splitlines() if line.strip())


def front_matter(meta: dict) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) + "---\n\n"


def json_for_script(text: str) -> str:
    """JSON placed inside <script>: no markup character at all, so nothing can close the element."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def markdown_short(text: object) -> str:
    """A short package text (a field or resource description) as HTML: inline when it is one
    paragraph, so that it fits a table cell or a sentence; escaped and checked as markdown_block."""
    html = markdown_block(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html
