"""Survey pages: a dataset with the codebook resources ``questions`` and ``reponses`` gets a page
question by question, and surveys sharing question ids are compared on the évolution page."""

from __future__ import annotations

import re
from collections import defaultdict

from portal import formats, urls
from portal.site.html import esc, front_matter, markdown_inline, table
from portal.site.pages import Entry, Site, TableData, _link, _meta, chart_figure

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


def _answers_table(records: list[dict[str, str]], caption: str) -> str:
    rows = [[r.get("reponse", ""), _value(r), r.get("texte_imprime", "")] for r in records]
    return table(["réponse", "valeur", "tel qu'imprimé"], rows, caption)


def _edition(entry: Entry) -> str:
    records = _records(entry.tables["questions"])
    editions = sorted({r.get("edition", "") for r in records} - {""})
    return ", ".join(editions)


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
    parts = [
        front_matter(
            _meta(
                title,
                f"Chaque question de l'enquête, ses réponses publiées et leurs graphiques ({_edition(entry)}).",
                page,
                site,
            )
        ),
        f"# {markdown_inline(title)}\n",
        f'<p>Le jeu complet, sa méthodologie et ses téléchargements : <a href="{_link(urls.dataset_page(entry.name), page)}">{esc(entry.dataset.title)}</a>. '
        f'Comparer les éditions : <a href="{_link(EVOLUTION, page)}">évolution</a>.</p>\n',
    ]
    shown_charts = False
    seen: set[str] = set()
    for question in questions:
        question_id = question.get("question_id", "")
        if question_id in seen:
            continue  # the same question printed in two documents: one section, every wording
        seen.add(question_id)
        wordings = [q for q in questions if q.get("question_id") == question_id]
        parts.append(f"## {markdown_inline(question.get('libelle') or question_id)}\n")
        facts = [f"identifiant <code>{esc(question_id)}</code>"]
        if question.get("type_question"):
            facts.append(f"type : {esc(question['type_question'])}")
        if question.get("base"):
            facts.append(f"base : {esc(question['base'])} répondants")
        sections = sorted({q.get("source_section", "") for q in wordings} - {""})
        if sections:
            facts.append(f"source : {esc(' ; '.join(sections))}")
        parts.append(f'<p class="question-facts">{" · ".join(facts)}</p>\n')
        if question.get("remarque"):
            parts.append(f"<p>{esc(question['remarque'])}</p>\n")
        records = answers.get(question_id, [])
        if not records:
            parts.append(
                "<p><em>Les valeurs de cette question ne sont pas publiées dans le document source.</em></p>\n"
            )
            continue
        for chart in charts.get(question_id, []):
            parts.append(chart_figure(chart, page) + "\n")
            shown_charts = True
        parts.append(_answers_table(records, f"Réponses publiées : {question.get('libelle') or question_id}") + "\n")
    if shown_charts:
        parts.append(f'<script src="{_link("assets/js/charts.js", page)}" defer></script>\n')
    return "\n".join(parts)


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
    links = " · ".join(f'<a href="{_link(urls.survey_page(e.name), page)}">{esc(e.dataset.title)}</a>' for e in surveys)
    parts = [
        front_matter(
            _meta(title, "Les questions posées dans plusieurs éditions, côte à côte, telles qu'imprimées.", page, site)
        ),
        f"# {title}\n",
        f"<p>Les enquêtes : {links}.</p>\n",
        "<p>Les questions ci-dessous ont le même identifiant d'une édition à l'autre. Leurs valeurs sont "
        "reproduites telles qu'imprimées : quand les unités diffèrent (effectifs une année, pourcentages "
        "l'autre), aucune valeur n'est recalculée et aucun graphique commun n'est tracé.</p>\n",
    ]
    if not shared:
        parts.append("<p>Aucune question n'est commune à plusieurs éditions.</p>\n")
    for question_id, items in sorted(shared.items()):
        parts.append(f"## {markdown_inline(items[-1][2] or question_id)}\n")
        parts.append(f'<p class="question-facts">identifiant <code>{esc(question_id)}</code></p>\n')
        for entry, records, wording in items:
            edition = _edition(entry)
            if records:
                parts.append(_answers_table(records, f"{edition} : {wording}") + "\n")
            else:
                parts.append(f"<p>{esc(edition)} : « {esc(wording)} » — valeurs non publiées.</p>\n")
    return "\n".join(parts)


def surveys_index(surveys: list[Entry], site: Site) -> str:
    page = INDEX
    title = "Les enquêtes : baromètres de la démocratie locale numérique"
    items = "\n".join(
        f'<li><a href="{_link(urls.survey_page(e.name), page)}">{esc(e.dataset.title)}</a> — '
        f"{len(_records(e.tables['questions']))} questions, résultats question par question</li>"
        for e in sorted(surveys, key=_edition)
    )
    return "\n".join(
        [
            front_matter(_meta(title, "Les résultats des baromètres, question par question.", page, site)),
            f"# {title}\n",
            f"<ul>\n{items}\n</ul>\n" if surveys else "<p>Aucune enquête publiée.</p>\n",
            f'<p>Comparer les éditions : <a href="{_link(EVOLUTION, page)}">évolution</a>.</p>\n',
        ]
    )
