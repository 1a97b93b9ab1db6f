"""Learning from few labels: which head over the answers' features codes best, by the learning curve.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=. python bench/heads.py [--data ../shared/data/dev]
                                                              [--codebook codebooks/digital_maturity.yaml]

5-fold cross-validation with a fixed seed, as ``bench/learning_curve.py``: in each fold a head
learns from N answers drawn from the other four folds and codes the held-out fold; macro-F1 over
the codes that occur in the gold. The heads:

- ``trained``: :class:`~qualcode.learn.TrainedModel` as shipped (per-code logistic regression
  over the zero-shot coder's features, the E5 embedding and TF-IDF terms, shrunk towards the
  codebook), deciding at probability 0.5;
- ``trained+thresholds``: the same with a threshold per code chosen from the labelled answers
  (the F1-best cut of 4-fold out-of-fold probabilities inside the training answers, as the
  workspace could choose it from the decisions);
- ``embedding C=1`` / ``C=10``: a balanced logistic regression per code on the embedding alone;
- ``trained+kNN``: the trained head's probability blended 0.7 / 0.3 with a similarity-weighted
  vote of the 7 nearest labelled answers.
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from qualcode.codebook import load_codebook
from qualcode.learn import TrainedModel, code_metrics, macro_f1

sys.path.insert(0, str(Path(__file__).resolve().parent))
from learning_curve import folds, labelled_features  # noqa: E402  (the same folds and data as the learning curve)

ROOT = Path(__file__).resolve().parent.parent
LABELS = (50, 100, 200)
SEED = 0
GRID = np.linspace(0.05, 0.95, 19)


def trained(codebook, features, labels, train, test):
    model = TrainedModel(codebook).fit_features(features.rows(train), labels[train])
    return model.predict_proba_features(features.rows(test))


def embedding_head(C):
    def head(codebook, features, labels, train, test):
        probability = 1 / (1 + np.exp(-features.coder[test, :, 0]))    # the zero-shot coder where a code has one class
        for j in range(labels.shape[1]):
            y = labels[train, j]
            if y.min() < y.max():
                model = LogisticRegression(C=C, class_weight="balanced", max_iter=3000)
                model.fit(features.embedding[train], y)
                probability[:, j] = model.predict_proba(features.embedding[test])[:, 1]
        return probability
    return head


def trained_knn(codebook, features, labels, train, test, k=7, weight=0.3):
    vectors = features.embedding / np.maximum(np.linalg.norm(features.embedding, axis=1, keepdims=True), 1e-9)
    similarity = vectors[test] @ vectors[train].T
    nearest = np.argsort(-similarity, axis=1)[:, :k]
    votes = np.maximum(np.take_along_axis(similarity, nearest, 1), 0) ** 3
    knn = (votes[:, :, None] * labels[train][nearest]).sum(1) / np.maximum(votes.sum(1, keepdims=True), 1e-9)
    return (1 - weight) * trained(codebook, features, labels, train, test) + weight * knn


def tuned_thresholds(head, codebook, features, labels, train):
    """Per code, the F1-best threshold of out-of-fold probabilities inside ``train``."""
    probability = np.zeros((len(train), labels.shape[1]))
    for inner, held in KFold(4, shuffle=True, random_state=SEED + 1).split(train):
        probability[held] = head(codebook, features, labels, train[inner], train[held])
    thresholds = np.full(labels.shape[1], 0.5)
    for j in range(labels.shape[1]):
        y = labels[train, j]
        if y.sum():
            f1 = [2 * np.sum((probability[:, j] >= t) & (y == 1)) / (np.sum(probability[:, j] >= t) + y.sum())
                  for t in GRID]
            thresholds[j] = GRID[int(np.argmax(f1))]
    return thresholds


HEADS = {"trained": (trained, False), "trained+thresholds": (trained, True),
         "embedding C=1": (embedding_head(1.0), False), "embedding C=10": (embedding_head(10.0), False),
         "trained+kNN": (trained_knn, False)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "dev")
    parser.add_argument("--codebook", type=Path, default=ROOT / "codebooks" / "digital_maturity.yaml")
    args = parser.parse_args()
    started = time.time()
    codebook = load_codebook(args.codebook)
    _, texts, labels, codes, features = labelled_features(args.data, codebook)
    print(f"{args.data}: {len(texts)} answers, {len(codes)} codes, features in {time.time() - started:.0f} s")
    print(f"{'labels':>6}  " + "  ".join(f"{name:>18}" for name in HEADS))
    for n_labels in LABELS:
        row = []
        for head, tune in HEADS.values():
            decided = np.zeros(labels.shape, dtype=int)
            for train, test in folds(len(texts), n_labels):
                thresholds = tuned_thresholds(head, codebook, features, labels, train) if tune else 0.5
                decided[test] = head(codebook, features, labels, train, test) >= thresholds
            row.append(macro_f1(code_metrics(labels, decided, codes)))
        print(f"{n_labels:>6}  " + "  ".join(f"{value:18.3f}" for value in row), flush=True)
    print(f"total {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
