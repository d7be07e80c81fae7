"""Benchmark: `portal validate` (fast engine) against `frictionless validate` on large SCDL tables.

    .venv/bin/python scripts/bench_validate.py [--sizes 10000 100000 1000000] [--repeat 3]

For each size, generates an SCDL-subventions data package whose CSV has 0.1 % of its rows with an
error (of every kind: required, pattern, type, enum, maxLength, minimum, maximum, boolean,
SIRET, one-of-required), then runs, in the same run and each in its own process:

- the fast engine alone (portal/fastcheck, with the SCDL custom checks in the same pass);

- `portal validate --format json` on the package (every check of the portal, fast engine for
  the table);
- `frictionless validate --json --limit-errors 100000000` on the same resource with the national
  schema inline (without a limit frictionless stops at 1,000 errors and would read less of the file).

Prints both wall times, the ratio, rows per second, each process's peak memory (maximum resident
set size, from getrusage of a wrapper process), and whether the error counts per type agree.
``portal validate`` and the engine run ``--repeat`` times (3 by default): the median is the figure,
every run is printed, the peak is the highest; frictionless runs once (40 s on a million rows).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal.scdl import load_schema  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "scdl" / "subventions"
BIN = Path(sys.executable).parent
ERROR_RATE = 0.001
# One bad value per kind of error: (column, value).
ERRORS = [
    ("nomAttribuant", ""),  # required
    ("idAttribuant", "2199919400001"),  # pattern (and SIRET)
    ("dateConvention", "31/02/2026"),  # type: date
    ("montant", "12 500"),  # type: number
    ("nature", "aide en espèces"),  # enum
    ("objet", "x" * 300),  # maxLength
    ("pourcentageSubvention", "0"),  # minimum
    ("pourcentageSubvention", "1.5"),  # maximum
    ("notificationUE", "peut-être"),  # type: boolean
    ("idBeneficiaire", "79912345000015"),  # SIRET checksum
    ("datesPeriodeVersement", "2026-03-01 / 2026-09-30"),  # pattern
    ("idBeneficiaire+rnaBeneficiaire", ""),  # one-of-required
]
SIRETS = ["21999194000012", "79912345000014", "44306184100047", "35600000000048"]
OBJECTS = ["Fonctionnement de l'école de football", "Salon du livre", "Classes découvertes", "Fête de la musique"]


def write_table(path: Path, rows: int, seed: int = 20261122) -> int:
    rng = random.Random(seed)
    names = [f["name"] for f in load_schema("scdl/subventions")["fields"]]
    injected = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write(",".join(names) + "\n")
        for index in range(rows):
            row = {
                "nomAttribuant": "Commune d'Exempleville",
                "idAttribuant": "21999194000012",
                "dateConvention": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "referenceDecision": f"DEL-2026-{index % 1000:03d}",
                "nomBeneficiaire": f"Association n° {index}",
                "idBeneficiaire": rng.choice(SIRETS),
                "rnaBeneficiaire": f"W{rng.randint(100000000, 999999999)}",
                "objet": rng.choice(OBJECTS),
                "montant": f"{rng.randint(100, 100000)}.{rng.randint(0, 99):02d}",
                "nature": rng.choice(["aide en numéraire", "aide en nature"]),
                "conditionsVersement": rng.choice(["unique", "échelonné"]),
                "datesPeriodeVersement": "2026-03-01/2026-09-30",
                "idRAE": "",
                "notificationUE": rng.choice(["oui", "non"]),
                "pourcentageSubvention": rng.choice(["1", "0.5", "0.25"]),
                "dispositifAide": "",
            }
            if rng.random() < ERROR_RATE:
                column, value = rng.choice(ERRORS)
                for name in column.split("+"):
                    row[name] = value
                injected += 1
            stream.write(",".join(row[name] for name in names) + "\n")
    return injected


def make_package(folder: Path, rows: int) -> tuple[Path, Path, int]:
    package = folder / "subventions"
    shutil.copytree(FIXTURE, package)
    injected = write_table(package / "subventions.csv", rows)
    resource = {
        "name": "subventions",
        "path": "subventions.csv",
        "format": "csv",
        "encoding": "utf-8",
        "schema": load_schema("scdl/subventions"),
    }
    (package / "resource.json").write_text(json.dumps(resource, ensure_ascii=False), "utf-8")
    return package, package / "resource.json", injected


# The structure check's fast engine with the SCDL custom checks, as `portal validate` runs them.
ENGINE_ONLY = (
    "import sys\n"
    "from pathlib import Path\n"
    "from portal.checks.scdl import LIMIT\n"
    "from portal.fastcheck import validate\n"
    "from portal.fastcheck.custom import Runner\n"
    "from portal.scdl import load_schema\n"
    "schema = load_schema('scdl/subventions')\n"
    "runner = Runner(schema, [f['name'] for f in schema['fields']], LIMIT)\n"
    "result = validate({'schema': schema}, Path(sys.argv[1]), consumers=[runner])\n"
    "import json\n"
    "listed = [[e.type, e.row_number, getattr(e, 'field_name', None)] for e in result.errors]\n"
    "print(json.dumps({'counts': result.count_by_type(), 'listed': listed, 'custom': runner.counts}))\n"
)
WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[2:], stdout=open(sys.argv[1], 'w'), stderr=subprocess.DEVNULL)\n"
    "elapsed = time.perf_counter() - start\n"
    "print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)\n"
)


def measure(command: list[str], output: Path, cwd: Path) -> tuple[float, float]:
    """Wall time (s) and peak resident memory (MB) of one command, in its own wrapper process."""
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(output), *command], cwd=cwd, capture_output=True, text=True, check=True
    )
    elapsed, peak_kb, _ = done.stdout.split()
    return float(elapsed), int(peak_kb) / 1024


def portal_counts(report: dict) -> tuple[dict[str, int], str]:
    tables = [t for d in report["datasets"] for t in d.get("tables", [])]
    table = tables[0] if tables else {}
    return table.get("countsByType", {}), table.get("engine", "?")


def frictionless_counts(report: dict) -> dict[str, int]:
    counts: dict[str, int] = {}
    for task in report.get("tasks", []):
        for error in task.get("errors", []):
            counts[error["type"]] = counts.get(error["type"], 0) + 1
    return dict(sorted(counts.items()))


def measure_runs(command: list[str], output: Path, cwd: Path, repeat: int) -> tuple[float, float, list[float]]:
    """Median wall time, highest peak memory, and every run's time."""
    runs = [measure(command, output, cwd) for _ in range(repeat)]
    times = sorted(elapsed for elapsed, _ in runs)
    return statistics.median(times), max(peak for _, peak in runs), [elapsed for elapsed, _ in runs]


