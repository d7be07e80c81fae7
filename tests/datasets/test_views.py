"""The charts declared by the published packages (`views` of datasets/*/datapackage.json).

Every published figure of the two barometers is charted, except the proportions printed in words; no chart mixes
units; every package with figures has at least one chart. The charts read the data the way the portal does
(`portal.charts`), so a filter that selects nothing, or rows of two units, fails here before it reaches the site.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from portal.charts.data import read_table
from portal.charts.declaration import NUMERIC, RAW, View, read_views

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT / "datasets"
PACKAGES = sorted(path.parent.name for path in DATASETS.glob("*/datapackage.json"))
BAROMETERS = ["barometre-2017", "barometre-2018"]
UNIT_COLUMNS = ("unite", "unit", "unité")

# Proportions printed in words (« plus de la moitié » = 1 `nombre-sur-2`, « près d'un tiers » = 1 `nombre-sur-3`,
# « près d'un quart » = 1 `nombre-sur-4`): a value 1 « sur 2 » makes no readable chart. They are not charted, and
# the package notes say so.
WORD_UNITS = {"nombre-sur-2", "nombre-sur-3", "nombre-sur-4"}
# The questions whose only published values are such words: no chart at all.
WORDS_ONLY = {
    "barometre-2017": {"renforcement-democratie-numerique", "raisons-faible-mobilisation"},
    "barometre-2018": set(),
}
# Packages without any figure (only texts and dates; `rang` is an order): no chart, and the notes say why.
WITHOUT_FIGURES = {"civic-tech-chronologie": {"rang"}}


@cache
def descriptor(name: str) -> dict:
    return json.loads((DATASETS / name / "datapackage.json").read_text(encoding="utf-8"))


@cache
def table(name: str, resource_name: str) -> pd.DataFrame:
    resource = next(r for r in descriptor(name)["resources"] if r["name"] == resource_name)
    return read_table(DATASETS / name / resource["path"], resource)


def views(name: str) -> list[View]:
    found, problems = read_views(descriptor(name))
    assert not problems, [p.message for p in problems]
    return found


def selected(view: View, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows a view shows: its filter, compared as text, as the portal compares it."""
    for field_name, wanted in view.filter.items():
        values = wanted if isinstance(wanted, list) else [wanted]
        frame = frame[frame[field_name].astype("string").isin({str(v) for v in values})]
    return frame


def filtered_questions(view: View) -> set[str]:
    wanted = view.filter.get("question_id", [])
    return set(wanted if isinstance(wanted, list) else [wanted])


def all_views() -> list[tuple[str, View]]:
    return [(name, view) for name in PACKAGES for view in views(name)]


