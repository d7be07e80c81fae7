"""Survey pages: a dataset with the codebook resources ``questions`` and ``reponses`` gets a page
question by question, and surveys sharing question ids are compared on the évolution page."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from portal import formats, urls
from portal.site.pages import Entry, Site, TableData, _front_matter, _meta, chart_data
from portal.site.templates import render

INDEX = "enquetes/"
EVOLUTION = "enquetes/evolution/"


def is_survey(entry: Entry) -> bool:
    # A codebook too long to keep whole (portal/tables.py) gets no survey page.
    return all(name in entry.tables and entry.tables[name].rows is not None for name in ("questions", "reponses"))


def _records(data: TableData) -> list[dict[str, str]]:
    return [dict(zip(data.header, row, strict=False)) for row in data.rows]


def _value(record: dict[str, str]) -> str:
    """A published value in words a reader expects: "71 %", "1,82 € par habitant", "4 sur 10"."""
    raw = record.get("valeur", "")
    try:
        number = float(raw)
    except ValueError:
        return raw
    unit = record.get("unite", "nombre")
    if unit in {"pourcentage", "euros", "nombre", ""}:
        return formats.number(number, unit or "nombre")
    if unit == "euros-par-habitant":
        return formats.number(number, "euros") + " par habitant"
    if match := re.fullmatch(r"(?:nombre|note)-sur-(\d+)", unit):
        return f"{formats.number(number)} sur {match.group(1)}"
    return f"{formats.number(number)} ({unit})"


def _answers(records: list[dict[str, str]]) -> list[list[str]]:
    return [[r.get("reponse", ""), _value(r), r.get("texte_imprime", "")] for r in records]


def _edition(entry: Entry) -> str:
    records = _records(entry.tables["questions"])
    editions = sorted({r.get("edition", "") for r in records} - {""})
    return ", ".join(editions)


def _question(question: dict[str, str], wordings: list[dict[str, str]], records, charts, page) -> dict[str, Any]:
    question_id = question.get("question_id", "")
    libelle = question.get("libelle") or question_id
    return {
        "heading": libelle,
        "id": question_id,
        "type": question.get("type_question"),
        "base": question.get("base"),
        "sections": " ; ".join(sorted({q.get("source_section", "") for q in wordings} - {""})),
        "remark": question.get("remarque"),
        "charts": [chart_data(chart, page) for chart in charts] if records else [],
        "answers": _answers(records),
        "caption": f"Réponses publiées : {libelle}",
    }


def survey_page(entry: Entry, site: Site) -> str:
    page = urls.survey_page(entry.name)
    questions = _records(entry.tables["questions"])
    answers = defaultdict(list)
    for record in _records(entry.tables["reponses"]):
        answers[record.get("question_id")].append(record)
    charts = defaultdict(list)
    for chart in entry.charts:
        wanted = chart.view.filter.get("question_id")
        for question_id in wanted if isinstance(wanted, list) else [wanted]:
            charts[question_id].append(chart)
    title = f"{entry.dataset.title} : les résultats question par question"
    description = f"Chaque question de l'enquête, ses réponses publiées et leurs graphiques ({_edition(entry)})."
    shown: list[dict[str, Any]] = []
    seen: set[str] = set()
    for question in questions:
        question_id = question.get("question_id", "")
        if question_id in seen:
            continue  # the same question printed in two documents: one section, every wording
        seen.add(question_id)
        wordings = [q for q in questions if q.get("question_id") == question_id]
        shown.append(_question(question, wordings, answers.get(question_id, []), charts.get(question_id, []), page))
    return render(
        "survey.md.j2",
        front_matter=_front_matter(_meta(title, description, page, site)),
        title=title,
        dataset_href=urls.relative(urls.dataset_page(entry.name), page),
        dataset_title=entry.dataset.title,
        evolution_href=urls.relative(EVOLUTION, page),
        questions=shown,
        charts_js=urls.relative("assets/js/charts.js", page) if any(q["charts"] for q in shown) else None,
    )


def evolution_page(surveys: list[Entry], site: Site) -> str:
    """Every question id asked in two editions or more, side by side, as printed."""
    page = EVOLUTION
    by_question: dict[str, list[tuple[Entry, list[dict[str, str]], str]]] = defaultdict(list)
    for entry in sorted(surveys, key=lambda e: _edition(e)):
        questions = {q.get("question_id"): q.get("libelle", "") for q in _records(entry.tables["questions"])}
        answers = defaultdict(list)
        for record in _records(entry.tables["reponses"]):
            answers[record.get("question_id")].append(record)
        for question_id, wording in questions.items():
            by_question[question_id].append((entry, answers.get(question_id, []), wording))
    shared = {q: items for q, items in by_question.items() if len({e.name for e, _, _ in items}) > 1}
    title = "Évolution entre les éditions des baromètres"
    description = "Les questions posées dans plusieurs éditions, côte à côte, telles qu'imprimées."
    return render(
        "evolution.md.j2",
        front_matter=_front_matter(_meta(title, description, page, site)),
        title=title,
        surveys=[{"href": urls.relative(urls.survey_page(e.name), page), "title": e.dataset.title} for e in surveys],
        questions=[
            {
                "heading": items[-1][2] or question_id,
                "id": question_id,
                "editions": [
                    {
                        "edition": _edition(entry),
                        "wording": wording,
                        "answers": _answers(records),
                        "caption": f"{_edition(entry)} : {wording}",
                    }
                    for entry, records, wording in items
                ],
            }
            for question_id, items in sorted(shared.items())
        ],
    )


def surveys_index(surveys: list[Entry], site: Site) -> str:
    page = INDEX
    title = "Les enquêtes : baromètres de la démocratie locale numérique"
    description = "Les résultats des baromètres, question par question."
    return render(
        "surveys.md.j2",
        front_matter=_front_matter(_meta(title, description, page, site)),
        title=title,
        surveys=[
            {
                "href": urls.relative(urls.survey_page(e.name), page),
                "title": e.dataset.title,
                "questions": len(_records(e.tables["questions"])),
            }
            for e in sorted(surveys, key=_edition)
        ],
        evolution_href=urls.relative(EVOLUTION, page),
    )
