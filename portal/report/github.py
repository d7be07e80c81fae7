"""GitHub Actions workflow commands: one annotation per problem, on the file and line."""

from __future__ import annotations

from portal.report.text import summary_line
from portal.text import for_terminal
from portal.validate import Report


def _escape_data(text: str) -> str:
    # The log shows the command as it is: no escape sequence from the data may reach it raw.
    return for_terminal(text, keep_newlines=True).replace("%", "%25").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report) -> str:
    lines = []
    for p in report.all_problems:
        properties = []
        if p.file:
            properties.append(f"file={_escape_property(p.file)}")
            if p.row:
                properties.append(f"line={p.row}")
        properties.append(f"title={_escape_property(f'portal validate ({p.code})')}")
        lines.append(f"::{p.severity} {','.join(properties)}::{_escape_data(f'{p.message} {p.fix}')}")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
