"""The report formats: golden JSON reports on the fixture catalogue, the JSON schema, GitHub annotations.

Refresh the golden files after an intended change with ``UPDATE_GOLDEN=1 pytest tests/test_reports.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
CATALOGUE = "tests/fixtures/catalogue"
REPORT_SCHEMA = json.loads((ROOT / "portal" / "schemas" / "report.schema.json").read_text("utf-8"))


@pytest.fixture(autouse=True)
def at_repository_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # paths in reports are relative to the working directory


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, "utf-8")
    assert text == path.read_text("utf-8"), f"{name} differs: UPDATE_GOLDEN=1 to accept an intended change"


@pytest.mark.parametrize("strict", [False, True])
def test_golden_json_report_of_the_fixture_catalogue(cli, strict):
    args = ["validate", CATALOGUE, "--today", "2026-11-22", "--format", "json"] + (["--strict"] if strict else [])
    result = cli(*args)
    assert result.exit_code == 1
    jsonschema.validate(json.loads(result.output), REPORT_SCHEMA)
    assert_golden(f"catalogue{'-strict' if strict else ''}.json", result.output)


def test_golden_text_report(cli):
    result = cli("validate", CATALOGUE, "--today", "2026-11-22")
    assert_golden("catalogue.txt", result.output)


def test_scores_and_validity_per_dataset(cli):
    report = json.loads(cli("validate", CATALOGUE, "--today", "2026-11-22", "--format", "json").output)
    summary = {d["name"]: (d["valid"], d["score"]) for d in report["datasets"]}
    assert summary == {
        "a-complet": (True, 100),
        "donnees-personnelles": (True, 93),
        "en-retard-incomplet": (True, 79),
        "encodage-windows": (False, 93),
        "json-invalide": (False, 0),
        "licence-non-ouverte": (False, 93),
        "types-invalides": (False, 93),
    }
    assert report["summary"] == {"datasets": 7, "validDatasets": 3, "errors": 7, "warnings": 4}


def test_exit_codes(cli):
    complete = f"{CATALOGUE}/a-complet"
    warned = f"{CATALOGUE}/donnees-personnelles"
    assert cli("validate", complete, "--today", "2026-11-22").exit_code == 0
    assert cli("validate", warned, "--today", "2026-11-22").exit_code == 0
    assert cli("validate", warned, "--today", "2026-11-22", "--strict").exit_code == 1
    assert cli("validate", complete, "--today", "2030-01-01").exit_code == 0  # stale is a warning
    assert cli("validate", complete, "--today", "2030-01-01", "--strict").exit_code == 1


def test_github_annotations(cli):
    result = cli("validate", f"{CATALOGUE}/types-invalides", "--today", "2026-11-22", "--format", "github")
    lines = result.output.splitlines()
    assert lines[0].startswith(
        "::error file=tests/fixtures/catalogue/types-invalides/participation.csv,line=2,"
        "title=portal validate (type-error)::"
    )
    assert len([line for line in lines if line.startswith("::error ")]) == 4
    assert lines[-1].startswith("✗ non valide")


def test_github_annotation_escapes_newlines_and_commas():
    from portal.report.github import _escape_data, _escape_property

    assert _escape_data("a\nb%") == "a%0Ab%25"
    assert _escape_property("x,y:z") == "x%2Cy%3Az"
