"""What text from a data package may carry into an output, as pure functions.

A package is input from strangers. The rules, applied where its text enters an output:

- ``clean``: no control character (C0 but tab, LF and CR; DEL; C1), no non-character and no lone
  surrogate. XML 1.0 cannot hold them at all, HTML counts them as parse errors, and a lone
  surrogate (``"\\ud800"`` in JSON) cannot even be encoded to UTF-8. The loader applies it to
  every string of a descriptor, so pages, feed, DCAT and JSON-LD only ever see clean text.
- ``escapes_control_character``: the same characters written by an escape in a Vega expression.
- ``for_terminal``: nothing from the data reaches a terminal unescaped (ANSI and OSC sequences,
  bidirectional overrides), whatever the output format.
- ``web_url`` and ``email_address``: only absolute http(s) URLs become links in JSON-LD, DCAT
  and the feed; ``javascript:``, ``data:``, ``file:``, relative paths and malformed URLs do not.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Replaced: lone surrogates (no character at all). Removed: the rest.
SURROGATE = re.compile(r"[\ud800-\udfff]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
REPLACEMENT = "\ufffd"

# The bidirectional controls that reorder what is displayed ("Trojan Source"), and the line and
# paragraph separators: escaped for a terminal, refused in an address.
BIDI = "\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
UNSAFE_FOR_TERMINAL = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff{BIDI}]")
UNSAFE_KEEPING_LINES = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff{BIDI}]")
# What json.dumps(ensure_ascii=False) leaves raw: it escapes C0 controls itself, and the newlines
# of its indentation are not inside strings.
UNSAFE_IN_JSON = re.compile(f"[\x7f-\x9f\ud800-\udfff{BIDI}]")

# An escape in a Vega expression string ('\\u0001', '\\x00', '\\0', '\\b'): evaluated, it would put a
# character XML cannot hold into the chart's SVG, and vl-convert aborts the whole process on it.
# An escaped backslash (``\\\\b``) is no escape: only an odd run of backslashes counts.
EXPRESSION_ESCAPE = re.compile(
    r"(?<!\\)(?:\\\\)*\\(?:(0)|(b)|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|u\{([0-9a-fA-F]{1,6})\})"
)

# Characters an IRI may not hold (RFC 3987), which rdflib refuses as well, and the bidirectional
# controls that would display an address other than the one followed.
NOT_IN_URL = re.compile(f'[\x00-\x20\x7f-\x9f<>"{{}}|\\\\^`\ud800-\udfff{BIDI}]')
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")


def has_unsafe(text: str) -> bool:
    """Whether ``clean`` would change ``text``."""
    return CONTROL.search(text) is not None or SURROGATE.search(text) is not None


def clean(text: str) -> str:
    """``text`` without control characters; lone surrogates become U+FFFD."""
    if not has_unsafe(text):
        return text
    return CONTROL.sub("", SURROGATE.sub(REPLACEMENT, text))


def clean_tree(value: object) -> tuple[object, list[str]]:
    """A JSON value with every string (keys too) cleaned, and the paths of the strings changed.

    Iterative, so that a deeply nested value cannot exhaust the interpreter's stack.
    """
    changed: list[str] = []

    def fix(text: str, path: str) -> str:
        if has_unsafe(text):
            changed.append(path or "(racine)")
            return clean(text)
        return text

    if isinstance(value, str):
        return fix(value, ""), changed
    if not isinstance(value, (dict, list)):
        return value, changed
    root: dict | list = {} if isinstance(value, dict) else []
    pending = [(value, root, "")]
    while pending:
        source, target, path = pending.pop()
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, item in items:
            if isinstance(source, dict):
                key = fix(key, f"{path}.{clean(key)}" if path else clean(key))
                where = f"{path}.{key}" if path else key
            else:
                where = f"{path}[{key}]"
            if isinstance(item, (dict, list)):
                copy: dict | list = {} if isinstance(item, dict) else []
                pending.append((item, copy, where))
                item = copy
            elif isinstance(item, str):
                item = fix(item, where)
            if isinstance(target, dict):
                target[key] = item
            else:
                target.append(item)
    return root, list(dict.fromkeys(changed))


def strings(value: object) -> list[tuple[str, str]]:
    """Every string of a JSON value with its path (``layer[0].mark.text``), walked without recursion."""
    found: list[tuple[str, str]] = []
    pending: list[tuple[object, str]] = [(value, "")]
    while pending:
        item, path = pending.pop()
        if isinstance(item, str):
            found.append((path, item))
        elif isinstance(item, dict):
            pending.extend((child, f"{path}.{key}" if path else str(key)) for key, child in item.items())
        elif isinstance(item, list):
            pending.extend((child, f"{path}[{index}]") for index, child in enumerate(item))
    return sorted(found)


def _xml_character(code: int) -> bool:
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def escapes_control_character(text: str) -> bool:
    """Whether ``text``, read as a Vega expression, writes a character that XML cannot hold."""
    for match in EXPRESSION_ESCAPE.finditer(text):
        nul, backspace, *digits = match.groups()
        code = 0 if nul else 8 if backspace else int(next(d for d in digits if d), 16)
        if not _xml_character(code):
            return True
    return False


def printable(text: object) -> str:
    """``text`` as a message may quote it: every character that does not print written as Python
    writes it in a literal (``\\n``, ``\\x1b``, ``\\u202e``)."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in str(text))


def for_terminal(text: object, keep_newlines: bool = False) -> str:
    """``text`` with every character a terminal would interpret written as an escape (``\\x1b``)."""
    pattern = UNSAFE_KEEPING_LINES if keep_newlines else UNSAFE_FOR_TERMINAL

    def escape(match: re.Match) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return pattern.sub(escape, str(text))


def json_for_terminal(text: str) -> str:
    """JSON text with the characters ``json.dumps(ensure_ascii=False)`` leaves raw (C1 controls,
    lone surrogates, bidirectional controls) written as ``\\uXXXX`` escapes: still the same JSON.
    Turtle reads the same escapes in its strings and IRIs, so a catalogue goes through it too."""
    return UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def web_url(value: object) -> str | None:
    """``value`` if it is an absolute http(s) URL with a host that any RDF or HTML writer accepts."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or NOT_IN_URL.search(url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return url


def email_address(value: object) -> str | None:
    """``value`` if it is a plain e-mail address, fit for a ``mailto:`` link."""
    if not isinstance(value, str):
        return None
    address = value.strip()
    return address if EMAIL.fullmatch(address) else None


def unexpected(error: BaseException) -> str:
    """One line for an exception that should not have happened (a bug of ours), and what to do."""
    lines = str(error).strip().splitlines()
    detail = for_terminal(lines[0][:300]) if lines else ""
    return (
        f"défaut inattendu de portal ({type(error).__name__}{': ' + detail if detail else ''}) ; "
        "signalez-le avec le jeu de données en cause."
    )
