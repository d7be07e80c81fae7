"""Benchmark: the peak memory of `mkdocs build` over one large CSV (the build streams its rows).

    .venv/bin/python scripts/bench_build_memory.py [--size-mb 2048] [--view] [--aggregate sum] [--keep]

Writes, in a temporary folder under /tmp, a portal (the real mkdocs.yml and docs/) with one
dataset: the fixture package tests/fixtures/packages/complet whose table is replaced by --size-mb of
realistic rows (years, names of devices, counts, amounts with decimals, a free-text column with
commas and quotes). Runs `mkdocs build --strict` under `/usr/bin/time -v` and prints the size of the
CSV, the build time and the peak resident memory. With --view, the dataset also declares an
aggregated bar chart over the table (--aggregate: sum, mean, median…; the charts read only the
columns the views use, a chunk at a time). The folder is deleted afterwards unless --keep.

Measured (2 cores shared): 2 GiB CSV, 27.7 million rows: 619 s, peak 350 MiB (before streaming, a 100 MiB
CSV already took 3.9 GiB). With --view, the chart data read in chunks too (portal/charts/stream.py):
2 GiB, 462 s, peak 381 MiB; 200 MiB, peak 393 MiB with sum, 366 MiB with --aggregate mean, 380 MiB with
median, 363 MiB without a view (before chunks: 501 MiB with the chart, 1,097 MiB reading every column).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.portal_fixture import MKDOCS, PACKAGES, make_portal  # noqa: E402

DEVICES = [
    "Budget participatif",
    "Conseil de quartier",
    "Consultation en ligne",
    "Atelier citoyen",
    "Réunion publique",
    "Pétition locale",
    "Jury citoyen",
    "Conseil des jeunes",
]
WORDS = [
    "projet",
    "vélo",
    "école",
    "parc",
    "jardin",
    "éclairage,",
    "«",
    "rue",
    "»",
    "piétonne",
    '"place"',
    "marché",
    "banc",
    "arbre",
]


def write_rows(path: Path, size: int, seed: int = 13) -> int:
    """A CSV of about ``size`` bytes with the fixture's columns and a long text column; its row count."""
    rng = random.Random(seed)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write("annee,dispositif,participants,budget,commentaire\n")
        written = 0
        while written < size:
            block = []
            for _ in range(10_000):
                text = " ".join(rng.choices(WORDS, k=rng.randint(2, 9))).replace('"', '""')
                block.append(
                    f"{rng.randint(2000, 2025)},{rng.choice(DEVICES)},{rng.randint(0, 20000)},"
                    f'{rng.randint(0, 2_000_000)}.{rng.randint(0, 99):02d},"{text}"\n'
                )
            text = "".join(block)
            stream.write(text)
            written += len(text.encode("utf-8"))
            rows += len(block)
    return rows


def large_portal(folder: Path, size: int, view: bool, aggregate: str = "sum") -> tuple[Path, int]:
    make_portal(folder, [])
    package = folder / "datasets" / "gros"
    shutil.copytree(PACKAGES / "complet", package)
    descriptor = json.loads((package / "datapackage.json").read_text("utf-8"))
    descriptor["name"] = "gros"
    schema = descriptor["resources"][0]["schema"]
    schema.pop("primaryKey", None)  # random rows repeat (annee, dispositif)
    schema["fields"].append({"name": "commentaire", "type": "string", "description": "Un texte libre."})
    if view:
        descriptor["views"] = [
            {
                "name": "participants-par-dispositif",
                "resource": "participation",
                "type": "bar",
                "title": "Participants par dispositif",
                "x": "dispositif",
                "y": "participants",
                "aggregate": aggregate,
            }
        ]
    (package / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), "utf-8")
    rows = write_rows(package / "participation.csv", size)
    return package / "participation.csv", rows


def peak_rss_mb(time_output: str) -> float:
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", time_output)
    return int(match.group(1)) / 1024 if match else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=2048, help="taille du CSV en Mio (défaut : 2048)")
    parser.add_argument("--view", action="store_true", help="un graphique agrégé sur la grande table")
    parser.add_argument("--aggregate", default="sum", help="l'agrégat du graphique (défaut : sum)")
    parser.add_argument("--keep", action="store_true", help="garder le dossier temporaire")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-memoire-", dir="/tmp"))
    try:
        csv_path, rows = large_portal(folder / "portail", int(args.size_mb * 1024 * 1024), args.view, args.aggregate)
        print(f"CSV : {csv_path.stat().st_size / 1024 / 1024:.0f} Mio, {rows:,} lignes".replace(",", " "))
        start = time.perf_counter()
        result = subprocess.run(
            ["/usr/bin/time", "-v", str(MKDOCS), "build", "--strict", "-q", "-f", "mkdocs.yml"],
            cwd=folder / "portail",
            capture_output=True,
            text=True,
            env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
        )
        seconds = time.perf_counter() - start
        if result.returncode:
            print(result.stderr[-3000:])
            raise SystemExit(f"mkdocs build a échoué (code {result.returncode})")
        print(f"mkdocs build : {seconds:.0f} s, pic de mémoire {peak_rss_mb(result.stderr):.0f} Mio")
    finally:
        if args.keep:
            print(f"dossier gardé : {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
