"""Coding quality on both development sets (issue 17): macro-F1, per-code P/R/F1, triage,
reliability and time, for this checkout and optionally a baseline checkout side by side.

    PYTHONPATH=$PWD .venv/bin/python bench/quality.py
    PYTHONPATH=$PWD .venv/bin/python bench/quality.py --baseline-path /work/main
    PYTHONPATH=$PWD .venv/bin/python bench/quality.py --modes accurate --warm

Each checkout is measured in a child process with that checkout first on ``sys.path`` (so the
baseline's own ``qualcode`` codes), through the Python API ``qc.code``, on
../shared/data/dev (codebook codebooks/digital_maturity.yaml of *this* checkout, so only the
code differs) and ../shared/data/dev2 (its own codebook.yaml), in each mode. By default each
child starts with an empty cache folder, so the seconds include embedding (compare them as a
ratio within one run); ``--warm`` uses the shared cache instead (quick, no timing figures).

Scored with ../shared/tools/score.py itself. Triage: the answers sorted by the machine's own
certainty (the checkout's own ``qualcode.learn.triage.certainty`` of the scores against the
coder's thresholds);
precision of the code decisions of the most certain 50 % and 30 %. Reliability: the scores of
all answer-code pairs in bins, the mean score beside the share that gold codes (the scores
are fitted without gold, so this is an out-of-sample check), and the expected calibration error.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SCORE = SHARED / "tools" / "score.py"
SETS = {"dev": (SHARED / "data" / "dev", ROOT / "codebooks" / "digital_maturity.yaml"),
        "dev2": (SHARED / "data" / "dev2", SHARED / "data" / "dev2" / "codebook.yaml")}
MODES = ("accurate", "fast")
COVERAGES = (0.5, 0.3)
BINS = np.linspace(0, 1, 11)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-path", type=Path, help="a checkout of qualcode to compare with")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--sets", nargs="+", choices=list(SETS), default=list(SETS))
    parser.add_argument("--warm", action="store_true", help="use the shared cache (no timing)")
    parser.add_argument("--per-code", action="store_true", help="print per-code P/R/F1")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    runs = {}
    if args.baseline_path:
        runs["before"] = measure(args.baseline_path.resolve(), args)
    runs["after"] = measure(ROOT, args)
    report(runs, args)


def measure(root, args):
    """Code every set in every mode with the checkout ``root``, in a child process."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "coded.json"
        env = {**os.environ, "PYTHONPATH": str(root)}
        if not args.warm:
            env["QUALCODE_CACHE_DIR"] = str(Path(folder) / "cache")
        command = [sys.executable, __file__, "--child", str(out), "--modes", *args.modes, "--sets", *args.sets]
        subprocess.run(command, env=env, check=True, cwd=folder)
        return json.loads(out.read_text())


def child(args):
    """In the child: code each set and mode, write ids, codes, scores, thresholds and seconds."""
    import qualcode as qc
    from qualcode.coding.coder import code_thresholds
    from qualcode.learn.triage import certainty

    results = {}
    for name in args.sets:
        folder, codebook_path = SETS[name]
        answers = pd.read_csv(folder / "responses.csv", dtype=str, keep_default_na=False)
        codebook = qc.load_codebook(codebook_path)
        code_ids = [code.id for code in codebook.active_codes]
        for mode in args.modes:
            start = time.perf_counter()
            coded = qc.code(answers, codebook_path, mode=mode)
            seconds = time.perf_counter() - start
            scores = coded[[f"score_{c}" for c in code_ids]].to_numpy(float)
            results[f"{name}/{mode}"] = {
                "ids": coded["id"].tolist(), "codes": coded["codes"].tolist(), "code_ids": code_ids,
                "scores": scores.tolist(), "seconds": seconds, "qualcode": qc.__file__,
                "certainty": certainty(scores, code_thresholds(codebook.active_codes)).tolist()}
    Path(args.child).write_text(json.dumps(results))


def scored(run, name):
    """score.py's per-code rows and macro-F1 for one coded run."""
    folder = SETS[name][0]
    with tempfile.TemporaryDirectory() as tmp:
        coded = Path(tmp) / "coded.csv"
        pd.DataFrame({"id": run["ids"], "codes": run["codes"]}).to_csv(coded, index=False)
        text = subprocess.run([sys.executable, str(SCORE), str(coded), str(folder / "gold.csv")],
                              capture_output=True, text=True, check=True).stdout
    rows = {}
    for line in text.splitlines()[1:-1]:
        code, p, r, f, n = line.split()
        rows[code] = (float(p), float(r), float(f), int(n))
    macro = float(re.search(r"macro_f1=([\d.]+)", text).group(1))
    return macro, rows


