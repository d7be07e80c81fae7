"""Ctrl-C: every long command stops within 2 seconds, says so in one line, and leaves nothing half-written.

Each test starts the real command on a workload that lasts several seconds, sends SIGINT once it
has started, and checks the exit (code 130, the message, no traceback) and what is on disk.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from portal import atomic
from portal.fastcheck.reading import prefetched
from portal.interrupt import EXIT_CODE, deferred
from tests.hostile.conftest import PORTAL, assert_no_traceback, portal_with
from tests.portal_fixture import MKDOCS, PACKAGES

STOP_SECONDS = 2.0


def copies(base: str, folder: Path, count: int) -> list[Path]:
    """``count`` copies of fixture package ``base``, each named after its folder."""
    made = []
    for number in range(count):
        target = folder / f"jeu-{number:03d}"
        shutil.copytree(PACKAGES / base, target)
        descriptor = json.loads((target / "datapackage.json").read_text("utf-8"))
        descriptor["name"] = target.name
        (target / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), "utf-8")
        made.append(target)
    return made


def interrupted(
    command: list[str], after: float, cwd: Path, env: dict | None = None, ready: Callable[[], bool] | None = None
) -> subprocess.CompletedProcess:
    """Run ``command``, send SIGINT once ``ready()`` holds then ``after`` seconds more, and return how
    it ended (within STOP_SECONDS). ``ready`` waits for a sign of work on disk: a loaded machine is slow."""
    environment = {**os.environ, "NO_COLOR": "1", "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    process = subprocess.Popen(command, cwd=cwd, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while ready is not None and not ready() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(after)
    assert process.poll() is None, "the workload ended before the interruption: make it longer"
    process.send_signal(signal.SIGINT)
    sent = time.monotonic()
    try:
        out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"still running 30 s after Ctrl-C:\n{err.decode()[-2000:]}")
    elapsed = time.monotonic() - sent
    result = subprocess.CompletedProcess(command, process.returncode, out.decode(), err.decode())
    assert elapsed < STOP_SECONDS, f"stopped {elapsed:.1f} s after Ctrl-C"
    return result


def assert_interrupted(result: subprocess.CompletedProcess) -> None:
    assert_no_traceback(result)
    assert result.returncode == EXIT_CODE, result.stderr[-2000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Interrompu : ") and "Ctrl-C" in last, result.stderr[-2000:]
    assert "Aborted" not in result.stderr


def leftovers(folder: Path) -> list[Path]:
    """Temporary files and folders of the writers (atomic writes, staging folders)."""
    names = (".en-cours", ".nouveau", ".ancien", ".precedent")
    return [p for p in folder.rglob("*") if p.name.endswith(names)]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the fast engine's reading thread --------------------------------------------------------


class Stop(BaseException):
    """Not an Exception: what the producer thread used to let through, leaving the consumer waiting."""


def test_prefetched_raises_any_end_of_the_producer_instead_of_waiting_for_ever() -> None:
    def items():
        yield 1
        raise Stop

    outcome: list[object] = []

    def consume() -> None:
        try:
            outcome.extend(prefetched(items()))
        except BaseException as exception:  # noqa: BLE001 — what the consumer raised is the result
            outcome.append(exception)

    consumer = threading.Thread(target=consume, daemon=True)
    consumer.start()
    consumer.join(timeout=5)
    assert not consumer.is_alive(), "the consumer hangs when the producer ends with a BaseException"
    assert outcome[0] == 1 and isinstance(outcome[1], Stop)


def test_prefetched_stops_its_thread_at_once_when_the_consumer_is_interrupted() -> None:
    closed = threading.Event()

    def endless():
        try:
            while True:
                yield b"batch"
        finally:
            closed.set()

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        for _ in prefetched(endless(), depth=2):
            raise KeyboardInterrupt  # Ctrl-C while a batch is checked
    assert time.monotonic() - started < 1.5
    assert closed.wait(1), "the producer must close what it reads"
    time.sleep(0.2)
    assert not [t for t in threading.enumerate() if t.name == "portal-batches"]


# --- the writers' building blocks ------------------------------------------------------------


def test_an_interrupted_atomic_write_leaves_the_previous_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "graphique.svg"
    target.write_text("<svg>hier</svg>", "utf-8")
    with pytest.raises(KeyboardInterrupt), atomic.replacing(target) as temporary:
        temporary.write_text("<svg>à moi", "utf-8")
        raise KeyboardInterrupt  # Ctrl-C in the middle of the write
    assert target.read_text("utf-8") == "<svg>hier</svg>"
    assert [p.name for p in tmp_path.iterdir()] == ["graphique.svg"]
    atomic.write_text(target, "<svg>aujourd'hui</svg>")
    assert target.read_text("utf-8") == "<svg>aujourd'hui</svg>"
    assert [p.name for p in tmp_path.iterdir()] == ["graphique.svg"]


def test_a_ctrl_c_during_a_deferred_block_is_raised_once_the_block_is_done() -> None:
    done = []
    with pytest.raises(KeyboardInterrupt), deferred():
        os.kill(os.getpid(), signal.SIGINT)  # a real signal, as the terminal sends it
        time.sleep(0.1)
        done.append("les deux renommages")
    assert done == ["les deux renommages"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


# --- the commands ----------------------------------------------------------------------------


def test_ctrl_c_stops_validate_of_hundreds_of_datasets(tmp_path: Path) -> None:
    copies("complet", tmp_path / "datasets", 600)
    result = interrupted([str(PORTAL), "validate", "datasets"], after=1.5, cwd=tmp_path)
    assert_interrupted(result)
    assert result.stdout == "", "an interrupted run prints no partial report"


def _export(path: Path, megabytes: float) -> Path:
    lines = ["commune;date;montant;libellé;code"]
    size, number = 0, 0
    while size < megabytes * 1_000_000:
        line = f"Ville {number % 500};{1 + number % 28:02d}/{1 + number % 12:02d}/2023;{number * 7 % 99991},{number % 100:02d};Subvention {number};{number % 97:05d}"
        lines.append(line)
        size += len(line) + 1
        number += 1
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


@pytest.mark.parametrize("existing", [False, True], ids=["nouveau", "remplace"])
def test_ctrl_c_stops_new_and_leaves_no_half_dataset(tmp_path: Path, existing: bool) -> None:
    datasets = tmp_path / "datasets"
    export = _export(tmp_path / "export.csv", 3)
    command = [str(PORTAL), "new", "jeu", "--from", str(export), "--datasets", str(datasets)]
    before: dict[str, bytes] = {}
    if existing:
        copies("complet", tmp_path / "avant", 1)
        datasets.mkdir()
        (tmp_path / "avant" / "jeu-000").rename(datasets / "jeu")
        before = snapshot(datasets / "jeu")
        command.append("--force")
    result = interrupted(command, after=2.0, cwd=tmp_path)
    assert_interrupted(result)
    if existing:
        assert snapshot(datasets / "jeu") == before, "the replaced dataset is intact"
    else:
        assert not (datasets / "jeu").exists()
    assert not leftovers(tmp_path), leftovers(tmp_path)
    if existing:
        assert [p.name for p in datasets.iterdir()] == ["jeu"]
    else:
        assert not datasets.exists() or not list(datasets.iterdir())


def test_ctrl_c_stops_charts_and_leaves_each_chart_whole(tmp_path: Path) -> None:
    packages = copies("graphiques", tmp_path / "datasets", 8)
    out = tmp_path / "graphiques"
    command = [str(PORTAL), "charts", *map(str, packages), "--out", str(out)]
    result = interrupted(command, after=0.3, cwd=tmp_path, ready=lambda: any(out.glob("*/*.sha256")))
    assert_interrupted(result)
    assert not leftovers(out), leftovers(out)
    stamps = list(out.glob("*/*.sha256"))
    assert stamps, "the interruption came after the first charts"
    for stamp in stamps:  # a stamped chart has all its files; an unstamped one is redone next time
        for suffix in ("vl.json", "svg", "png", "csv", "json"):
            assert stamp.with_suffix(f".{suffix}").stat().st_size > 0


def test_ctrl_c_stops_mkdocs_build_and_keeps_the_previous_site(tmp_path: Path) -> None:
    portal = portal_with(tmp_path / "portail", [])
    copies("complet", portal / "datasets", 80)
    previous = portal / "site"
    previous.mkdir()
    (previous / "index.html").write_text("le site d'hier", "utf-8")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    command = [str(MKDOCS), "build", "--strict"]
    # Once the pipeline has its work folder, it is generating the pages.
    result = interrupted(
        command, after=0.5, cwd=portal, env={"TMPDIR": str(scratch)}, ready=lambda: any(scratch.iterdir())
    )
    assert_interrupted(result)
    assert "site précédent" in result.stderr
    assert (previous / "index.html").read_text("utf-8") == "le site d'hier"
    assert sorted(p.name for p in portal.iterdir() if p.name.startswith("site")) == ["site"]
    assert not list(scratch.iterdir()), "the pipeline's work folder is removed"
