"""A Content-Security-Policy on every built page, as a ``<meta http-equiv>`` (GitHub Pages sets no headers).

Everything a page loads comes from the site itself (``default-src 'self'``). Inline scripts run
only if their sha256 is in the policy: the theme's own (mkdocs-material writes two small ones on
every page, whose text depends on the page's depth) are hashed page by page, after the page is
written, so a script that a package managed to slip into a page would not run. Data blocks
(``application/json``, ``application/ld+json``) are not scripts and need no hash.

The charts need no ``'unsafe-eval'``: charts.js asks vega for its expression interpreter (``ast``)
instead of code generation with ``Function``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

INLINE_SCRIPT = re.compile(r"<script(?P<attributes>(?:\s[^>]*)?)>(?P<body>.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
TYPE = re.compile(r"""\stype\s*=\s*["']?([^"'\s>]*)""", re.IGNORECASE)
HEAD = re.compile(r"<head\b[^>]*>(?:\s*<meta\s+charset=[^>]*>)?", re.IGNORECASE)
MARKER = 'http-equiv="Content-Security-Policy"'

DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'{hashes}",
    # Styles from the site only. No 'unsafe-inline': no page has a style attribute or a <style>
    # element, and charts.js turns off the style elements vega-embed and vega-tooltip would add
    # (their rules are in portal.css). Styles set from scripts (element.style) are not affected.
    "style-src 'self'",
    # data: for the small images the theme and the charts draw inline.
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",  # the search index runs in a worker
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)


def _hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"


def inline_script_hashes(html: str) -> list[str]:
    """The sha256 source of every inline script of the page, in order, without repeats."""
    hashes = []
    for match in INLINE_SCRIPT.finditer(html):
        attributes = match.group("attributes")
        if re.search(r"\ssrc\s*=", attributes, re.IGNORECASE):
            continue
        kind = TYPE.search(attributes)
        if (kind.group(1).lower() if kind else "") not in SCRIPT_TYPES:
            continue  # a data block, never executed
        hashes.append(_hash(match.group("body")))
    return list(dict.fromkeys(hashes))


def policy(html: str) -> str:
    hashes = "".join(f" {h}" for h in inline_script_hashes(html))
    return "; ".join(directive.format(hashes=hashes) for directive in DIRECTIVES)


def with_policy(html: str) -> str:
    """The page with its policy first in <head> (after its charset), before anything it governs."""
    if MARKER in html:
        return html
    head = HEAD.search(html)
    if head is None:
        return html  # not a page (a fragment, an XML file named .html)
    meta = f'<meta {MARKER} content="{policy(html)}">'
    return html[: head.end()] + meta + html[head.end() :]


def add_policies(site: Path) -> int:
    """Every HTML page of a built site gets its policy; the number of pages."""
    count = 0
    for page in site.rglob("*.html"):
        text = page.read_text("utf-8")
        updated = with_policy(text)
        if updated != text:
            page.write_text(updated, "utf-8")
            count += 1
    return count
