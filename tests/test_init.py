"""``portal init DIR``: the files of a new portal, from real runs of the command (no build here:
tests/test_init_build.py builds the result with the MkDocs plugin, tests/test_install.py from a wheel)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from portal.init import TEMPLATE, TODO, unfinished_files

PORTAL = [sys.executable, "-m", "portal.cli"]
OPTIONS = ["--name", "Données ouvertes de l'Ain : budget, # et « guillemets »", "--url", "https://data.ain.fr"]
PUBLISHER = ["--publisher", "Département de l'Ain"]
PAGES = ["docs/a-propos.md", "docs/accessibilite.md", "docs/mentions-legales.md"]


def init(cli, folder: Path, *extra: str):
    return cli("init", str(folder), *OPTIONS, *PUBLISHER, *extra)


def test_init_writes_every_file_of_the_template(tmp_path, cli):
    result = init(cli, tmp_path / "portail")
    assert result.exit_code == 0, result.output
    written = sorted(
        p.relative_to(tmp_path / "portail").as_posix() for p in (tmp_path / "portail").rglob("*") if p.is_file()
    )
    expected = sorted(p.relative_to(TEMPLATE).as_posix() for p in TEMPLATE.rglob("*") if p.is_file())
    assert written == expected
    for name in [".gitignore", ".pre-commit-config.yaml", ".github/workflows/portal.yml", "datasets/.gitkeep",
                 "mkdocs.yml", "README.md", "requirements.txt", *PAGES]:  # fmt: skip
        assert name in written
    assert [p.name for p in (tmp_path / "portail" / "datasets").iterdir()] == [".gitkeep"]  # no dataset yet


def test_mkdocs_yml_is_minimal_and_quotes_what_was_given(tmp_path, cli):
    init(cli, tmp_path / "p")
    config = yaml.safe_load((tmp_path / "p" / "mkdocs.yml").read_text("utf-8"))
    assert config["site_name"] == "Données ouvertes de l'Ain : budget, # et « guillemets »"
    assert config["site_url"] == "https://data.ain.fr/"  # a trailing slash: relative addresses resolve under it
    assert config["theme"] == {"name": "material", "language": "fr"}
    assert config["plugins"] == [{"portal": {"publisher": "Département de l'Ain"}}]
    assert "hooks" not in config and "custom_dir" not in config["theme"]  # no path into the package


def test_markdown_pages_show_the_options_as_text(tmp_path, cli):
    result = cli("init", str(tmp_path / "p"), "--name", "Ville <script>alert(1)</script>", "--url", "http://x.fr/",
                 "--publisher", "Mairie <b>& Cie</b>")  # fmt: skip
    assert result.exit_code == 0, result.output
    readme = (tmp_path / "p" / "README.md").read_text("utf-8")
    assert "# Ville &lt;script&gt;alert(1)&lt;/script&gt;" in readme and "<script>" not in readme
    about = (tmp_path / "p" / "docs" / "a-propos.md").read_text("utf-8")
    assert "publié par Mairie &lt;b&gt;&amp; Cie&lt;/b&gt;." in about
    assert "[[" not in "".join(p.read_text("utf-8") for p in (tmp_path / "p").rglob("*") if p.is_file())


def test_what_is_to_complete_is_marked_and_found(tmp_path, cli):
    result = init(cli, tmp_path / "p")
    assert [p.as_posix() for p in unfinished_files(tmp_path / "p")] == ["mkdocs.yml", *PAGES]
    for page in PAGES:
        text = (tmp_path / "p" / page).read_text("utf-8")
        assert f'!!! warning "{TODO}"' in text  # an admonition the reader of the built page sees
        assert f"à compléter : {page}" in result.output
    config = yaml.safe_load((tmp_path / "p" / "mkdocs.yml").read_text("utf-8"))
    assert config["site_description"].startswith(TODO)  # the home page's lead
    (tmp_path / "p" / "docs" / "a-propos.md").write_text("# À propos\n\nLe portail du département.\n", "utf-8")
    assert "docs/a-propos.md" not in [p.as_posix() for p in unfinished_files(tmp_path / "p")]


def test_the_workflow_validates_with_annotations_and_deploys_main(tmp_path, cli):
    init(cli, tmp_path / "p")
    workflow = yaml.safe_load((tmp_path / "p" / ".github" / "workflows" / "portal.yml").read_text("utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key « on » as true
    assert "pull_request" in triggers and triggers["push"] == {"branches": ["main"]}
    steps = workflow["jobs"]["portail"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert "portal validate --format github" in runs
    [deploy] = [step for step in steps if "mkdocs gh-deploy --force" in step.get("run", "")]
    assert "refs/heads/main" in deploy["if"] and "pull_request" in deploy["if"]
    [cache] = [step for step in steps if step.get("uses", "").startswith("actions/cache@")]
    assert cache["with"]["path"] == ".cache" and "hashFiles('datasets/**')" in cache["with"]["key"]
    assert "requirements.txt" in " ".join(runs)
    assert (tmp_path / "p" / "requirements.txt").read_text("utf-8").startswith("portal[docs]")


def test_pre_commit_runs_portal_validate_and_gitignore_keeps_builds_out(tmp_path, cli):
    init(cli, tmp_path / "p")
    config = yaml.safe_load((tmp_path / "p" / ".pre-commit-config.yaml").read_text("utf-8"))
    [repo] = config["repos"]
    [hook] = repo["hooks"]
    assert repo["repo"] == "local" and hook["entry"] == "portal validate" and hook["language"] == "system"
    ignored = (tmp_path / "p" / ".gitignore").read_text("utf-8").split()
    assert "site/" in ignored and ".cache/" in ignored


def test_the_readme_explains_the_commands_in_french(tmp_path, cli):
    init(cli, tmp_path / "p")
    readme = (tmp_path / "p" / "README.md").read_text("utf-8")
    for command in ("pip install -r requirements.txt", "portal new", "portal validate", "mkdocs serve"):
        assert command in readme
    assert "Les commandes" in readme and "https://data.ain.fr/" in readme


def test_a_new_portal_passes_the_workflow_checks(tmp_path, cli):
    """The workflow's and the hook's `portal validate`, run in the new portal: the empty datasets/ warns."""
    init(cli, tmp_path / "p")
    result = subprocess.run([*PORTAL, "validate", "--format", "github"], cwd=tmp_path / "p", capture_output=True,
                            text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "::warning file=datasets,title=portal validate (datasets-empty)::" in result.stdout


def test_a_non_empty_folder_is_refused_unless_forced(tmp_path, cli):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "notes.txt").write_text("à garder", "utf-8")
    result = init(cli, folder)
    assert result.exit_code == 2 and "n'est pas vide" in result.output and "--force" in result.output
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert init(cli, folder, "--force").exit_code == 0
    assert (folder / "mkdocs.yml").exists() and (folder / "notes.txt").read_text("utf-8") == "à garder"


@pytest.mark.parametrize(
    "address", ["ftp://data.ain.fr/", "data.ain.fr", "https://", "https://x.fr/?a=1", "javascript:alert(1)"]
)
def test_the_public_address_must_be_http(tmp_path, cli, address):
    result = cli("init", str(tmp_path / "p"), "--name", "Portail", "--url", address, *PUBLISHER)
    assert result.exit_code == 2 and "adresse" in result.output
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize("options", [["--name", "  "], ["--name", "deux\nlignes"]])
def test_a_name_is_one_line_of_text(tmp_path, cli, options):
    result = cli("init", str(tmp_path / "p"), *options, "--url", "https://x.fr/", *PUBLISHER)
    assert result.exit_code == 2 and "nom du portail" in result.output.lower()
    assert not (tmp_path / "p").exists()


def test_missing_options_without_a_terminal_are_a_usage_error(tmp_path):
    result = subprocess.run([*PORTAL, "init", str(tmp_path / "p"), "--url", "https://x.fr/"], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 2
    assert "--name, --publisher" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "p").exists()


def test_missing_options_are_asked_on_a_terminal(tmp_path):
    """A real terminal (a pseudo-terminal): a wrong address is asked again, then the portal is written."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen([*PORTAL, "init", str(tmp_path / "p")], stdin=follower, stdout=follower,
                               stderr=follower, close_fds=True)  # fmt: skip
    os.close(follower)
    for answer in ["Portail de Brest", "brest.fr", "https://data.brest.fr", "Ville de Brest"]:
        os.write(leader, answer.encode() + b"\n")
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        output += chunk
    assert process.wait(timeout=60) == 0, output.decode()
    text = output.decode()
    assert "Nom du portail" in text and "Adresse publique" in text and "Éditeur" in text
    assert "n'est pas une adresse web" in text  # brest.fr, asked again
    config = yaml.safe_load((tmp_path / "p" / "mkdocs.yml").read_text("utf-8"))
    assert config["site_name"] == "Portail de Brest" and config["site_url"] == "https://data.brest.fr/"
    assert config["plugins"] == [{"portal": {"publisher": "Ville de Brest"}}]
