"""Which addresses from a package may become a live link or load in a page, read as a browser reads them.

A browser decodes character references in an attribute, drops tabs and newlines anywhere in a
URL and control characters or spaces around it, and reads the scheme case-insensitively; so
``jav&#x61;script:``, ``JaVa\\tScRiPt:`` or ``\\x01javascript:`` are all ``javascript:``. The
checks here see the address in that same form. Shared by the pages and ``portal validate``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

LINK_SCHEMES = {"http", "https", "mailto"}
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# What the URL parser ignores: C0 controls and spaces around the address, tab and newlines inside.
AROUND = "".join(map(chr, range(0x21)))
INSIDE = re.compile(r"[\t\n\r]")
CONTROL = re.compile(r"[\x00-\x20\x7f]")


def browser_form(url: str) -> str:
    """The address as the browser's URL parser receives it from an HTML attribute."""
    return INSIDE.sub("", unescape(url).strip(AROUND))


def scheme(url: str) -> str | None:
    match = SCHEME.match(browser_form(url))
    return match.group(1).lower() if match else None


def is_remote(url: str) -> bool:
    """An address that leaves the site: any scheme, or a network path (``//host``, ``\\\\host``)."""
    form = browser_form(url)
    return scheme(url) is not None or form[:2].replace("\\", "/") == "//"


def _readings(url: str) -> list[str]:
    """The address as the browser reads it, and as it reads once more decoded (entities, percents):
    an address that hides a scheme under one more encoding is refused rather than linked."""
    from urllib.parse import unquote

    form = browser_form(url)
    twice = browser_form(form)
    return [form, twice, browser_form(unquote(twice))]


def safe_link(url: str) -> str | None:
    """The address a page may link to (http, https, mailto, or a path on the site), else None."""
    readings = _readings(url)
    if not readings[0] or CONTROL.search(readings[0]):
        return None
    schemes = {scheme(reading) for reading in readings} - {None}
    return readings[0] if schemes <= LINK_SCHEMES else None


MAX_MARKDOWN_CHARS = 20_000  # ten times the longest description of datasets/
MAX_MARKDOWN_BRACKETS = 1_000


@dataclass
class Rendered:
    html: str
    remote_images: list[str] = field(default_factory=list)  # turned into links
    unsafe_links: list[str] = field(default_factory=list)  # turned into plain text
    plain: bool = False  # too long or too nested for Markdown: shown as escaped plain text


def render_markdown(text: str) -> Rendered:
    """Package Markdown as HTML: its own HTML escaped, links made safe, remote images made links."""
    import markdown
    from markdown.extensions import Extension
    from markdown.treeprocessors import Treeprocessor

    rendered = Rendered("")

    class SafeAddresses(Treeprocessor):
        def run(self, root):
            for element in root.iter():
                if element.tag == "a" and safe_link(element.get("href", "")) is None:
                    rendered.unsafe_links.append(browser_form(element.get("href", "")))
                    _neutralise_link(element)
                elif element.tag == "a":
                    _neutralise_link(element)
                elif element.tag == "img" and is_remote(element.get("src", "")):
                    rendered.remote_images.append(browser_form(element.get("src", "")))
                    _image_as_link(element)

    class Addresses(Extension):
        def extendMarkdown(self, md):
            md.treeprocessors.register(SafeAddresses(md), "safe-addresses", 0)  # last: every link exists

    source = _escape_markup(text)
    # Python-Markdown is quadratic in '[' and recursive in nested lists: past these bounds a
    # description would take minutes or crash the build, so it is shown as plain text instead.
    if len(text) > MAX_MARKDOWN_CHARS or text.count("[") > MAX_MARKDOWN_BRACKETS:
        return _plain(text)
    try:
        rendered.html = markdown.markdown(source, extensions=["tables", "sane_lists", Addresses()])
    except RecursionError:
        return _plain(text)
    return rendered


def _plain(text: str) -> Rendered:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    html = "\n".join("<p>" + _escape_markup(p).replace("\n", "<br>") + "</p>" for p in paragraphs)
    return Rendered(html, plain=True)


def _escape_markup(text: str) -> str:
    from html import escape

    return escape(text, quote=False)


def _attribute(value: str) -> str:
    # Python-Markdown keeps "&…;" sequences as they are when it writes an attribute: escape every
    # "&" so that the browser decodes exactly the address that was checked.
    return value.replace("&", "&amp;")


def _neutralise_link(element) -> None:
    target = safe_link(element.get("href", ""))
    if target is None:
        element.tag = "span"  # the text stays, the link goes
        element.attrib.clear()
    else:
        element.set("href", _attribute(target))


def _image_as_link(element) -> None:
    """An image from elsewhere is not loaded by the page: a link to it, named by its alternative."""
    source, label = element.get("src", ""), element.get("alt") or ""
    target = safe_link(source) if scheme(source) in {"http", "https"} or scheme(source) is None else None
    element.attrib.clear()
    if target is None:
        element.tag = "span"
        element.text = label
    else:
        element.tag = "a"
        element.set("href", _attribute(target))
        element.text = f"Image : {label}" if label else "Image"
