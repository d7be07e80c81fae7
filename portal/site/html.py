"""Safe rendering: text from a data package never becomes markup.

Plain strings are escaped; package Markdown is rendered after escaping its HTML, and links or
images pointing anywhere but http(s), mailto or the site itself are neutralised.
"""

from __future__ import annotations

import re
from html import escape

import yaml

from portal.text import clean

SAFE_URL = re.compile(r"^(https?:|mailto:|#|/|\.|[a-zA-Z0-9_-]+(/|\.|$))")
LINK = re.compile(r'(<(?:a|img)\b[^>]*?\s(?:href|src)=")([^"]*)(")')


def esc(value: object) -> str:
    # No control character: HTML counts them as parse errors, and CSV cells may hold them.
    return escape(clean("" if value is None else str(value)), quote=True)


def markdown_inline(value: object) -> str:
    """Text safe inside a Markdown line (a heading): no HTML, no Markdown syntax."""
    # Quotes stay as they are: a heading is text, not an attribute, and the table of contents
    # would show an escaped apostrophe literally.
    text = escape(clean("" if value is None else str(value)), quote=False).replace("\n", " ")
    return re.sub(r"([\\`*_{}\[\]()#+!|~<>])", r"\\\1", text)


def _safe_link(match: re.Match) -> str:
    url = match.group(2)
    plain = url.replace("&amp;", "&").strip().lower()
    return (
        match.group(1)
        + (url if SAFE_URL.match(plain) and not plain.startswith(("javascript", "data", "vbscript")) else "#")
        + match.group(3)
    )


def markdown_block(text: object) -> str:
    """Package Markdown (descriptions, notes) as HTML without any markup of its own."""
    import markdown

    rendered = markdown.markdown(escape(clean(str(text or "")), quote=False), extensions=["tables", "sane_lists"])
    return compact(LINK.sub(_safe_link, rendered))


def compact(html: str) -> str:
    """No blank line inside an HTML block: Markdown would end the block there."""
    return "\n".join(line for line in html.splitlines() if line.strip())


def front_matter(meta: dict) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) + "---\n\n"


def json_for_script(text: str) -> str:
    """JSON placed inside <script>: no markup character at all, so nothing can close the element."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def table(headers: list[str], rows: list[list[str]], caption: str, css: str = "portal-table") -> str:
    """A data table with a caption and column headers (RGAA: tables de données)."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<div class="table-wrap"><table class="{css}">\n<caption>{esc(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table></div>'
