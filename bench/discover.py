"""Benchmark: `qualcode discover` on the 10,000 real Swedish service reviews.

    .venv/bin/python bench/discover.py [--out DIR] [--unit answer|sentence]

Runs the command as an analyst would (embeddings come from the on-disk cache when present;
set QUALCODE_CACHE_DIR to an empty folder to time a cold run), prints the wall time, the
themes with their sizes and names, and where the outputs went.
"""
import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from qualcode.cli import main

REVIEWS = Path(__file__).resolve().parents[2] / "shared" / "data" / "real" / "swedish_service_reviews" / "data.csv"


def run(out, unit):
    """Run discover on the reviews into ``out``; return the wall time in seconds."""
    start = time.perf_counter()
    try:
        main(["discover", str(REVIEWS), "--unit", unit, "--seed", "0", "-o", str(out)])
    except SystemExit as end:
        if end.code:
            raise
    return time.perf_counter() - start


def theme_list(out):
    """Theme number, size and name, from clusters.csv and themes.md."""
    sizes = pd.read_csv(out / "clusters.csv", encoding="utf-8-sig")["cluster"].value_counts()
    names = [line[3:] for line in (out / "themes.md").read_text(encoding="utf-8").splitlines()
             if line.startswith("## ")]
    return [f"{name}  ({sizes[int(name.split('.')[0])]})" for name in names]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--unit", default="answer")
    arguments = parser.parse_args()
    out = arguments.out or Path(tempfile.mkdtemp(prefix="discover-bench-"))
    seconds = run(out, arguments.unit)
    print(f"discover on {REVIEWS.name}: {seconds:.1f} s -> {out}")
    print("\n".join(theme_list(out)))