def plain(text: str) -> str:
    """A label without case, accents, spaces or apostrophe style: « À qui… » and « A QUI… » are the same words."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return re.sub(r"\s+", "", "".join(c for c in decomposed if not unicodedata.combining(c))).casefold()


def test_the_packages_are_all_here():
    assert set(BAROMETERS) <= set(PACKAGES)
    assert len(PACKAGES) == 8


@pytest.mark.parametrize("name", PACKAGES)
def test_views_are_well_formed_and_uniquely_named(name):
    names = [view.name for view in views(name)]
    assert len(names) == len(set(names))
    for view in views(name):
        assert view.title.strip() and view.resource in {r["name"] for r in descriptor(name)["resources"]}


@pytest.mark.parametrize(("name", "view"), all_views(), ids=lambda v: v if isinstance(v, str) else v.name)
def test_every_view_shows_rows_of_a_single_unit(name, view):
    rows = selected(view, table(name, view.resource))
    assert len(rows), f"{name} › {view.name} : le filtre ne retient aucune ligne"
    for column in UNIT_COLUMNS:
        if column in rows.columns:
            units = set(rows[column].dropna())
            assert len(units) == 1, f"{name} › {view.name} mêle les unités {sorted(units)}"
            assert not units & WORD_UNITS, f"{name} › {view.name} montre une proportion imprimée en lettres"
    if view.type != RAW:
        # the value carried by the chart is a number
        assert pd.api.types.is_numeric_dtype(rows[view.value_field]), view.value_field
        assert rows[view.value_field].notna().all()


@pytest.mark.parametrize("name", BAROMETERS)
def test_every_question_with_published_numeric_values_is_charted(name):
    questions = table(name, "questions")
    answers = table(name, "reponses")
    published = set(questions.loc[questions["reponses_publiees"].astype(str).str.lower() == "true", "question_id"])
    numeric = answers[answers["valeur"].notna() & ~answers["unite"].isin(WORD_UNITS)]
    charted = {question for view in views(name) if view.resource == "reponses" for question in filtered_questions(view)}
    expected = set(numeric["question_id"])
    assert expected <= published  # a value is published only for a question said to be published
    assert expected - charted == set(), f"questions sans graphique : {sorted(expected - charted)}"
    assert charted <= expected  # no chart of a question without numeric values
    # the questions left without a chart are exactly those whose values are all printed in words
    words_only = set(answers["question_id"]) - expected
    assert words_only == WORDS_ONLY[name]
    assert all(f"`{question}`" in descriptor(name)["notes"] for question in words_only)


@pytest.mark.parametrize("name", BAROMETERS)
def test_every_published_numeric_row_of_a_barometer_is_in_a_chart(name):
    answers = table(name, "reponses")
    shown = pd.Index([])
    for view in views(name):
        if view.resource == "reponses":
            shown = shown.union(selected(view, answers).index)
    numeric = answers[answers["valeur"].notna() & ~answers["unite"].isin(WORD_UNITS)]
    missing = numeric.loc[~numeric.index.isin(shown), ["question_id", "reponse"]]
    assert missing.empty, missing.to_dict("records")
    # and the rows printed in words are in none
    words = answers[answers["unite"].isin(WORD_UNITS)]
    assert not words.index.isin(shown).any()


@pytest.mark.parametrize("name", BAROMETERS)
def test_barometer_titles_come_from_the_printed_question(name):
    questions = table(name, "questions")
    for view in views(name):
        (question,) = filtered_questions(view)  # one question per chart
        labels = {plain(label) for label in questions.loc[questions["question_id"] == question, "libelle"]}
        assert plain(view.title) in labels, (view.name, view.title)
        assert view.subtitle, view.name  # the unit and the population


@pytest.mark.parametrize("name", BAROMETERS)
def test_barometer_base_is_the_printed_base(name):
    questions = table(name, "questions")
    bases = dict(zip(questions["question_id"], questions["base"], strict=True))
    for view in views(name):
        (question,) = filtered_questions(view)
        base = bases[question]
        if pd.isna(base):
            assert view.base is None, (view.name, "base inconnue dans `questions`")
        else:
            assert view.base and str(int(base)) in view.base, view.name


def test_no_comparison_between_editions_and_the_notes_say_why():
    """The same question has values in both editions only in different units: no comparison chart."""
    units = {name: table(name, "reponses").groupby("question_id")["unite"].agg(set) for name in BAROMETERS}
    common = set(units["barometre-2017"].index) & set(units["barometre-2018"].index)
    assert common == {"type-collectivite"}
    for question in common:
        assert not units["barometre-2017"][question] & units["barometre-2018"][question], question
    for name in BAROMETERS:
        assert "Pas de graphique de comparaison 2017-2018" in descriptor(name)["notes"]


@pytest.mark.parametrize("name", PACKAGES)
def test_every_package_with_figures_has_a_chart(name):
    numeric_fields = {
        field["name"]
        for resource in descriptor(name)["resources"]
        for field in resource["schema"]["fields"]
        if field.get("type") in NUMERIC
    }
    if name in WITHOUT_FIGURES:
        assert numeric_fields <= WITHOUT_FIGURES[name]
        assert "views" not in descriptor(name)
        assert "Pas de graphique" in descriptor(name)["notes"]
    else:
        assert numeric_fields
        assert views(name), f"{name} : aucun graphique"
        assert "`views`" in descriptor(name)["notes"]  # the notes say what is charted and what is not


def test_computed_shares_are_labelled_as_computed():
    for name, view in all_views():
        fields = {view.value_field, *json.dumps(view.spec or {}).split('"')}
        if "part_calculee" in fields:
            assert "calculée" in f"{view.title} {view.subtitle}", (name, view.name)


def test_views_citing_another_document_name_it():
    """A chart whose rows come from another document than the package's first source says so."""
    for name, view in all_views():
        rows = selected(view, table(name, view.resource))
        if "source_titre" not in rows.columns:
            continue
        documents = set(rows["source_titre"])
        assert len(documents) == 1, (name, view.name, documents)  # one source document per chart
        first = descriptor(name)["sources"][0]["title"]
        (document,) = documents
        if plain(document) != plain(first):
            assert view.source and plain(view.source).startswith(plain(document)[:40]), (name, view.name)
