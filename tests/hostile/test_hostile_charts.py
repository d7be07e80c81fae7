"""Hostile charts: a raw Vega-Lite spec loads nothing from elsewhere and stays within bounds.

``portal validate`` refuses a URL anywhere in a raw spec (view-spec-remote) and a spec that would
generate more than the portal draws (view-spec-too-large); the renderer, called directly so that
validation is bypassed, still fetches nothing (vl-convert with ``allowed_base_urls=[]``, the drawn
SVG checked before its PNG) and refuses a drawing too large for its PNG.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from portal.charts.declaration import read_views
from portal.charts.render import ChartError, UnsafeChart, build_charts, render_view
from portal.dataset import load_dataset
from tests.hostile.canary import SECRET, canary  # noqa: F401  (a fixture)
from tests.hostile.conftest import assert_no_traceback, run_portal
from tests.portal_fixture import PACKAGES

POINTS = {"mark": "point", "encoding": {"x": {"field": "valeur", "type": "quantitative"}}}


def raw_view(spec: dict) -> dict:
    return {
        "name": "hostile",
        "title": "Une vue hostile",
        "resource": "reponses",
        "type": "vega-lite",
        "filter": {"question_id": "budget"},
        "spec": spec,
    }


def with_view(spec: dict):
    return lambda descriptor: descriptor.update(views=[raw_view(spec)])


def remote_specs(url: str) -> dict[str, dict]:
    """Every way a spec names something to load, nested or not."""
    return {
        "data.url": {**POINTS, "data": {"url": url}},
        "layer": {"layer": [{**POINTS, "data": {"url": url}}]},
        "concat": {"vconcat": [{"hconcat": [{**POINTS, "data": {"url": url, "format": {"type": "json"}}}]}]},
        "facet": {"facet": {"field": "reponse"}, "spec": {**POINTS, "data": {"url": url}}},
        "lookup": {
            **POINTS,
            "transform": [{"lookup": "reponse", "from": {"data": {"url": url}, "key": "a", "fields": ["b"]}}],
        },
        "image": {"mark": "image", "encoding": {"url": {"value": url + "i.png"}, "x": {"field": "valeur"}}},
        "image-calculate": {
            "mark": {"type": "image", "width": 10, "height": 10},
            "transform": [{"calculate": f"'{url}c.png'", "as": "u"}],
            "encoding": {"x": {"field": "valeur"}, "url": {"field": "u"}},
        },
        "href-javascript": {**POINTS, "encoding": {**POINTS["encoding"], "href": {"value": "javascript:alert(1)"}}},
        "href-data": {**POINTS, "mark": {"type": "point", "href": "data:text/html;base64,PHNjcmlwdD4="}},
        "href-protocol-relative": {**POINTS, "encoding": {"href": {"value": "//evil.example/x"}}},
        "usermeta": {**POINTS, "usermeta": {"embedOptions": {"loader": {"baseURL": url}}}},
        "config": {**POINTS, "config": {"background": f"url({url}bg.png)"}},
        "datasets": {"datasets": {"d": [{"a": url}]}, "data": {"name": "d"}, **POINTS},
        "scheme-in-expression": {**POINTS, "transform": [{"calculate": "'JaVa\tScRiPt:alert(1)'", "as": "x"}]},
    }


@pytest.mark.parametrize("case", list(remote_specs("http://127.0.0.1:9/")))
def test_validate_refuses_any_url_in_a_raw_spec(hostile, case):
    folder = hostile(base="graphiques", descriptor=with_view(remote_specs("http://127.0.0.1:9/")[case]))
    result = run_portal("validate", str(folder), "--format", "json")
    assert_no_traceback(result)
    assert result.returncode == 1
    problems = [p for d in json.loads(result.stdout)["datasets"] for p in d["problems"]]
    refused = [p for p in problems if p["code"] == "view-spec-remote"]
    assert refused and refused[0]["severity"] == "error", problems
    assert "la vue « hostile »" in refused[0]["message"]


@pytest.mark.parametrize(
    ("case", "spec"),
    [
        ("sequence", {**POINTS, "data": {"sequence": {"start": 0, "stop": 30_000_000}}}),
        ("sequence-step-zero", {**POINTS, "data": {"sequence": {"start": 0, "stop": 10, "step": 0}}}),
        ("width", {**POINTS, "width": 60000}),
        ("height-step", {**POINTS, "height": {"step": 90000}}),
        ("config-width", {**POINTS, "config": {"view": {"continuousWidth": 60000}}}),
        ("expression-sequence", {**POINTS, "transform": [{"calculate": "sequence(0, 3e7)", "as": "s"}]}),
        ("density", {**POINTS, "transform": [{"density": "valeur", "steps": 30_000_000}]}),
        ("quantile", {**POINTS, "transform": [{"quantile": "valeur", "step": 1e-9}]}),
        ("bin-step", {**POINTS, "encoding": {"x": {"field": "valeur", "bin": {"step": 1e-9}}}}),
        ("impute", {**POINTS, "transform": [{"impute": "valeur", "key": "reponse", "keyvals": {"stop": 1e9}}]}),
        ("fold", {**POINTS, "transform": [{"fold": [f"c{i}" for i in range(1000)]}]}),
        ("size", {**POINTS, "data": {"values": [{"a": "x" * 200}] * 500}}),
    ],
)
def test_validate_bounds_what_a_raw_spec_generates(hostile, case, spec):
    folder = hostile(base="graphiques", descriptor=with_view(spec))
    result = run_portal("validate", str(folder), "--format", "json")
    assert_no_traceback(result)
    assert result.returncode == 1
    codes = [p["code"] for d in json.loads(result.stdout)["datasets"] for p in d["problems"]]
    assert "view-spec-too-large" in codes


@pytest.mark.parametrize(
    ("levels", "code"),
    [(25, "view-spec-too-large"), (200, "descriptor-too-deep")],  # a spec's bound, then the descriptor's
)
def test_validate_refuses_a_deeply_nested_spec_without_traceback(hostile, levels, code):
    deep: dict = {"mark": "point"}
    for _ in range(levels):  # each level nests twice: {"layer": [ … ]}
        deep = {"layer": [deep]}
    folder = hostile(base="graphiques", descriptor=with_view(deep))
    result = run_portal("validate", str(folder), "--format", "json")
    assert_no_traceback(result)
    codes = [p["code"] for d in json.loads(result.stdout)["datasets"] for p in d["problems"]]
    assert code in codes


def test_an_ordinary_raw_spec_still_passes():
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": "Source : Insee ; data : voir la ressource",
        **POINTS,
        "width": 600,
        "transform": [{"calculate": "datum.valeur * 2", "as": "double"}],
    }
    descriptor = json.loads((PACKAGES / "graphiques" / "datapackage.json").read_text("utf-8"))
    descriptor["views"] = [raw_view(spec)]
    views, problems = read_views(descriptor)
    assert problems == [] and [v.name for v in views] == ["hostile"]


def bypassing_validation(folder: Path, spec: dict):
    """The dataset and its view as the renderer gets them, without read_views' refusal."""
    dataset = load_dataset(folder)
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    descriptor["views"] = [raw_view(POINTS)]
    [view], _ = read_views(descriptor)
    view.spec = spec
    view.declaration = {**view.declaration, "spec": spec}
    from portal.charts.render import load_tables

    return dataset, view, load_tables(dataset, [view])


