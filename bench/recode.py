"""Re-coding after a codebook edit: the analyst's loop, against the first run.

    .venv/bin/python bench/recode.py               # 100,000 answers, fast setting
    .venv/bin/python bench/recode.py --n 20000 --mode accurate

Writes synthetic answers (bench/synth.py) as a CSV, codes them with an empty cache folder (the
first run), adds a keyword to the first code of the shipped codebook and codes them again
with the cache the first run left (the language analysis, the keyword matches of the codes
not edited, the lemma features and, in accurate mode, the embeddings are read back by
content hash). Each run is `qualcode code` end to end in a fresh child process; with
--repeat R, R such pairs run and the fastest of each kind is shown.
Target (issue 9): the second run costs <= 20% of the first.
"""
import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import CODEBOOK, figure, qualcode_code  # noqa: E402
from synth import write_answers_csv  # noqa: E402

EDIT = ("keywords: [ekonomi,", "keywords: [ekonomi, åtstramning,")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--mode", default="fast", choices=["fast", "accurate"])
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1,
                        help="pairs of runs, each on an empty cache; the fastest of each kind is shown")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        answers = write_answers_csv(folder / "answers.csv", args.n)
        edited = folder / "edited.yaml"
        text = CODEBOOK.read_text(encoding="utf-8")
        if EDIT[0] not in text:
            raise SystemExit(f"{CODEBOOK}: {EDIT[0]!r} not found; update EDIT in bench/recode.py")
        edited.write_text(text.replace(EDIT[0], EDIT[1], 1), encoding="utf-8")
        options = ("--mode", args.mode, "--jobs", args.jobs)
        pairs = []
        for run in range(args.repeat):
            cache = folder / f"cache-{run}"
            first = qualcode_code(answers, folder / "first.csv", cache, *options)
            again = qualcode_code(answers, folder / "again.csv", cache, *options, codebook=edited)
            pairs.append((first, again))
        first, again = (min(runs, key=lambda figures: figures[0]) for runs in zip(*pairs))
        print(figure(f"{args.n:,} answers, {args.mode}: first run (empty cache)", *first))
        print(figure(f"{args.n:,} answers, {args.mode}: after a keyword edit", *again, baseline=first[0]))


if __name__ == "__main__":
    main()
