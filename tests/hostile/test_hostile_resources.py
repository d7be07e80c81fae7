"""Hostile resources: special files and oversized inputs are refused before they are read.

A named pipe blocks whoever opens it, ``/dev/zero`` never ends, 30,000 columns made ``portal new``
run for minutes: each is refused with one French line, quickly, by the real commands.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import time
from pathlib import Path

import pytest

from portal.reader import MAX_COLUMNS, MAX_INPUT_BYTES
from tests.hostile.conftest import assert_no_traceback, portal_with, run_portal
from tests.portal_fixture import MKDOCS

# A hang shows as a timeout of the process: well above what a refusal takes.
QUICK = 30


def new_from(source: Path, tmp_path: Path, timeout: float = QUICK):
    return run_portal("new", "jeu", "--from", str(source), "--datasets", str(tmp_path / "datasets"), timeout=timeout)


def assert_refused_by_new(result, tmp_path: Path, words: str) -> None:
    assert_no_traceback(result)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("erreur : ") and words in lines[0], result.stderr
    datasets = tmp_path / "datasets"
    assert not datasets.exists() or not list(datasets.iterdir()), "nothing is written for a refused input"


# --- portal new --from ----------------------------------------------------------------------


def test_new_refuses_a_named_pipe_without_waiting_for_a_writer(tmp_path: Path) -> None:
    pipe = tmp_path / "export.csv"
    os.mkfifo(pipe)
    assert_refused_by_new(new_from(pipe, tmp_path), tmp_path, "tube nommé")


def test_new_refuses_the_zero_device_before_reading_it(tmp_path: Path) -> None:
    assert_refused_by_new(new_from(Path("/dev/zero"), tmp_path), tmp_path, "périphérique")


def test_new_refuses_a_symlink_to_the_zero_device(tmp_path: Path) -> None:
    link = tmp_path / "export.csv"
    link.symlink_to("/dev/zero")
    assert_refused_by_new(new_from(link, tmp_path), tmp_path, "périphérique")


def test_new_refuses_a_socket_and_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a relative name: a socket's path is limited to about 100 bytes
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("export.csv")
        assert_refused_by_new(new_from(tmp_path / "export.csv", tmp_path), tmp_path, "est une socket, pas un fichier")
    (tmp_path / "un-dossier").mkdir()
    assert_refused_by_new(new_from(tmp_path / "un-dossier", tmp_path), tmp_path, "est un dossier, pas un fichier")


def test_new_refuses_a_file_larger_than_its_limit_and_says_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "export.csv"
    with big.open("wb") as stream:
        stream.write(b"a;b\n1;2\n")
        stream.truncate(MAX_INPUT_BYTES + 1)  # sparse: no disk used, but that many bytes to read
    result = new_from(big, tmp_path)
    assert_refused_by_new(result, tmp_path, f"dépasse {MAX_INPUT_BYTES // (1024 * 1024)} Mo")


def test_new_refuses_thirty_thousand_columns_quickly(tmp_path: Path) -> None:
    wide = tmp_path / "export.csv"
    columns = 30_000
    lines = [",".join(f"colonne{i}" for i in range(columns))] + [",".join(["1"] * columns)] * 3
    wide.write_text("\n".join(lines) + "\n", "utf-8")
    started = time.monotonic()
    result = new_from(wide, tmp_path)
    assert time.monotonic() - started < 15, "30,000 columns took minutes before the limit"
    assert_refused_by_new(result, tmp_path, f"30000 colonnes (ligne 1), plus que les {MAX_COLUMNS}")


def test_new_still_reads_a_wide_export_within_the_limit(tmp_path: Path) -> None:
    wide = tmp_path / "export.csv"
    columns = 1_000
    lines = [";".join(f"colonne{i}" for i in range(columns))] + [";".join(["1,5"] * columns)] * 3
    wide.write_text("\n".join(lines) + "\n", "utf-8")
    result = new_from(wide, tmp_path, timeout=120)
    assert_no_traceback(result)
    assert result.returncode == 0, result.stderr
    descriptor = json.loads((tmp_path / "datasets" / "jeu" / "datapackage.json").read_text("utf-8"))
    assert len(descriptor["resources"][0]["schema"]["fields"]) == columns


# --- resource paths in portal validate, charts and mkdocs build ------------------------------


def _make_device(path: Path) -> None:
    os.mknod(path, stat.S_IFCHR | 0o644, os.makedev(1, 5))  # the zero device, inside the package


SPECIAL = {
    "fifo": (os.mkfifo, "tube nommé"),
    "device": (_make_device, "périphérique"),
}


def validate_json(folder: Path, *args: str) -> tuple[list[dict], object]:
    result = run_portal("validate", "--format", "json", *args, str(folder), timeout=QUICK)
    assert_no_traceback(result)
    report = json.loads(result.stdout)
    return [p for d in report["datasets"] for p in d["problems"]], result


@pytest.mark.parametrize("kind", sorted(SPECIAL))
def test_validate_refuses_a_special_file_inside_the_package(hostile, kind: str) -> None:
    folder = hostile()
    make, words = SPECIAL[kind]
    (folder / "participation.csv").unlink()
    make(folder / "participation.csv")
    problems, result = validate_json(folder)
    assert result.returncode == 1
    found = [p for p in problems if p["code"] == "resource-not-file"]
    assert found and words in found[0]["message"], problems
    assert found[0]["severity"] == "error"
    assert not [p for p in problems if p["code"] in {"resource-missing", "check-crashed"}], problems


def test_validate_refuses_a_symlink_to_a_fifo_inside_the_package(hostile) -> None:
    folder = hostile()
    os.mkfifo(folder / "tube")
    (folder / "participation.csv").unlink()
    (folder / "participation.csv").symlink_to("tube")
    problems, result = validate_json(folder)
    assert result.returncode == 1
    assert [p for p in problems if p["code"] == "resource-not-file"], problems


def test_validate_refuses_a_socket_inside_the_package(hostile, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = hostile()
    (folder / "participation.csv").unlink()
    monkeypatch.chdir(folder)
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("participation.csv")
        problems, _ = validate_json(folder)
    found = [p for p in problems if p["code"] == "resource-not-file"]
    assert found and "est une socket, pas un fichier" in found[0]["message"], problems


def test_validate_refuses_a_symlink_to_the_zero_device(hostile) -> None:
    folder = hostile()
    (folder / "participation.csv").unlink()
    (folder / "participation.csv").symlink_to("/dev/zero")
    problems, result = validate_json(folder)
    assert result.returncode == 1
    assert [p for p in problems if p["code"] == "path-unsafe"], problems


def test_charts_and_mkdocs_build_refuse_a_fifo_resource_without_hanging(hostile, tmp_path: Path) -> None:
    portal = portal_with(tmp_path / "portail", [hostile("tube", base="graphiques")])
    package = portal / "datasets" / "tube"
    (package / "reponses.csv").unlink()
    os.mkfifo(package / "reponses.csv")

    charts = run_portal("charts", str(package), "--out", str(tmp_path / "graphiques"), timeout=QUICK)
    assert_no_traceback(charts)
    assert charts.returncode == 1 and "tube" in charts.stderr, charts.stderr

    build = subprocess.run(
        [str(MKDOCS), "build", "--strict", "-f", str(portal / "mkdocs.yml")],
        cwd=portal,
        capture_output=True,
        text=True,
        timeout=120,  # mkdocs_build has none: a hang must fail, not stall the suite
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    assert build.returncode == 1, build.stderr[-2000:]
    assert "tube nommé" in build.stderr and "Traceback" not in build.stderr, build.stderr[-2000:]
    assert not (portal / "site").exists() and not (portal / "site.en-cours").exists()
