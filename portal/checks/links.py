"""Addresses that become links: only absolute http(s) URLs and well-formed e-mails are published.

A ``javascript:``, ``data:`` or ``file:`` address, a relative path or a malformed URL (a space,
a ``>``) never reaches the pages' JSON-LD, the DCAT catalogue or the feed (portal.text.web_url):
this check says which were left out, so that the author can fix them.
"""

from __future__ import annotations

from collections.abc import Iterator

from portal.checks.base import Context
from portal.dataset import display_path
from portal.problems import Problem, problem
from portal.text import email_address, web_url

NAME = "links"
SHOWN = 80  # characters of a rejected address quoted in the message


def addresses(descriptor: dict) -> Iterator[tuple[str, str, object]]:
    """(kind, JSON path, value) of every address the outputs may publish."""
    yield "url", "homepage", descriptor.get("homepage")
    for key in ("sources", "contributors", "licenses"):
        items = descriptor.get(key)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                yield "url", f"{key}[{index}].path", item.get("path")
                if key == "contributors":
                    yield "email", f"{key}[{index}].email", item.get("email")


def _shown(value: str) -> str:
    return value if len(value) <= SHOWN else value[: SHOWN - 1] + "…"


def run(context: Context) -> Iterator[Problem]:
    where = display_path(context.dataset.descriptor_path)
    for kind, path, value in addresses(context.dataset.descriptor or {}):
        if not isinstance(value, str) or not value.strip():
            continue  # absent, or of the wrong type: the profile check says so
        if kind == "url" and web_url(value) is None:
            yield problem(
                "url-not-web",
                f"{where} : {path} « {_shown(value)} » n'est pas une adresse http(s) valide ; elle n'est pas publiée.",
                'Donnez une adresse complète en https://… (sans espace ni < > " { } | ^ `), ou retirez-la.',
                file=where,
                field=path,
            )
        elif kind == "email" and email_address(value) is None:
            yield problem(
                "email-invalid",
                f"{where} : {path} « {_shown(value)} » n'est pas une adresse e-mail valide ; elle n'est pas publiée.",
                "Donnez une adresse de la forme nom@domaine.fr, sans espace ni chevron.",
                file=where,
                field=path,
            )
