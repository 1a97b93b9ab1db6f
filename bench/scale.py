"""Speed and memory of `qualcode code` and `qualcode report` at 10k, 100k and 1M answers,
against spaCy's bare tokenizer.

    .venv/bin/python bench/scale.py                      # 10,000 and 100,000 answers, fast setting
    .venv/bin/python bench/scale.py --n 1000000 --jobs 2 --no-report
    .venv/bin/python bench/scale.py --n 10000 --mode accurate
    .venv/bin/python bench/scale.py --n 100000 --repeat 3   # fastest of three runs of each

Answers come from bench/synth.py (sentences of the shipped corpus and ../shared/data/real
recombined, 1-4 per answer). Each size is written as a CSV; then, each in a fresh child
process: spaCy's `spacy.blank("sv")` tokenizer over the same text column (start-up and
reading included), `qualcode code` end to end with an empty cache folder (the first run an
analyst makes), and `qualcode report` end to end with an empty cache folder too. Printed:
seconds, peak resident memory, and the ratio to the tokenizer.
Targets (issue 9): fast 100k <= 60 s and <= 5x the tokenizer; 1M <= 20 min, <= 2 GB.
"""
import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import bare_tokeniser, fastest, figure, qualcode_code, qualcode_report  # noqa: E402
from synth import write_answers_csv  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--mode", default="fast", choices=["fast", "accurate"])
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--output", default=".csv", help="suffix of the coded table (.csv, .parquet)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement; the fastest is shown")
    parser.add_argument("--no-report", dest="report", action="store_false", help="measure `qualcode code` only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for n in args.n:
            answers = write_answers_csv(folder / f"answers-{n}.csv", n)
            tokeniser = fastest(lambda: bare_tokeniser(answers), args.repeat)
            print(figure(f"{n:>9,} answers: spacy.blank('sv') tokenizer", *tokeniser), flush=True)
            caches = (folder / f"cache-{n}-{run}" for run in range(2 * args.repeat))
            coded = fastest(lambda: qualcode_code(answers, folder / f"coded-{n}{args.output}", next(caches),
                                                  "--mode", args.mode, "--jobs", args.jobs), args.repeat)
            label = f"{n:>9,} answers: qualcode code --mode {args.mode} --jobs {args.jobs}"
            print(figure(label, *coded, baseline=tokeniser[0]), flush=True)
            if args.report:
                report = fastest(lambda: qualcode_report(answers, folder / f"report-{n}", next(caches),
                                                         "--mode", args.mode), args.repeat)
                print(figure(f"{n:>9,} answers: qualcode report --mode {args.mode}", *report,
                             baseline=tokeniser[0]), flush=True)


if __name__ == "__main__":
    main()
