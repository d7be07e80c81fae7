"""Renderers of a validation report: French text for people, JSON for programs, GitHub annotations."""

from portal.report.github import render_github
from portal.report.json import REPORT_VERSION, render_json, report_as_dict
from portal.report.text import render_text

RENDERERS = {"text": render_text, "json": render_json, "github": render_github}

__all__ = ["RENDERERS", "REPORT_VERSION", "render_github", "render_json", "render_text", "report_as_dict"]
