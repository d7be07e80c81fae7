"""Survey pages: a dataset with the codebook resources ``questions`` and ``reponses`` gets a page
question by question, and surveys sharing question ids are compared on the évolution page."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from portal import atomic, formats, urls
from portal.charts.build import vega_lite_spec
from portal.charts.declaration import View
from portal.charts.render import accessible_svg, draw_svg
from portal.charts.summary import table_rows, text_alternative
from portal.paths import inside
from portal.site.pages import CHART_STYLES, Entry, Site, TableData, _front_matter, _meta, chart_data
from portal.site.templates import render

INDEX = "enquetes/"
EVOLUTION = "enquetes/evolution/"


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
        front_matter=_front_matter(_meta(title, description, page, site, styles=CHART_STYLES)),
        title=title,
        dataset_href=urls.relative(urls.dataset_page(entry.name), page),
        about_href=urls.relative(urls.dataset_about(entry.name), page),
        dataset_title=entry.dataset.title,
        evolution_href=urls.relative(EVOLUTION, page),
        questions=shown,
        charts_js=urls.relative("assets/js/charts.js", page) if any(q["charts"] for q in shown) else None,
    )


# --- évolution: what two editions let a reader compare, and why not when they do not ------------

UNIT_WORDS = {
    "nombre": "des effectifs",
    "pourcentage": "des pourcentages",
    "euros": "des montants en euros",
    "euros-par-habitant": "des euros par habitant",
}


def _unit_words(unit: str) -> str:
    if match := re.fullmatch(r"(?:nombre|note)-sur-(\d+)", unit):
        return f"des proportions « sur {match.group(1)} »"
    return UNIT_WORDS.get(unit, f"l'unité « {unit} »")


def _key(text: str) -> str:
    """An answer's label as compared across editions: case and spacing aside."""
    return " ".join(text.split()).casefold()


@dataclass
class EditionSide:
    """One edition's side of a question: its wordings, its base and its values as printed."""

    edition: str
    wordings: list[str]
    base: str
    records: list[dict[str, str]]

    @property
    def units(self) -> set[str]:
        return {r.get("unite") or "nombre" for r in self.records}

    @property
    def populations(self) -> set[str]:
        return {r["population"] for r in self.records if r.get("population")}


@dataclass
class Comparison:
    """A question asked in several editions: comparable (``answers`` in ``unit``) or ``reasons`` why not."""

    question_id: str
    heading: str
    sides: list[EditionSide]
    reasons: list[str]
    cautions: list[str]
    answers: list[str]  # the answers every edition with values published, in the same unit
    unit: str | None

    @property
    def comparable(self) -> bool:
        return not self.reasons


def _sides(surveys: list[Entry]) -> dict[str, list[EditionSide]]:
    """Every question id with its editions, taken from the ``edition`` column of the codebooks (one
    dataset may hold several editions, and one edition several datasets)."""
    sides: dict[str, dict[str, EditionSide]] = defaultdict(dict)
    for entry in surveys:
        fallback = _edition(entry)
        for q in _records(entry.tables["questions"]):
            edition = q.get("edition") or fallback
            side = sides[q.get("question_id", "")].setdefault(edition, EditionSide(edition, [], "", []))
            if q.get("libelle") and q["libelle"] not in side.wordings:
                side.wordings.append(q["libelle"])
            side.base = side.base or q.get("base", "")
        for r in _records(entry.tables["reponses"]):
            edition = r.get("edition") or fallback
            side = sides[r.get("question_id", "")].setdefault(edition, EditionSide(edition, [], "", []))
            side.records.append(r)
    return {q: [by[e] for e in sorted(by)] for q, by in sides.items() if len(by) > 1}


def compare(question_id: str, sides: list[EditionSide]) -> Comparison:
    """Whether the editions' published values can be set side by side, as printed; if not, why, in
    plain words. Nothing is converted: counts are never turned into shares, nor shares into counts."""
    published = [s for s in sides if s.records]
    reasons: list[str] = []
    for side in sides:
        if not side.records:
            reasons.append(
                f"{side.edition} : les valeurs de cette question ne sont pas publiées dans le document source."
            )
    answers: list[str] = []
    unit = None
    if len(published) > 1:
        units = [s.units for s in published]
        shared_units = set.intersection(*units)
        populations = [s.populations for s in published]
        if not shared_units:
            listed = " ; ".join(
                f"{s.edition} : {', '.join(_unit_words(u) for u in sorted(s.units))}" for s in published
            )
            reasons.append(
                f"Unités différentes ({listed}) : passer de l'une à l'autre serait recalculer un chiffre publié."
            )
        if all(populations) and len({frozenset(p) for p in populations}) > 1:
            listed = " ; ".join(f"{s.edition} : {', '.join(sorted(s.populations))}" for s in published)
            reasons.append(f"Les chiffres ne portent pas sur le même ensemble ({listed}).")
        if len(shared_units) > 1:
            reasons.append("Plusieurs unités dans chaque édition : aucune comparaison commune n'est tracée.")
        if not reasons and len(shared_units) == 1:
            unit = next(iter(shared_units))
            keyed = [
                {_key(r.get("reponse", "")) for r in s.records if (r.get("unite") or "nombre") == unit}
                for s in published
            ]
            common = set.intersection(*keyed)
            answers = [
                r.get("reponse", "")
                for r in published[0].records
                if _key(r.get("reponse", "")) in common and (r.get("unite") or "nombre") == unit
            ]
            if not answers:
                reasons.append("Aucune réponse n'est publiée dans les deux éditions sous le même libellé.")
    cautions = []
    wordings = {_key(w) for s in sides for w in s.wordings[:1]}
    if len(wordings) > 1:
        cautions.append(
            "La question n'est pas formulée de la même façon d'une édition à l'autre : comparez avec prudence."
        )
    bases = [f"{s.edition} : {s.base} répondants" for s in published if s.base]
    if len(bases) > 1:
        cautions.append("Les bases diffèrent d'une édition à l'autre (" + " ; ".join(bases) + ").")
    latest = sides[-1]
    heading = (latest.wordings or [question_id])[0]
    return Comparison(question_id, heading, sides, reasons, cautions, answers if not reasons else [], unit)


