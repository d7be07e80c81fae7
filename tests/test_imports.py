"""``portal import``: the workflow of a new portal turns uploads into datasets and a pull-request body.

The command is taken from the workflow file shipped in the template and run, as a real process,
in a temporary portal holding a messy export, the guide's sample, and broken uploads.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from test_new import MESSY

from portal.new.imports import as_markdown, dataset_name, detect_schema, markdown_text

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / "portal" / "init" / "template" / ".github" / "workflows" / "import.yml"
SAMPLE = ROOT / "docs" / "assets" / "exemples" / "subventions-exemple.csv"
PORTAL = Path(sys.executable).parent / "portal"
ENV = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "ville/portail", "BRANCH": "import/42"}


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text("utf-8"))


def import_step() -> dict:
    steps = workflow()["jobs"]["import"]["steps"]
    return next(step for step in steps if step.get("id") == "import")


def run_workflow_command(portal: Path) -> subprocess.CompletedProcess:
    """The import step's command, with the runner's variables, run in the portal's folder."""
    argv = [re.sub(r"\$(\w+)", lambda m: ENV[m.group(1)], arg) for arg in shlex.split(import_step()["run"])]
    assert argv[0] == "portal"
    return subprocess.run([str(PORTAL), *argv[1:]], cwd=portal, capture_output=True, text=True, timeout=120)


