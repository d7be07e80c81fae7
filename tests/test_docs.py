"""Docs that tests keep honest: every code, command, frequency and theme is documented."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from portal.problems import CODES
from portal.score import CRITERIA
from portal.vocabularies import FREQUENCIES, FREQUENCY_ALIASES, LICENCES, THEMES

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "portal" / "site" / "docs" / "reference"


def test_generated_reference_is_up_to_date():
    result = subprocess.run(
        [sys.executable, "scripts/gen_reference.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_problem_code_is_documented_and_no_other():
    import re

    page = (REFERENCE / "codes.md").read_text("utf-8")
    table = page.split("<!-- codes:start -->")[1].split("<!-- codes:end -->")[0]
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", table, re.M))
    assert documented == set(CODES)


# The codes by which portal validate refuses or flags a hostile package: the threat model names each.
DEFENCE_CODES = {
    "name-unsafe",
    "path-unsafe",
    "resource-not-file",
    "schema-path-unsafe",
    "view-spec-remote",
    "view-spec-too-large",
    "text-control-escape",
    "description-remote-image",
    "description-unsafe-link",
    "description-plain-text",
    "text-control-characters",
    "url-not-web",
    "email-invalid",
    "descriptor-too-deep",
}


def test_the_threat_model_names_real_codes_and_every_defence():
    import re

    import yaml

    page = (ROOT / "docs" / "securite.md").read_text("utf-8")
    named = set(re.findall(r"\(`([a-z0-9]+(?:-[a-z0-9]+)+)`", page))  # "(`name-unsafe`)"
    assert named <= set(CODES), named - set(CODES)
    assert named >= DEFENCE_CODES, DEFENCE_CODES - named
    assert set(CODES) >= DEFENCE_CODES
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    assert "securite.md" in json.dumps(config["nav"], ensure_ascii=False)
    for module in ("paths", "charts", "pages", "text", "downloads", "resources", "interrupt", "property"):
        assert (ROOT / "tests" / "hostile" / f"test_hostile_{module}.py").is_file()


def test_every_criterion_is_documented():
    page = (REFERENCE / "controles.md").read_text("utf-8")
    for criterion in CRITERIA:
        assert f"| {criterion.label} | {criterion.origin} |" in page


def test_profile_documents_every_frequency_theme_and_alias():
    page = (REFERENCE / "profil.md").read_text("utf-8")
    for value in [*FREQUENCIES, *FREQUENCY_ALIASES]:
        assert f"`{value}`" in page, value
    for code, label in THEMES.items():
        assert f"| `{code}` | {label} |" in page


def test_profile_schema_enumerates_the_same_themes():
    schema = json.loads((ROOT / "portal" / "schemas" / "portal-datapackage.schema.json").read_text("utf-8"))
    assert schema["properties"]["theme"]["items"]["enum"] == list(THEMES)


def test_open_licences_are_documented():
    page = (REFERENCE / "controles.md").read_text("utf-8")
    for licence in LICENCES:
        if licence.open:
            assert f"| `{licence.id}` |" in page


def test_readme_commands_are_makefile_targets():
    readme = (ROOT / "README.md").read_text("utf-8")
    makefile = (ROOT / "Makefile").read_text("utf-8")
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "make site" in readme and "make test" in readme
    assert "\nsite:" in makefile and "\ntest:" in makefile
    assert "make test" in ci


def test_chart_declaration_is_documented():
    from portal.charts.declaration import AGGREGATES, CHART_TYPES, FORMATS, RAW, View

    page = (REFERENCE / "graphiques.md").read_text("utf-8")
    for chart_type in (*CHART_TYPES, RAW):
        assert f"| `{chart_type}` |" in page, chart_type
    properties = [f for f in View.__dataclass_fields__ if f not in {"declaration"}]
    for name in properties:
        assert f"`{name}`" in page, name
    for value in (*FORMATS, *AGGREGATES):
        assert f"`{value}`" in page, value
    assert "5 000 lignes" in page


def test_publisher_ci_workflow_and_pre_commit_hook():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "portal.yml").read_text("utf-8"))
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML reads the key "on" as True
    assert {"push", "pull_request"} <= set(triggers)
    steps = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert "portal validate --format github" in steps and "mkdocs gh-deploy --force" in steps
    assert workflow["jobs"]["deploy"]["if"] == "github.ref == 'refs/heads/main' && github.event_name == 'push'"
    for name in (".pre-commit-config.yaml", ".pre-commit-hooks.yaml"):
        assert "entry: portal validate" in (ROOT / name).read_text("utf-8")
    guide = (REFERENCE.parent / "guide" / "valider-ses-donnees.md").read_text("utf-8")
    assert ".github/workflows/portal.yml" in guide and "pre-commit install" in guide