def bench(size: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        package, resource, injected = make_package(folder, size)
        generated = time.perf_counter() - start
        portal_out, frictionless_out = folder / "portal.json", folder / "frictionless.json"
        portal_time, portal_mb, portal_runs = measure_runs(
            [str(BIN / "portal"), "validate", "--format", "json", str(package)], portal_out, ROOT, repeat
        )
        frictionless_time, frictionless_mb = measure(
            [str(BIN / "frictionless"), "validate", "--json", "--limit-errors", "100000000", resource.name],
            frictionless_out,
            package,
        )
        engine_time, engine_mb, engine_runs = measure_runs(
            [sys.executable, "-c", ENGINE_ONLY, str(package / "subventions.csv")], folder / "engine.txt", ROOT, repeat
        )
        ours, engine = portal_counts(json.loads(portal_out.read_text("utf-8")))
        theirs = frictionless_counts(json.loads(frictionless_out.read_text("utf-8")))
        print(f"--- {size:,} rows ({injected:,} rows with an injected error; file generated in {generated:.1f} s)")
        shown = ", ".join(f"{t:.2f}" for t in portal_runs)
        print(
            f"portal validate       : {portal_time:8.2f} s  {size / portal_time:12,.0f} rows/s  peak {portal_mb:6.0f} MB  (engine: {engine}; median of {shown} s)"
        )
        print(
            f"frictionless validate : {frictionless_time:8.2f} s  {size / frictionless_time:12,.0f} rows/s  peak {frictionless_mb:6.0f} MB"
        )
        print(
            f"ratio                 : {frictionless_time / portal_time:8.1f}x  (portal validate runs every check of the checklist)"
        )
        print(
            f"fast engine alone     : {engine_time:8.2f} s  {size / engine_time:12,.0f} rows/s  peak {engine_mb:6.0f} MB"
            f"  ratio {frictionless_time / engine_time:.1f}x  (structure and SCDL custom checks, one pass;"
            f" median of {', '.join(f'{t:.2f}' for t in engine_runs)} s)"
        )
        print(f"errors by type (portal, exact)       : {ours}")
        print(f"errors by type (frictionless, no cap): {theirs}")
        listed = json.loads((folder / "engine.txt").read_text("utf-8"))["listed"]
        reference = [
            [e["type"], e.get("rowNumber"), e.get("fieldName")]
            for task in json.loads(frictionless_out.read_text("utf-8")).get("tasks", [])
            for e in task.get("errors", [])
        ]
        print(f"same counts           : {ours == theirs}")
        print(f"same findings (type, row, field) for the {len(listed):,} listed: {listed == reference[: len(listed)]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of portal validate and of the engine")
    arguments = parser.parse_args()
    for size in arguments.sizes:
        bench(size, arguments.repeat)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
