"""Benchmark: build the portal with mkdocs over synthetic catalogues of 100 and 1,000 datasets.

    .venv/bin/python scripts/bench_site.py [--sizes 100 1000]

Each synthetic dataset is a copy of the fixture package tests/fixtures/packages/graphiques
(two tables) under another name, keeping --charts of its eight charts (default 1: drawing a
chart costs about 0.2 s, which scripts/bench_charts.py measures on its own). Prints, per size, the build time, the total
size of the site, the largest page and the per-dataset figures, to show linear growth.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.portal_fixture import make_portal  # noqa: E402


def synthetic_portal(folder: Path, size: int, charts: int) -> Path:
    make_portal(folder, [])
    template = ROOT / "tests" / "fixtures" / "packages" / "graphiques"
    for index in range(size):
        name = f"jeu-{index:04d}"
        target = folder / "datasets" / name
        shutil.copytree(template, target)
        descriptor = json.loads((target / "datapackage.json").read_text("utf-8"))
        descriptor["name"] = name
        descriptor["title"] = f"Jeu synthétique n° {index}"
        descriptor["keywords"] = [f"mot-{index % 20}"]
        descriptor["views"] = descriptor["views"][:charts]
        (target / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), "utf-8")
    return folder


def measure(size: int, charts: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = synthetic_portal(Path(tmp) / "portail", size, charts)
        start = time.perf_counter()
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("mkdocs")),
                "build",
                "--strict",
                "-q",
                "-f",
                str(folder / "mkdocs.yml"),
            ],
            cwd=folder,
            capture_output=True,
            text=True,
            env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
        )
        seconds = time.perf_counter() - start
        if result.returncode:
            raise SystemExit(result.stderr[-2000:])
        site = folder / "site"
        files = [p for p in site.rglob("*") if p.is_file()]
        pages = [p for p in files if p.suffix == ".html"]
        largest = max(pages, key=lambda p: p.stat().st_size)
        return {
            "size": size,
            "seconds": seconds,
            "bytes": sum(p.stat().st_size for p in files),
            "largest": largest.relative_to(site).as_posix(),
            "largest_bytes": largest.stat().st_size,
            "pages": len(pages),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--charts", type=int, default=1, help="graphiques par jeu synthétique (0 à 8)")
    args = parser.parse_args()
    print(f"jeux synthétiques : 2 tables et {args.charts} graphique(s) chacun")
    rows = [measure(size, args.charts) for size in args.sizes]
    print(f"{'jeux':>6} {'temps':>9} {'s/jeu':>7} {'site':>10} {'Mo/jeu':>7} {'pages':>6}  plus grande page")
    for row in rows:
        print(
            f"{row['size']:>6} {row['seconds']:>8.1f}s {row['seconds'] / row['size']:>7.3f} "
            f"{row['bytes'] / 1e6:>8.1f}Mo {row['bytes'] / 1e6 / row['size']:>7.3f} {row['pages']:>6}  "
            f"{row['largest']} ({row['largest_bytes'] / 1e3:.0f} ko)"
        )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        growth = last["size"] / first["size"]
        print(
            f"rapport {last['size']}/{first['size']} jeux : temps ×{last['seconds'] / first['seconds']:.1f}, "
            f"taille ×{last['bytes'] / first['bytes']:.1f}, plus grande page ×{last['largest_bytes'] / first['largest_bytes']:.1f} "
            f"(linéaire : ×{growth:.0f})"
        )


if __name__ == "__main__":
    main()