@pytest.mark.parametrize("case", ["data.url", "layer", "lookup", "image", "image-calculate", "config"])
def test_the_renderer_fetches_nothing_even_when_validation_is_bypassed(hostile, canary, tmp_path, case):  # noqa: F811
    folder = hostile(base="graphiques")
    spec = remote_specs(canary.url("d.json"))[case]
    dataset, view, tables = bypassing_validation(folder, spec)
    out = tmp_path / "out"
    try:
        chart = render_view(dataset, view, tables, out)
    except UnsafeChart:
        chart = None
    assert canary.requests() == [], "the renderer requested the canary"
    written = [p for p in out.rglob("*") if p.is_file()]
    assert not any(SECRET.encode() in p.read_bytes() for p in written)
    if chart is not None:  # drawn without its remote part: nothing outside the SVG itself
        assert canary.base not in chart.path("svg").read_text("utf-8")


def test_the_renderer_refuses_a_drawing_too_large_for_its_png(hostile, tmp_path):
    folder = hostile(base="graphiques")
    dataset, view, tables = bypassing_validation(folder, {**POINTS, "width": 60000, "height": 60000})
    with pytest.raises(UnsafeChart, match="60"):
        render_view(dataset, view, tables, tmp_path / "out")
    assert not list((tmp_path / "out").rglob("*.png"))


def test_portal_charts_refuses_a_remote_spec_and_requests_nothing(hostile, canary, tmp_path):  # noqa: F811
    folder = hostile(base="graphiques", descriptor=with_view(remote_specs(canary.url("d.json"))["lookup"]))
    result = run_portal("charts", str(folder), "--out", str(tmp_path / "out"))
    assert_no_traceback(result)
    assert result.returncode == 1
    assert "view-spec-remote" in result.stdout + result.stderr or "adresse" in result.stdout + result.stderr
    assert canary.requests() == []
    with pytest.raises(ChartError, match="adresse ou un lien"):
        build_charts(load_dataset(folder), tmp_path / "out2")


@pytest.mark.parametrize(("key", "bound"), [("title", 300), ("subtitle", 500), ("source", 500), ("base", 300)])
def test_a_chart_text_too_long_to_draw_is_refused(key, bound):
    """vl-convert takes seconds per chart on a 100,000-character title: validate bounds the drawn texts."""
    descriptor = json.loads((PACKAGES / "graphiques" / "datapackage.json").read_text("utf-8"))
    descriptor["views"][0][key] = "x" * (bound + 1)
    views, problems = read_views(descriptor)
    assert [p.field for p in problems] == [key] and f"au plus {bound}" in problems[0].message
    descriptor["views"][0][key] = "x" * bound
    assert read_views(descriptor)[1] == []


def test_a_charted_column_missing_from_the_file_is_said_by_the_structure_check_not_a_crash(hostile):
    import csv
    import io

    rows = list(csv.reader(io.StringIO((PACKAGES / "graphiques" / "reponses.csv").read_text("utf-8"))))
    gone = rows[0].index("valeur")
    text = "".join(",".join(row[:gone] + row[gone + 1 :]) + "\n" for row in rows)
    folder = hostile(base="graphiques", files={"reponses.csv": text})
    result = run_portal("validate", str(folder), "--format", "json")
    assert_no_traceback(result)
    codes = [p["code"] for d in json.loads(result.stdout)["datasets"] for p in d["problems"]]
    assert "missing-label" in codes and "check-crashed" not in codes
