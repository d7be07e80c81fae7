"""How tables show their cells, the home page's featured charts and the évolution page's verdicts:
pure functions, tested as tables of cases."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from portal.charts.declaration import View
from portal.charts.summary import table_rows
from portal.formats import cell_display
from portal.site.html import markdown_short
from portal.site.pages import featured_charts
from portal.site.surveys import EditionSide, compare
from portal.tables import display_rows

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("value", "field", "shown"),
    [
        ("2018", {"name": "edition", "type": "integer"}, ("2018", False)),
        ("2016", {"name": "annee", "type": "integer"}, ("2016", False)),
        (2018.0, {"name": "Année", "type": "integer"}, ("2018", False)),
        ("75056", {"name": "code_insee", "type": "integer"}, ("75056", False)),
        ("21310001900015", {"name": "idBeneficiaire", "type": "integer"}, ("21310001900015", False)),
        ("1250", {"name": "participants", "type": "integer"}, (f"1{NNBSP}250", True)),
        ("12", {"name": "idees_deposees", "type": "integer"}, ("12", True)),  # "idees" is not "id"
        ("175000.5", {"name": "budget", "type": "number"}, (f"175{NNBSP}000,5", True)),
        ("65.0", {"name": "valeur", "type": "number"}, ("65", True)),
        ("1 234,5", {"name": "v", "type": "number", "decimalChar": ",", "groupChar": " "}, (f"1{NNBSP}234,5", True)),
        ("NA", {"name": "v", "type": "number"}, ("NA", False)),  # left as written, not a number
        ("2018-05-01", {"name": "jour", "type": "date"}, ("2018-05-01", False)),
        ("1234", {"name": "texte", "type": "string"}, ("1234", False)),
        ("1234", None, ("1234", False)),
        (None, {"name": "v", "type": "number"}, ("", False)),
        (float("nan"), {"name": "v", "type": "number"}, ("", False)),
    ],
)
def test_cell_display(value, field, shown):
    assert cell_display(value, field) == shown


def test_display_rows_marks_numeric_columns():
    fields = {"annee": {"name": "annee", "type": "integer"}, "n": {"name": "n", "type": "integer"}}
    rows, numeric = display_rows(["annee", "n", "libre"], [["2024", "1250", "x"]], fields)
    assert rows == [["2024", f"1{NNBSP}250", "x"]] and numeric == [False, True, False]


def test_chart_tables_show_years_as_years():
    view = View(name="v", resource="r", type="grouped-bar", title="t", x="valeur", y="reponse", color="edition")
    data = pd.DataFrame({"reponse": ["a", "a"], "edition": [2017, 2018], "valeur": [66.3, 1234.5]})
    schema = {"edition": {"name": "edition", "type": "integer"}, "reponse": {"name": "reponse", "type": "string"}}
    headers, rows, numeric = table_rows(view, data, "pourcentage", schema)
    assert rows == [["a", "2017", f"66,3{NNBSP}%"], ["a", "2018", f"1{NNBSP}234,5{NNBSP}%"]]
    assert numeric == [False, False, True]


def test_short_markdown_is_inline_and_stays_safe():
    assert markdown_short("Voir `libelle_origine`.") == "Voir <code>libelle_origine</code>."
    assert (
        markdown_short("<script>x</script> [a](javascript:alert(1))") == "&lt;script&gt;x&lt;/script&gt; <span>a</span>"
    )
    assert markdown_short("Un.\n\nDeux.") == "<p>Un.</p>\n<p>Deux.</p>"


def _entry(name, year, charts):
    dataset = SimpleNamespace(
        name=name,
        get=lambda key: {"temporal": {"end": f"{year}-12-31"}}.get(key),
        objects=lambda key: [],
    )
    views = [SimpleNamespace(view=SimpleNamespace(name=c)) for c in charts]
    return SimpleNamespace(name=name, dataset=dataset, charts=views)


def test_featured_charts_are_the_first_of_the_most_recent_datasets_and_always_the_same():
    entries = [_entry("a", 2017, ["a1", "a2"]), _entry("b", 2019, ["b1"]), _entry("c", 2018, ["c1", "c2"])]
    picked = [(e.name, c.view.name) for e, c in featured_charts(entries)]
    assert picked == [("b", "b1"), ("c", "c1"), ("a", "a1")]
    assert [(e.name, c.view.name) for e, c in featured_charts(list(reversed(entries)))] == picked
    few = [_entry("a", 2017, ["a1", "a2", "a3"])]
    assert [c.view.name for _, c in featured_charts(few)] == ["a1", "a2", "a3"]
    assert featured_charts([_entry("z", 2020, [])]) == []


def _side(edition, *records, base="", wording="Q"):
    keys = ("reponse", "valeur", "unite", "population")
    return EditionSide(edition, [wording], base, [dict(zip(keys, r, strict=False)) for r in records])


def test_same_unit_same_answers_compare():
    found = compare(
        "type",
        [_side("2017", ("Communes", "66.3", "pourcentage")), _side("2018", ("communes ", "71", "pourcentage"))],
    )
    assert found.comparable and found.answers == ["Communes"] and found.unit == "pourcentage"


def test_counts_and_shares_never_compare_and_say_why():
    found = compare(
        "type-collectivite",
        [
            _side("2017", ("Communes", "65", "nombre", "collectivités représentées")),
            _side("2018", ("Communes", "71", "pourcentage", "répondants au questionnaire")),
        ],
    )
    assert not found.comparable and found.answers == []
    assert any("Unités différentes" in r and "effectifs" in r and "pourcentages" in r for r in found.reasons)
    assert any("même ensemble" in r for r in found.reasons)


@pytest.mark.parametrize(
    ("sides", "reason"),
    [
        (
            [_side("2017", ("A", "10", "pourcentage")), _side("2018")],
            "2018 : les valeurs de cette question ne sont pas publiées",
        ),
        ([_side("2017", ("A", "10", "pourcentage")), _side("2018", ("B", "12", "pourcentage"))], "Aucune réponse"),
    ],
)
def test_unpublished_values_or_different_answers_say_why(sides, reason):
    found = compare("q", sides)
    assert not found.comparable and any(r.startswith(reason) for r in found.reasons), found.reasons


def test_a_different_wording_is_a_caution_not_a_recalculation():
    found = compare(
        "q",
        [
            _side("2017", ("A", "10", "pourcentage"), wording="Un"),
            _side("2018", ("A", "12", "pourcentage"), wording="Deux"),
        ],
    )
    assert found.comparable and any("formulée" in c for c in found.cautions)
