"""A simulated analyst reviews a labelled survey in the workspace's order: active (informative)
against random order, with the machine retrained on the decisions as the workspace does it.

    PYTHONPATH=. python bench/active.py [--data ../shared/data/dev] [--codebook codebooks/digital_maturity.yaml]
                                        [--every 10] [--mode accurate]

The project is built once (the answers coded zero-shot, as ``qualcode review`` does); each order
then works on its own copy through the Python API: ``Project.queue(order=...)`` gives the next
answers, the analyst decides each as the gold file codes it (``Project.decide``), and after every
``--every`` decisions the :class:`~qualcode.workspace.learning.Learner` retrains and re-scores the
unreviewed answers (synchronously here, in the background in the workspace; a checkpoint between
two retrains is scored with the machine of the last one). After 50, 100 and
200 decisions the whole corpus is scored: the decisions where the analyst decided, the machine's
codes elsewhere; macro-F1 over the codes that occur in the gold, as the official scorer counts it.
The target: active order with 100 decisions reaches random order with 200.
"""
import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from qualcode.api import open_project
from qualcode.coding import read_coded
from qualcode.learn import code_metrics, macro_f1
from qualcode.workspace import Project
from qualcode.workspace.learning import Learner

ROOT = Path(__file__).resolve().parent.parent
CHECKPOINTS = (0, 50, 100, 150, 200)
ORDERS = ("informative", "random")
CODER = "simulated"


def corpus_f1(project, gold_labels):
    """Macro-F1 of the corpus as it stands: the decisions where made, the machine's codes elsewhere."""
    standing = project.suggested.copy()
    for position in project.reviewed():
        standing[position] = [code in project.codes_for(position) for code in project.code_ids]
    return macro_f1(code_metrics(gold_labels, standing.astype(int), list(project.code_ids)))


def simulate(path, order, gold, every):
    """{decisions: macro-F1} along the checkpoints, and the seconds a retrain took (median)."""
    project = Project(path)
    learner = Learner(project, every=every)
    labels = np.array([[code in gold[answer] for code in project.code_ids] for answer in project.ids], dtype=int)
    scores, retrains, decided = {0: corpus_f1(project, labels)}, [], 0
    while decided < CHECKPOINTS[-1]:
        stop = min([c for c in CHECKPOINTS if c > decided] + [(decided // every + 1) * every])
        batch = project.queue(CODER, order=order, n=stop - decided)
        if not batch:
            break
        for answer in batch:
            project.decide(answer, sorted(gold[answer]), CODER, ordering=order)
        decided += len(batch)
        if decided % every == 0:
            started = time.perf_counter()
            learner.retrain()
            retrains.append(time.perf_counter() - started)
        if decided in CHECKPOINTS:
            scores[decided] = corpus_f1(project, labels)
    project.close()
    return scores, float(np.median(retrains))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "dev")
    parser.add_argument("--codebook", type=Path, default=ROOT / "codebooks" / "digital_maturity.yaml")
    parser.add_argument("--every", type=int, default=10, help="decisions between retrains")
    parser.add_argument("--mode", default="accurate")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="qualcode-active-"))
    started = time.time()
    built = folder / "built.qcproj"
    open_project(built, args.data / "responses.csv", args.codebook, mode=args.mode).close()
    coded = read_coded(args.data / "gold.csv", text_required=False)
    gold = {answer: set(codes) for answer, codes in zip(coded.ids, coded.code_sets)}
    print(f"{args.data}: {len(gold)} answers, project built in {time.time() - started:.0f} s; retrain every "
          f"{args.every} decisions")
    results = {}
    for order in ORDERS:
        copy = folder / f"{order}.qcproj"
        shutil.copyfile(built, copy)
        results[order] = simulate(copy, order, gold, args.every)
    print(f"{'decisions':>9}  " + "  ".join(f"{order:>11}" for order in ORDERS))
    for checkpoint in CHECKPOINTS:
        print(f"{checkpoint:>9}  " + "  ".join(f"{results[order][0].get(checkpoint, float('nan')):11.3f}"
                                              for order in ORDERS))
    active, random = results["informative"][0], results["random"][0]
    print(f"active at 100: {active[100]:.3f}; random at 200: {random[200]:.3f} -> target "
          f"{'reached' if active[100] >= random[200] else 'not reached'}")
    print("median retrain: " + ", ".join(f"{order} {results[order][1]:.2f} s" for order in ORDERS))
    print(f"total {time.time() - started:.0f} s")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
