"""Descriptions (Markdown): nothing they embed loads from another host, no link hides a script.

The pages render package Markdown safely whatever it says (portal.links): a remote image becomes
a link, a ``javascript:`` or ``data:`` link becomes plain text. This check tells the author so.
"""

from __future__ import annotations

from collections.abc import Iterator

from portal.checks.base import Context
from portal.dataset import display_path
from portal.problems import Problem, problem

NAME = "descriptions"
MARKDOWN_FIELDS = ("description", "notes")  # the properties the pages render as Markdown


def run(context: Context) -> Iterator[Problem]:
    from portal.links import render_markdown

    dataset = context.dataset
    where = display_path(dataset.descriptor_path)
    for name in MARKDOWN_FIELDS:
        text = dataset.get(name)
        if not isinstance(text, str) or not text.strip():
            continue
        rendered = render_markdown(text)
        if rendered.plain:
            yield problem(
                "description-plain-text",
                f"{where} : `{name}` ({len(text)} caractères) est trop longue ou trop imbriquée pour le Markdown ; la page la montre en texte brut.",
                "Raccourcissez-la (20 000 caractères au plus, 1 000 crochets au plus) et évitez les listes imbriquées sur des centaines de niveaux.",
                file=where,
                field=name,
            )
        for url in rendered.remote_images:
            yield problem(
                "description-remote-image",
                f"{where} : `{name}` affiche une image d'un autre site ({url[:80]!r}) ; la page en fait un lien.",
                "Publiez l'image avec le jeu ou remplacez-la par un lien : une page du portail ne charge rien d'ailleurs.",
                file=where,
                field=name,
            )
        for url in rendered.unsafe_links:
            yield problem(
                "description-unsafe-link",
                f"{where} : `{name}` contient un lien qui n'est pas une adresse web ({url[:80]!r}) ; la page n'en garde que le texte.",
                "Ne liez que des adresses http(s) ou mailto.",
                file=where,
                field=name,
            )