def comparisons(surveys: list[Entry]) -> list[Comparison]:
    return [compare(question_id, sides) for question_id, sides in sorted(_sides(surveys).items())]


def comparison_view(comparison: Comparison, number: int) -> View:
    """The chart of a comparable question, through the portal's own chart declarations and theme."""
    return View(
        name=f"comparaison-{number}",
        resource="reponses",
        type="grouped-bar",
        title=comparison.heading,
        subtitle="Valeurs telles que publiées dans chaque édition",
        x="valeur",
        y="reponse",
        color="edition",
    )


def comparison_data(comparison: Comparison) -> pd.DataFrame:
    """The chart's rows: each shared answer in each edition, the value exactly as published."""
    wanted = {_key(a) for a in comparison.answers}
    rows = [
        {"reponse": r.get("reponse", ""), "edition": side.edition, "valeur": float(r["valeur"])}
        for side in comparison.sides
        for r in side.records
        if _key(r.get("reponse", "")) in wanted and (r.get("unite") or "nombre") == comparison.unit and _is_number(r)
    ]
    return pd.DataFrame(rows, columns=["reponse", "edition", "valeur"])


def _is_number(record: dict[str, str]) -> bool:
    try:
        float(record.get("valeur", ""))
    except ValueError:
        return False
    return True


def comparison_chart_file(number: int) -> str:
    return f"{EVOLUTION}comparaison-{number}.svg"


def draw_comparisons(found: list[Comparison], work: Path) -> None:
    """Each comparable question's chart as a static SVG beside the évolution page."""
    number = 0
    for comparison in found:
        if not comparison.comparable:
            continue
        number += 1
        view, data = comparison_view(comparison, number), comparison_data(comparison)
        summary = text_alternative(view, data, comparison.unit or "nombre")
        svg = draw_svg(vega_lite_spec(view, data, comparison.unit or "nombre", None, summary))
        svg = accessible_svg(svg, f"evolution-{view.name}", view.title, summary)
        target = inside(work, comparison_chart_file(number))
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_text(target, svg)


def _comparison_data(comparison: Comparison, number: int, page: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "heading": comparison.heading,
        "id": comparison.question_id,
        "comparable": comparison.comparable,
        "reasons": comparison.reasons,
        "cautions": comparison.cautions,
        "editions": [
            {
                "edition": side.edition,
                "wording": " ; ".join(f"« {w} »" for w in side.wordings) or "libellé non publié",
                "answers": _answers(side.records),
                "caption": f"{side.edition} : valeurs telles que publiées",
            }
            for side in comparison.sides
        ],
        "chart": None,
    }
    if comparison.comparable:
        view, frame = comparison_view(comparison, number), comparison_data(comparison)
        unit = comparison.unit or "nombre"
        headers, rows, numeric = table_rows(view, frame, unit, {"edition": {"name": "edition", "type": "integer"}})
        data["chart"] = {
            "svg": urls.relative(comparison_chart_file(number), page),
            "summary": text_alternative(view, frame, unit),
            "headers": ["réponse", "édition", "valeur"] if headers == ["reponse", "edition", "valeur"] else headers,
            "rows": rows,
            "numeric": numeric,
            "caption": f"Données du graphique : {comparison.heading}",
        }
    return data


def evolution_page(surveys: list[Entry], site: Site) -> str:
    """Every question id asked in two editions or more: compared in a chart when the published values
    allow it, otherwise the plain reason, and always the values as printed."""
    page = EVOLUTION
    found = comparisons(surveys)
    numbers = {c.question_id: n for n, c in enumerate((c for c in found if c.comparable), 1)}
    title = "Évolution entre les éditions des enquêtes"
    description = (
        "Ce que les éditions des enquêtes permettent de comparer, et pourquoi, quand elles ne le permettent pas."
    )
    return render(
        "evolution.md.j2",
        front_matter=_front_matter(_meta(title, description, page, site, styles=CHART_STYLES)),
        title=title,
        surveys=[{"href": urls.relative(urls.survey_page(e.name), page), "title": e.dataset.title} for e in surveys],
        comparable=len(numbers),
        questions=[_comparison_data(c, numbers.get(c.question_id, 0), page) for c in found],
    )


def surveys_index(surveys: list[Entry], site: Site) -> str:
    page = INDEX
    # Words of every portal: the titles of the surveys themselves say which ones they are.
    title = "Les enquêtes"
    description = "Les résultats des enquêtes, question par question."
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
