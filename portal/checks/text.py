"""Control characters in the descriptor: removed on loading (portal.text), said here.

XML cannot hold them, HTML counts them as errors and a lone surrogate cannot be written at all:
the loader strips them so that pages, feed, DCAT and JSON-LD stay well-formed, and this check
names each text it changed so that the author can fix the source. A raw Vega-Lite spec may also
write one through an expression escape (``'\\u0001'``): that chart cannot be drawn, an error.
"""

from __future__ import annotations

from collections.abc import Iterator

from portal.checks.base import Context
from portal.dataset import display_path
from portal.problems import Problem, problem
from portal.text import escapes_control_character, strings

NAME = "text"


def run(context: Context) -> Iterator[Problem]:
    where = display_path(context.dataset.descriptor_path)
    for path in context.dataset.cleaned:
        yield problem(
            "text-control-characters",
            f"{where} : « {path} » contient des caractères de contrôle ou invalides, retirés des pages et du catalogue.",
            "Retirez-les du texte (souvent un copier-coller depuis un terminal ou un traitement de texte).",
            file=where,
            field=path,
        )
    views = context.dataset.get("views")
    for index, view in enumerate(views if isinstance(views, list) else []):
        if not isinstance(view, dict) or not isinstance(view.get("spec"), dict):
            continue
        for path, text in strings(view["spec"]):
            if escapes_control_character(text):
                yield problem(
                    "text-control-escape",
                    f"{where} : views[{index}].spec.{path} écrit un caractère de contrôle (échappement \\u…, \\x…, \\0 ou \\b).",
                    "Retirez cet échappement : le dessin du graphique (SVG) ne peut pas contenir ce caractère.",
                    file=where,
                    field=f"views[{index}].spec.{path}",
                )
