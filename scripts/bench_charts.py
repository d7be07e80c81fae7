"""Benchmark: build every chart of datasets/ cold (empty cache) then warm (nothing changed).

    .venv/bin/python scripts/bench_charts.py [--datasets datasets]

Prints the number of charts, both times, and the cold/warm ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from portal.charts.render import build_charts
from portal.dataset import load_catalogue


def build_all(root: Path, out: Path) -> tuple[int, int, float]:
    start = time.perf_counter()
    charts = [chart for dataset in load_catalogue(root) for chart in build_charts(dataset, out)]
    return len(charts), sum(c.rendered for c in charts), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=Path("datasets"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        count, drawn_cold, cold = build_all(args.datasets, Path(cache))
        _, drawn_warm, warm = build_all(args.datasets, Path(cache))
    print(f"graphiques            : {count}")
    print(
        f"à froid (cache vide)  : {cold:.2f} s, {drawn_cold} dessinés, {cold / max(count, 1) * 1000:.0f} ms par graphique"
    )
    print(f"à chaud (inchangés)   : {warm:.2f} s, {drawn_warm} dessinés")
    print(f"rapport froid / chaud : {cold / warm:.1f}×")


if __name__ == "__main__":
    main()
