"""The validation pipeline: load each dataset, run every check, collect problems, score.

This is the library call behind ``portal validate``; the site and the CKAN publisher use it too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from portal.checks import CHECKS
from portal.checks.base import Context, Options
from portal.dataset import Dataset, dataset_folders, display_path, load_dataset
from portal.files import finish_utf8, resolve
from portal.problems import Problem, problem
from portal.score import CriterionResult, checklist, score


@dataclass
class DatasetReport:
    dataset: Dataset
    problems: list[Problem]
    checklist: list[CriterionResult]
    score: int
    tables: list[dict] = field(default_factory=list)  # the structure check's engine and counts per resource

    @property
    def name(self) -> str:
        return self.dataset.name

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors


@dataclass
class Report:
    options: Options
    datasets: list[DatasetReport]
    problems: list[Problem] = field(default_factory=list)  # not tied to a dataset (bad arguments)

    @property
    def all_problems(self) -> list[Problem]:
        return self.problems + [p for d in self.datasets for p in d.problems]

    @property
    def valid(self) -> bool:
        return not any(p.severity == "error" for p in self.all_problems)


def _crash(check_name: str, dataset: Dataset, exception: Exception) -> Problem:
    # A crash is a bug of ours: reported as a problem rather than raised, so the run goes on.
    where = display_path(dataset.descriptor_path)
    return problem(
        "check-crashed",
        f"{where} : le contrôle « {check_name} » a échoué ({type(exception).__name__}: {exception}).",
        "Signalez ce défaut du validateur avec le fichier en cause ; les autres contrôles ont été faits.",
        file=where,
    )


def _run_checks(dataset: Dataset, options: Options, tables: list[dict]) -> list[Problem]:
    try:
        files = [resolve(dataset, r, allow_remote=options.allow_remote) for r in dataset.resources]
    except Exception as exception:  # noqa: BLE001 — as for a check: reported, and the run goes on
        return [_crash("files", dataset, exception)]
    context = Context(dataset, files, options, tables)
    problems: list[Problem] = []
    for check in CHECKS:
        try:
            problems.extend(check.run(context))
        except Exception as exception:  # noqa: BLE001 — one broken check must not stop the run
            problems.append(_crash(check.NAME, dataset, exception))
    for resource_file in files:
        # A large CSV that the structure check did not read (a schema it could not build…).
        problems.extend(finish_utf8(resource_file))
    return problems


def validate_dataset(dataset: Dataset, options: Options) -> DatasetReport:
    problems = list(dataset.load_problems)
    tables: list[dict] = []
    if dataset.loaded:
        problems += _run_checks(dataset, options, tables)
    if options.strict:
        problems = [p.escalated() for p in problems]
    results = checklist(problems, dataset.loaded)
    return DatasetReport(dataset, problems, results, score(results), tables)


def validate_paths(
    paths: Iterable[Path],
    options: Options,
    progress: Callable[[Iterable[Path]], Iterable[Path]] = lambda items: items,
) -> Report:
    folders, problems = dataset_folders(list(paths))
    if options.strict:
        problems = [p.escalated() for p in problems]
    reports = [validate_dataset(load_dataset(folder), options) for folder in progress(folders)]
    return Report(options, reports, problems)
