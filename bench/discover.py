"""Benchmark: `qualcode discover` on the 10,000 real Swedish service reviews, and the
removed-code test on the development set, in each mode.

    .venv/bin/python bench/discover.py reviews [--mode auto|accurate|fast] [--unit answer|sentence] [--warm] [--out DIR]
    .venv/bin/python bench/discover.py removed [--modes accurate fast] [--seeds 0 1 2 3]

``reviews`` runs the command as an analyst would, in a child process, and prints the wall time,
the peak memory, the summary line (which embedding auto chose, and why) and every theme with
its size. It runs cold (an empty cache folder: nothing analysed or embedded before) unless
``--warm``, which uses the usual cache folder.
``removed`` removes each code of the default codebook in turn, codes the development set with
the others and discovers themes among the uncoded answers (see tests/test_discover_purpose.py);
it prints, per mode and seed, the purest theme per removed code and how many codes were found.
"""
import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from measure import PYTHON, measured  # noqa: E402

SHARED = HERE.parents[1] / "shared" / "data"
REVIEWS = SHARED / "real" / "swedish_service_reviews" / "data.csv"


def reviews(out, mode, unit, warm):
    """Run discover on the reviews into ``out``; print time, memory, summary and themes."""
    args = [PYTHON, "-m", "qualcode", "discover", REVIEWS, "--mode", mode, "--unit", unit, "--seed", "0",
            "-o", out, "-q"]
    with tempfile.TemporaryDirectory(prefix="discover-bench-cache-") as empty:
        seconds, peak_mb = measured(args, {} if warm else {"QUALCODE_CACHE_DIR": empty})
    print(f"discover --mode {mode} --unit {unit} on {REVIEWS.name} ({'warm' if warm else 'cold'} cache): "
          f"{seconds:.1f} s, peak {peak_mb:.0f} MB -> {out}")
    themes = (Path(out) / "themes.md").read_text(encoding="utf-8").splitlines()
    print(themes[2])
    print("\n".join(theme_list(Path(out), themes)))


def theme_list(out, themes_md):
    """Theme number, name and size, from clusters.csv and the lines of themes.md."""
    sizes = pd.read_csv(out / "clusters.csv", encoding="utf-8-sig")["cluster"].value_counts()
    names = [line[3:] for line in themes_md if line.startswith("## ")]
    return [f"{name}  ({sizes[int(name.split('.')[0])]})" for name in names]


def removed(modes, seeds):
    """Print the removed-code table per mode and seed, and the codes found per seed."""
    from test_discover_purpose import removed_code_rows, removed_code_table

    for mode in modes:
        found = []
        for seed in seeds:
            rows = removed_code_rows(SHARED / "dev", HERE.parent / "codebooks" / "digital_maturity.yaml", mode, seed)
            found.append(sum(row[-1] for row in rows))
            print(f"\n{mode}, seed {seed}: {found[-1]} of {len(rows)} removed codes found")
            print(removed_code_table(rows))
        print(f"\n{mode}: found {', '.join(map(str, found))} (seeds {', '.join(map(str, seeds))}); total {sum(found)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    on_reviews = commands.add_parser("reviews")
    on_reviews.add_argument("--out", type=Path, default=None)
    on_reviews.add_argument("--mode", default="auto", choices=["auto", "accurate", "fast"])
    on_reviews.add_argument("--unit", default="answer", choices=["answer", "sentence"])
    on_reviews.add_argument("--warm", action="store_true")
    on_dev = commands.add_parser("removed")
    on_dev.add_argument("--modes", nargs="+", default=["accurate", "fast"])
    on_dev.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3])
    arguments = parser.parse_args()
    if arguments.command == "reviews":
        reviews(arguments.out or Path(tempfile.mkdtemp(prefix="discover-bench-")), arguments.mode,
                arguments.unit, arguments.warm)
    else:
        removed(arguments.modes, arguments.seeds)
