"""A Content-Security-Policy on every built page, as a ``<meta http-equiv>`` (GitHub Pages sets no headers).

Everything a page loads comes from the site itself (``default-src 'self'``). Inline scripts run
only if their sha256 is in the policy, and only the theme's own get one: mkdocs-material writes two
small scripts on every page, whose text depends on the page's depth. Each inline script of a built
page is compared with the theme's templates (its ``{{ … }}`` values standing for any text that
cannot leave a string), and hashed only if it is one of them; any other inline script, one that a
package managed to slip into a page included, is blocked, and the build says so. Data blocks
(``application/json``, ``application/ld+json``) are not scripts and need no hash.

The charts need no ``'unsafe-eval'``: charts.js asks vega for its expression interpreter (``ast``)
instead of code generation with ``Function``. The search needs ``'wasm-unsafe-eval'``, which allows
compiling WebAssembly and nothing else: Pagefind reads its index with a small wasm module.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

INLINE_SCRIPT = re.compile(r"<script(?P<attributes>(?:\s[^>]*)?)>(?P<body>.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
TYPE = re.compile(r"""\stype\s*=\s*["']?([^"'\s>]*)""", re.IGNORECASE)
HEAD = re.compile(r"<head\b[^>]*>(?:\s*<meta\s+charset=[^>]*>)?", re.IGNORECASE)
MARKER = 'http-equiv="Content-Security-Policy"'

DIRECTIVES = (
    "default-src 'self'",
    # 'wasm-unsafe-eval': the search (Pagefind) runs its index reader as WebAssembly, which a policy
    # without it refuses to compile. It allows WebAssembly only, not eval() or new Function() for
    # scripts; the module and the index come from the site itself, by fetch (connect-src 'self').
    "script-src 'self' 'wasm-unsafe-eval'{hashes}",
    # Styles from the site only. No 'unsafe-inline': no page has a style attribute or a <style>
    # element, and charts.js turns off the style elements vega-embed and vega-tooltip would add
    # (their rules are in portal.css). Styles set from scripts (element.style) are not affected.
    "style-src 'self'",
    # data: for the small images the theme and the charts draw inline.
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",  # the search (Pagefind) answers queries in a worker, pagefind/pagefind-worker.js
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)


# A template value inside a theme script (a base URL such as "../..", "/", an identifier): path
# segments only, so it can neither end the string nor name a scheme (javascript:) or a host (//).
SEGMENT = r"[A-Za-z0-9_.-]+"
TEMPLATE_VALUE = rf"(?:{SEGMENT})?(?:/{SEGMENT})*/?"
JINJA_VALUE = re.compile(r"\{\{.*?\}\}", re.DOTALL)
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)


def theme_scripts(template_dirs: list[Path]) -> list[re.Pattern]:
    """The inline scripts the theme's templates may write, each as a pattern of its rendered text."""
    patterns = {}
    for folder in template_dirs:
        for template in sorted(Path(folder).rglob("*.html")):
            source = JINJA_COMMENT.sub("", template.read_text("utf-8"))
            for match in INLINE_SCRIPT.finditer(source):
                body = match.group("body")
                if _is_data_or_external(match.group("attributes")) or "{%" in body or not body.strip():
                    continue
                parts = JINJA_VALUE.split(body)
                patterns[
                    "".join(map(re.escape, parts[:1])) + "".join(TEMPLATE_VALUE + re.escape(p) for p in parts[1:])
                ] = None
    return [re.compile(pattern, re.DOTALL) for pattern in patterns]


def _is_data_or_external(attributes: str) -> bool:
    if re.search(r"\ssrc\s*=", attributes, re.IGNORECASE):
        return True
    kind = TYPE.search(attributes)
    return (kind.group(1).lower() if kind else "") not in SCRIPT_TYPES


def _hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"


class _Scripts(HTMLParser):
    """The page's <script> elements as a browser reads them: a "<script>" inside an attribute value
    (which a minifier may leave unescaped there, where it is only text) is not one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[tuple[str, str]] = []  # (attributes, text)
        self._open: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open = "".join(f' {name}="{value or ""}"' for name, value in attrs)
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.found.append((self._open, "".join(self._text)))
            self._open = None


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script of a page (data blocks and external scripts left out)."""
    parser = _Scripts()
    parser.feed(html)
    parser.close()
    return [text for attributes, text in parser.found if not _is_data_or_external(attributes)]


def policy(html: str, allowed: list[re.Pattern]) -> tuple[str, list[str]]:
    """The page's policy, and the inline scripts it blocks (those that are not the theme's)."""
    scripts = inline_scripts(html)
    known = [s for s in scripts if any(p.fullmatch(s) for p in allowed)]
    hashes = "".join(f" {h}" for h in dict.fromkeys(map(_hash, known)))
    return "; ".join(d.format(hashes=hashes) for d in DIRECTIVES), [s for s in scripts if s not in known]


def with_policy(html: str, allowed: list[re.Pattern]) -> tuple[str, list[str]]:
    """The page with its policy first in <head> (after its charset), and the scripts it blocks."""
    if MARKER in html:
        return html, []
    head = HEAD.search(html)
    if head is None:
        return html, []  # not a page (a fragment, an XML file named .html)
    content, blocked = policy(html, allowed)
    meta = f'<meta {MARKER} content="{content}">'
    return html[: head.end()] + meta + html[head.end() :], blocked


def add_policies(site: Path, template_dirs: list[Path]) -> dict[str, list[str]]:
    """Every HTML page of a built site gets its policy; the pages with scripts it blocks."""
    allowed = theme_scripts(template_dirs)
    blocked_by_page = {}
    for page in sorted(site.rglob("*.html")):
        text = page.read_text("utf-8")
        updated, blocked = with_policy(text, allowed)
        if updated != text:
            page.write_text(updated, "utf-8")
        if blocked:
            blocked_by_page[page.relative_to(site).as_posix()] = blocked
    return blocked_by_page