def gold_matrix(run, name):
    gold = pd.read_csv(SETS[name][0] / "gold.csv", dtype=str, keep_default_na=False)
    by_id = {i: set(filter(None, codes.split(";"))) for i, codes in zip(gold["id"], gold["codes"])}
    return np.array([[c in by_id[i] for c in run["code_ids"]] for i in run["ids"]])


def triage(run, name):
    """Precision of the decisions on the most certain answers, at each coverage."""
    decided = np.array([[c in set(codes.split(";")) for c in run["code_ids"]] for codes in run["codes"]])
    reference = gold_matrix(run, name)
    order = np.argsort(-np.array(run["certainty"]), kind="stable")
    precision = {}
    for coverage in COVERAGES:
        taken = order[:max(1, round(coverage * len(order)))]
        dec = decided[taken]
        precision[coverage] = float((reference[taken] & dec).sum() / max(1, dec.sum()))
    return precision


def reliability(run, name):
    """(rows of (bin, pairs, mean score, gold share), expected calibration error)."""
    scores = np.array(run["scores"]).ravel()
    gold = gold_matrix(run, name).ravel()
    index = np.clip(np.digitize(scores, BINS) - 1, 0, len(BINS) - 2)
    rows, ece = [], 0.0
    for b in range(len(BINS) - 1):
        mask = index == b
        if mask.any():
            rows.append((f"{BINS[b]:.1f}-{BINS[b + 1]:.1f}", int(mask.sum()), scores[mask].mean(), gold[mask].mean()))
            ece += mask.mean() * abs(scores[mask].mean() - gold[mask].mean())
    return rows, ece


def report(runs, args):
    labels = list(runs)
    checkouts = (f"{label}: {next(iter(run.values()))['qualcode']}" for label, run in runs.items())
    print("\nqualcode: " + "; ".join(checkouts))
    header = " ".join(f"{label:>8}" for label in labels)
    print(f"\n{'set/mode':16} {'':10} {header}")
    totals = {label: {} for label in labels}
    for key in runs["after"]:
        name, mode = key.split("/")
        figures = {label: (scored(run[key], name), triage(run[key], name), reliability(run[key], name)[1])
                   for label, run in runs.items()}
        for label, run in runs.items():
            totals[label][mode] = totals[label].get(mode, 0) + run[key]["seconds"]
        print(f"{key:16} {'macro-F1':10} " + " ".join(f"{figures[l][0][0]:8.3f}" for l in labels))
        for coverage in COVERAGES:
            print(f"{'':16} {f'P@{coverage:.0%}':10} " + " ".join(f"{figures[l][1][coverage]:8.3f}" for l in labels))
        print(f"{'':16} {'ECE':10} " + " ".join(f"{figures[l][2]:8.3f}" for l in labels))
        if not args.warm:
            print(f"{'':16} {'seconds':10} " + " ".join(f"{runs[l][key]['seconds']:8.1f}" for l in labels))
        if args.per_code:
            per_code(figures, labels)
        if mode == "accurate":
            print(f"{'':16} reliability ({labels[-1]}): bin pairs mean-score gold-share")
            for row in reliability(runs[labels[-1]][key], name)[0]:
                print(f"{'':18} {row[0]} {row[1]:5d} {row[2]:6.3f} {row[3]:6.3f}")
    if not args.warm and len(labels) == 2:
        for mode in totals["after"]:
            before, after = totals["before"][mode], totals["after"][mode]
            print(f"time {mode} (dev+dev2, cold cache): before {before:.1f}s after {after:.1f}s "
                  f"ratio {after / before:.2f}")


def per_code(figures, labels):
    codes = figures[labels[-1]][0][1]
    for code in codes:
        cells = []
        for label in labels:
            p, r, f, n = figures[label][0][1].get(code, (0, 0, 0, 0))
            cells.append(f"{p:.2f}/{r:.2f}/{f:.2f}")
        print(f"{'':18} {code:20} n={figures[labels[-1]][0][1][code][3]:3d} " + "  ".join(cells))


if __name__ == "__main__":
    main()
