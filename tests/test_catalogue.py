"""The published catalogue itself: every package in datasets/ passes the strict checklist at 100."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from portal.checks.base import Options
from portal.dataset import load_catalogue
from portal.validate import validate_dataset

ROOT = Path(__file__).resolve().parents[1]
DATASETS = load_catalogue(ROOT / "datasets")


def test_there_are_datasets():
    assert len(DATASETS) >= 5


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_every_package_scores_100_in_strict_mode(dataset):
    report = validate_dataset(dataset, Options(today=date.today(), strict=True))
    assert [p.message for p in report.problems] == []
    assert report.score == 100


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_every_package_says_what_was_left_out_and_cites_its_sources(dataset):
    notes = dataset.get("notes")
    assert isinstance(notes, str) and len(notes) > 200
    assert dataset.get("licenses")[0]["name"] == "etalab-2.0"
    for resource in dataset.resources:
        with (dataset.folder / resource["path"]).open(encoding="utf-8") as stream:
            header = stream.readline().strip().split(",")
        assert {"source_titre", "source_section"} <= set(header) or resource.get("sources"), resource["name"]


def test_progress_bar_is_silent_when_not_on_a_terminal(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = cli("validate", "datasets", "--format", "json")
    assert json.loads(result.output)["summary"]["datasets"] == len(DATASETS)
