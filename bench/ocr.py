"""Coding quality on clean and OCR-damaged answers (issue 17): macro-F1 per set, mode and tree.

    python bench/ocr.py                                  # this tree against /work/main
    python bench/ocr.py --baseline /path/to/other/tree --modes fast

For each development set (dev with codebooks/digital_maturity.yaml, dev2 with its own
codebook), the answers are degraded by bench/degrade.py (seed 0) and `qualcode code` runs in
a child process per tree, mode and version of the answers, with that tree first on the
Python path; each coded table is scored with ../shared/tools/score.py. Printed: macro-F1
clean and degraded, the drop, and per code the F1 of the fast mode (`--per-code` for all).
"""
import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from degrade import degrade_file  # noqa: E402
from measure import PYTHON, ROOT  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SCORE = ROOT.parent / "shared" / "tools" / "score.py"
SETS = {"dev": (DATA / "dev", ROOT / "codebooks" / "digital_maturity.yaml"),
        "dev2": (DATA / "dev2", DATA / "dev2" / "codebook.yaml")}
TARGET_DROP = 0.02


def code_and_score(tree, answers, codebook, gold, output, mode):
    """Code ``answers`` with the qualcode in ``tree``; return (macro-F1, {code: F1})."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run([PYTHON, "-m", "qualcode", "code", answers, "--codebook", codebook, "-o", output,
                    "-q", "--mode", mode], env=env, check=True, cwd=tree)
    lines = subprocess.run([PYTHON, SCORE, output, gold], capture_output=True, text=True,
                           check=True).stdout.strip().splitlines()
    per_code = {line.split()[0]: float(line.split()[3]) for line in lines[1:-1]}
    return float(lines[-1].split()[0].split("=")[1]), per_code


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="/work/main", help="the tree to compare with ('' for none)")
    parser.add_argument("--modes", nargs="+", default=["accurate", "fast"])
    parser.add_argument("--sets", nargs="+", default=list(SETS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-code", action="store_true", help="per-code F1 in accurate mode too")
    args = parser.parse_args()
    trees = {"baseline": Path(args.baseline), "this tree": ROOT} if args.baseline else {"this tree": ROOT}
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for name in args.sets:
            data, codebook = SETS[name]
            clean = data / "responses.csv"
            degraded = folder / f"{name}-degraded.csv"
            degrade_file(clean, degraded, seed=args.seed)
            for mode in args.modes:
                for label, tree in trees.items():
                    figures = {version: code_and_score(tree, answers, codebook, data / "gold.csv",
                                                       folder / f"{name}-{mode}-{version}-{label[:4]}.csv", mode)
                               for version, answers in (("clean", clean), ("degraded", degraded))}
                    (f_clean, codes_clean), (f_degraded, codes_degraded) = figures["clean"], figures["degraded"]
                    drop = f_clean - f_degraded
                    mark = "ok" if drop <= TARGET_DROP else f"> {TARGET_DROP}"
                    print(f"{name:5} {mode:8} {label:9}: clean {f_clean:.3f} degraded {f_degraded:.3f} "
                          f"drop {drop:+.3f} ({mark})", flush=True)
                    if mode == "fast" or args.per_code:
                        for code in codes_clean:
                            print(f"{'':7}{code:24} clean {codes_clean[code]:.2f} degraded {codes_degraded[code]:.2f}")


if __name__ == "__main__":
    main()
