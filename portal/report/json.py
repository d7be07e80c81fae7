"""The JSON report: a documented, stable schema (portal/schemas/report.schema.json)."""

from __future__ import annotations

import json

from portal.dataset import display_path
from portal.text import json_for_terminal
from portal.validate import Report

REPORT_VERSION = 1


def report_as_dict(report: Report) -> dict:
    problems = report.all_problems
    return {
        "reportVersion": REPORT_VERSION,
        "valid": report.valid,
        "today": report.options.today.isoformat(),
        "strict": report.options.strict,
        "summary": {
            "datasets": len(report.datasets),
            "validDatasets": sum(d.valid for d in report.datasets),
            "errors": sum(p.severity == "error" for p in problems),
            "warnings": sum(p.severity == "warning" for p in problems),
        },
        "problems": [p.as_dict() for p in report.problems],
        "datasets": [
            {
                "name": d.name,
                "path": display_path(d.dataset.folder),
                "title": d.dataset.title,
                "valid": d.valid,
                "score": d.score,
                "errors": len(d.errors),
                "warnings": len(d.warnings),
                "checklist": [
                    {"id": r.criterion.id, "label": r.criterion.label, "origin": r.criterion.origin, "passed": r.passed}
                    for r in d.checklist
                ],
                "problems": [p.as_dict() for p in d.problems],
                **({"tables": d.tables} if d.tables else {}),
            }
            for d in report.datasets
        ],
    }


def render_json(report: Report) -> str:
    # json.dumps escapes C0 controls but leaves C1 controls raw: those are escaped too.
    return json_for_terminal(json.dumps(report_as_dict(report), ensure_ascii=False, indent=2)) + "\n"