@pytest.fixture
def portal(tmp_path: Path) -> Path:
    imports = tmp_path / "imports"
    imports.mkdir()
    (tmp_path / "datasets").mkdir()
    (imports / "README.md").write_text("# Dépôt\n", "utf-8")
    (imports / "Aides aux associations 2018.csv").write_bytes(MESSY)
    (imports / "subventions-exemple.csv").write_bytes(SAMPLE.read_bytes())
    (imports / "budget.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 64)  # a workbook, not its CSV export
    (imports / "vide.csv").write_bytes(b"")
    return tmp_path


def test_the_workflow_runs_portal_import_on_uploads_and_opens_a_pull_request_with_its_body():
    flow = workflow()
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare « on » as true
    assert triggers["push"] == {"branches": ["main"], "paths": ["imports/**"]}
    assert "workflow_dispatch" in triggers
    assert flow["permissions"] == {"contents": "write", "pull-requests": "write"}
    argv = shlex.split(import_step()["run"])
    assert argv[:5] == ["portal", "import", "imports", "--body", "pr-body.md"]
    pull_request = next(s for s in flow["jobs"]["import"]["steps"] if "gh pr create" in s.get("run", ""))
    assert "--body-file pr-body.md" in pull_request["run"]
    assert "git add -A -- datasets imports" in pull_request["run"]


def test_uploads_become_datasets_and_the_body_holds_report_checklist_validation_and_next_steps(portal: Path):
    messy = portal / "imports" / "Aides aux associations 2018.csv"
    original = messy.read_bytes()
    done = run_workflow_command(portal)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr

    # The datasets, written as portal new writes them; the converted uploads left imports/.
    aides = portal / "datasets" / "aides-aux-associations-2018"
    assert (aides / "archive" / messy.name).read_bytes() == original
    assert (aides / "aides-aux-associations-2018.csv").read_text("utf-8").startswith("Nom_Attribuant,idAttribuant")
    sample = portal / "datasets" / "subventions-exemple"
    assert json.loads((sample / "datapackage.json").read_text("utf-8"))["resources"][0]["schema"] == "scdl/subventions"
    assert sorted(p.name for p in (portal / "imports").iterdir()) == ["README.md", "budget.xlsx", "vide.csv"]

    body = (portal / "pr-body.md").read_text("utf-8")
    assert "2 fichier(s) converti(s) en jeu de données, 2 fichier(s) non converti(s)." in body
    # A broken upload: one line naming the file and the fix, the others still converted.
    xlsx = next(line for line in body.splitlines() if line.startswith("- **budget.xlsx**"))
    assert "pas un CSV" in xlsx and "enregistrez-le au format « CSV »" in xlsx
    assert any(line.startswith("- **vide.csv**") for line in body.splitlines())
    assert "Traceback" not in body
    # The conversion report, as Markdown lists.
    assert "## Aides aux associations 2018.csv → datasets/aides-aux-associations-2018/" in body
    assert "**Lecture du fichier**" in body
    assert "- encodage : Windows-1252" in body
    assert "- Date de convention : 4 date(s) convertie(s) (JJ/MM/AAAA → AAAA-MM-JJ)" in body
    assert "  - ligne 3 : « en cours » n'est pas une date" in body
    # The checklist and the validation, the same as portal validate gives.
    validated = subprocess.run(
        [str(PORTAL), "validate", "--format", "json", "datasets/subventions-exemple"],
        cwd=portal, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    score = json.loads(validated.stdout)["datasets"][0]["score"]
    assert f"**Validation (portal validate) : score {score}/100, 0 erreur(s)," in body
    assert f"### Ce qui reste à faire — score {score}/100" in body
    assert "- ✗ Description de plus de 100 caractères" in body
    assert "  - avertissement \\[description-missing\\] datasets/subventions-exemple/datapackage.json" in body
    assert "    - → Ajoutez une \\`description\\` en français" in body
    # What the officer does next, with a link to the web editor on the pull request's branch.
    edit = "https://github.com/ville/portail/edit/import/42/datasets/aides-aux-associations-2018/datapackage.json"
    assert f"({edit})" in body
    assert "## Et maintenant" in body and "« Merge pull request »" in body


def test_nothing_converted_is_exit_code_1_and_the_body_says_why(portal: Path):
    for upload in ("Aides aux associations 2018.csv", "subventions-exemple.csv"):
        (portal / "imports" / upload).unlink()
    done = run_workflow_command(portal)
    assert done.returncode == 1
    body = (portal / "pr-body.md").read_text("utf-8")
    assert "0 fichier(s) converti(s) en jeu de données, 2 fichier(s) non converti(s)." in body
    assert "## Et maintenant" not in body
    assert not list((portal / "datasets").iterdir())


def test_an_upload_never_replaces_a_dataset_and_a_name_that_gives_no_dataset_name_is_refused(portal: Path):
    (portal / "datasets" / "subventions-exemple").mkdir()
    (portal / "imports" / "***.csv").write_bytes(SAMPLE.read_bytes())
    done = run_workflow_command(portal)
    assert done.returncode == 0
    body = (portal / "pr-body.md").read_text("utf-8")
    assert "le jeu datasets/subventions-exemple existe déjà ; renommez le fichier" in body
    assert "son nom ne donne pas de nom de jeu" in body
    assert (portal / "imports" / "subventions-exemple.csv").exists()
    assert not list((portal / "datasets" / "subventions-exemple").iterdir())


def test_dataset_names_follow_the_naming_rule():
    assert dataset_name(Path("Subventions 2018.csv")) == "subventions-2018"
    assert dataset_name(Path("Délibérations_conseil.2024.csv")) == "deliberations-conseil-2024"
    assert dataset_name(Path("con.csv")) is None  # reserved by Windows
    assert dataset_name(Path("***.csv")) is None


def test_the_schema_comes_from_the_file_name_or_the_headers(tmp_path: Path):
    renamed = tmp_path / "aides-2026.csv"
    renamed.write_bytes(SAMPLE.read_bytes())
    assert detect_schema(renamed) == "scdl/subventions"  # its headers are the national schema's
    messy = tmp_path / "aides.csv"
    messy.write_bytes(MESSY)
    assert detect_schema(messy) is None
    named = tmp_path / "subventions 2018.csv"
    named.write_bytes(MESSY)
    assert detect_schema(named) == "scdl/subventions"


def test_values_from_the_file_cannot_mention_link_or_inject_html():
    text = markdown_text("@everyone <img src=x> [clic](https://example.org) #12")
    assert "@" not in text.replace("\\@", "") and "<" not in text.replace("\\<", "")
    assert "[" not in text.replace("\\[", "")
    assert as_markdown(["Titre", "  - ligne 3 : « *x* »"]) == ["**Titre**", "", "- ligne 3 : « \\*x\\* »"]
