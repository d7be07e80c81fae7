"""The terminal report, in French: per dataset its score, problems with their fix, and the checklist.

Every text that comes from the data (names, titles, messages quoting a cell or a header) is
written through ``for_terminal``: an ANSI or OSC sequence in a title is shown, never obeyed.
"""

from __future__ import annotations

from collections import defaultdict

from portal.text import for_terminal as safe
from portal.validate import DatasetReport, Report

# Beyond this many problems of one code in one dataset, the text report counts the rest.
SHOWN_PER_CODE = 10
SEVERITY = {"error": "erreur", "warning": "avertissement"}


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count <= 1 else plural or singular + 's'}"


def summary_line(report: Report) -> str:
    problems = report.all_problems
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    valid = sum(d.valid for d in report.datasets)
    verdict = "✓ valide" if report.valid else "✗ non valide"
    return (
        f"{verdict} : {_plural(len(report.datasets), 'jeu contrôlé', 'jeux contrôlés')}"
        f" ({valid} sans erreur), {_plural(errors, 'erreur')}, {_plural(warnings, 'avertissement')}."
    )


def _dataset_block(d: DatasetReport) -> list[str]:
    mark = "✓" if d.valid else "✗"
    lines = [
        f"{mark} {safe(d.name)} — {safe(d.dataset.title)}",
        f"  score {d.score}/100 · {_plural(len(d.errors), 'erreur')} · {_plural(len(d.warnings), 'avertissement')}",
    ]
    by_code: dict[str, list] = defaultdict(list)
    for p in d.problems:
        by_code[p.code].append(p)
    for code, problems in by_code.items():
        for p in problems[:SHOWN_PER_CODE]:
            lines.append(f"  {SEVERITY[p.severity]} [{code}] {safe(p.message)}")
            lines.append(f"      → {safe(p.fix)}")
        if len(problems) > SHOWN_PER_CODE:
            lines.append(
                f"  … et {len(problems) - SHOWN_PER_CODE} autres problèmes [{code}] (--format json les liste tous)"
            )
    failed = [r.criterion.label for r in d.checklist if not r.passed]
    met = len(d.checklist) - len(failed)
    lines.append(
        f"  checklist : {met}/{len(d.checklist)} critères remplis"
        + (f" ; manquent : {', '.join(failed)}" if failed else "")
    )
    return lines


def render_text(report: Report) -> str:
    lines: list[str] = []
    for p in report.problems:
        lines += [f"{SEVERITY[p.severity]} [{p.code}] {safe(p.message)}", f"    → {safe(p.fix)}"]
    for d in report.datasets:
        lines += [*_dataset_block(d), ""]
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
