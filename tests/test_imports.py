"""``portal import``: the workflow of a new portal turns uploads into datasets and a pull-request body.

The command is taken from the workflow file shipped in the template and run, as a real process,
in a temporary portal holding a messy export, the guide's sample, and broken uploads.
"""

from __future__ import annotations

import json
import os
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
SAMPLE = ROOT / "portal" / "site" / "assets" / "exemples" / "subventions-exemple.csv"
PORTAL = Path(sys.executable).parent / "portal"
ENV = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "ville/portail", "BRANCH": "import/42"}


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text("utf-8"))


def step(step_id: str) -> dict:
    return next(s for s in workflow()["jobs"]["import"]["steps"] if s.get("id") == step_id)


def git(portal: Path, *args: str) -> str:
    identity = ["-c", "user.name=Agent", "-c", "user.email=agent@example.org"]
    done = subprocess.run(["git", *identity, *args], cwd=portal, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def push(portal: Path) -> dict:
    """Commit everything, as GitHub's « Upload files » does on main; the push event's variables."""
    before = git(portal, "rev-parse", "HEAD")
    git(portal, "add", "-A")
    git(portal, "commit", "-q", "-m", "Add files via upload")
    return {"GITHUB_EVENT_NAME": "push", "BEFORE": before, "GITHUB_SHA": git(portal, "rev-parse", "HEAD")}


def run_workflow(portal: Path, event: dict) -> subprocess.CompletedProcess:
    """The workflow's two steps, listing the uploads then converting them, as the runner runs them
    (``bash -e``), with the portal command of this environment first on PATH."""
    runner = portal.parent / "runner"
    runner.mkdir(exist_ok=True)
    env = {**os.environ, **ENV, **event, "RUNNER_TEMP": str(runner)}
    env["PATH"] = f"{PORTAL.parent}{os.pathsep}{env['PATH']}"
    listing = subprocess.run(["bash", "-e", "-c", step("uploads")["run"]], cwd=portal, env=env, timeout=60)
    assert listing.returncode == 0
    return subprocess.run(
        ["bash", "-e", "-c", step("import")["run"]], cwd=portal, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def portal(tmp_path: Path) -> Path:
    """A portal's repository with a first commit, then four uploads pushed to imports/."""
    folder = tmp_path / "portail"
    imports = folder / "imports"
    imports.mkdir(parents=True)
    (folder / "datasets").mkdir()
    (folder / "datasets" / ".gitkeep").write_text("")
    (imports / "README.md").write_text("# Dépôt\n", "utf-8")
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "Portail")
    (imports / "Aides aux associations 2018.csv").write_bytes(MESSY)
    (imports / "subventions-exemple.csv").write_bytes(SAMPLE.read_bytes())
    (imports / "budget.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 64)  # a workbook, not its CSV export
    (imports / "vide.csv").write_bytes(b"")
    return folder


def run_workflow_command(portal: Path) -> subprocess.CompletedProcess:
    return run_workflow(portal, push(portal))


def test_the_workflow_runs_portal_import_on_uploads_and_opens_a_pull_request_with_its_body():
    flow = workflow()
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare « on » as true
    assert triggers["push"] == {"branches": ["main"], "paths": ["imports/**"]}
    assert "workflow_dispatch" in triggers
    assert flow["permissions"] == {"contents": "write", "pull-requests": "write"}
    argv = shlex.split(step("import")["run"])
    assert argv[:5] == ["portal", "import", "imports", "--body", "pr-body.md"]
    assert "--files-from" in argv
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
    assert [p.name for p in (portal / "datasets").iterdir()] == [".gitkeep"]


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


def test_a_later_push_imports_only_its_own_files_and_a_dispatch_every_file(portal: Path):
    assert run_workflow_command(portal).returncode == 0
    git(portal, "add", "-A")  # the pull request's branch, merged: the converted uploads left imports/
    git(portal, "commit", "-q", "-m", "Merge")
    (portal / "imports" / "subventions-2027.csv").write_bytes(SAMPLE.read_bytes())
    done = run_workflow_command(portal)
    assert done.returncode == 0, done.stderr
    body = (portal / "pr-body.md").read_text("utf-8")
    assert "1 fichier(s) converti(s) en jeu de données, 0 fichier(s) non converti(s)." in body  # not budget.xlsx again
    assert (portal / "datasets" / "subventions-2027" / "datapackage.json").is_file()
    # By hand (workflow_dispatch), every file still in imports/: the two refused ones.
    done = run_workflow(portal, {"GITHUB_EVENT_NAME": "workflow_dispatch"})
    assert done.returncode == 1
    assert "0 fichier(s) converti(s) en jeu de données, 2 fichier(s) non converti(s)." in (
        portal / "pr-body.md"
    ).read_text("utf-8")


def test_merging_the_pull_request_imports_nothing_and_succeeds(portal: Path):
    assert run_workflow_command(portal).returncode == 0
    (portal / "pr-body.md").unlink()
    done = run_workflow_command(portal)  # the merge: uploads removed from imports/, datasets added
    assert done.returncode == 0, done.stderr
    assert "Aucun fichier à importer" in (portal / "pr-body.md").read_text("utf-8")


def test_a_symbolic_link_is_never_followed(portal: Path, tmp_path: Path):
    secret = tmp_path / "secret.csv"
    secret.write_text("jeton;valeur\nGH_TOKEN;abc\n", "utf-8")
    (portal / "imports" / "subventions-lien.csv").symlink_to(secret)
    done = run_workflow_command(portal)
    assert done.returncode == 0
    assert "subventions-lien.csv est un lien symbolique" in (portal / "pr-body.md").read_text("utf-8")
    assert not (portal / "datasets" / "subventions-lien").exists()


def test_the_pull_request_step_pushes_a_branch_with_the_datasets_and_gives_gh_the_body(portal: Path, tmp_path: Path):
    # gh talks to GitHub's API: the one stand-in, a script that records what it is asked.
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    git(portal, "remote", "add", "origin", str(origin))
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    (bin_folder / "gh").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {tmp_path / "gh-args"}\n', "utf-8")
    (bin_folder / "gh").chmod(0o755)
    assert run_workflow_command(portal).returncode == 0
    env = {**os.environ, **ENV, "GITHUB_REF_NAME": "main", "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-e", "-c", step("pull-request")["run"]], cwd=portal, env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    pushed = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", "import/42"], cwd=origin, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert "datasets/subventions-exemple/datapackage.json" in pushed
    assert "datasets/subventions-exemple/archive/subventions-exemple.csv" in pushed
    assert "imports/subventions-exemple.csv" not in pushed and "imports/budget.xlsx" in pushed
    assert "pr-body.md" not in pushed
    args = (tmp_path / "gh-args").read_text("utf-8").splitlines()
    assert args[:2] == ["pr", "create"] and args[args.index("--body-file") + 1] == "pr-body.md"
    assert args[args.index("--head") + 1] == "import/42" and args[args.index("--base") + 1] == "main"


def test_a_huge_report_is_cut_to_the_size_github_accepts_keeping_what_to_do_next(portal: Path):
    rows = ["nom;date"] + [f"Association {i};{'31/02/2026' if i % 2 else '01/03/2026'}" for i in range(1000)]
    (portal / "imports" / "dates-impossibles.csv").write_text("\r\n".join(rows) + "\r\n", "utf-8")
    for number in range(8):  # eight such uploads: every report cut, the body still too long whole
        (portal / "imports" / f"dates-{number}.csv").write_text("\r\n".join(rows) + "\r\n", "utf-8")
    done = run_workflow_command(portal)
    assert done.returncode == 0, done.stderr
    body = (portal / "pr-body.md").read_text("utf-8")
    assert len(body) < 65_536
    assert "ligne(s) de plus : lancez portal new pour le rapport entier." in body
    assert body.index("## Et maintenant") < body.index("## Aides aux associations 2018.csv")
    assert body.endswith("… description coupée : elle dépasse la taille qu'accepte GitHub.\n")
