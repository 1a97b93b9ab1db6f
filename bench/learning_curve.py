"""Learning curve on the development set: macro-F1 of the trained model by number of labels.

    .venv/bin/python bench/learning_curve.py [--data ../shared/data/dev] [--codebook codebooks/digital_maturity.yaml]

5-fold cross-validation with a fixed seed: in each fold the model learns from N answers drawn
(seed 0) from the other four folds and codes the held-out fold; macro-F1 is over the codes that
occur in the gold, as the official scorer counts it. Next to it: one logistic regression per
code on TF-IDF word features of the same N answers, and the micro precision of the model's
code decisions on the 50% of answers it is most certain of (confidence triage). N = 0 is the
zero-shot coder. The zero-shot coder underneath sees all answers, never their labels.
"""
import argparse
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from qualcode.codebook import load_codebook
from qualcode.coding import read_coded
from qualcode.io import read_answers
from qualcode.learn import TrainedModel, certainty, code_metrics, macro_f1, triage_curve

ROOT = Path(__file__).resolve().parent.parent
LABELS = (0, 10, 25, 50, 100, 200, None)  # None: every answer of the other four folds
SEED = 0


def folds(n_answers, n_labels):
    """(train, test) positions per fold; train is ``n_labels`` answers drawn from the other folds."""
    for train, test in KFold(5, shuffle=True, random_state=SEED).split(np.arange(n_answers)):
        if n_labels is not None and n_labels < len(train):
            train = np.random.default_rng(SEED).choice(train, n_labels, replace=False)
        yield train, test


def labelled_features(data, codebook):
    """The gold-coded answers of the development set in folder ``data`` and their features under
    a TrainedModel of ``codebook`` whose zero-shot coder is fitted on the whole corpus:
    (model, texts, labels, code ids, features)."""
    table = read_answers(data / "responses.csv")
    gold = read_coded(data / "gold.csv", text_required=False)
    model = TrainedModel(codebook)
    codes = [code.id for code in model.codes_]
    code_sets = dict(zip(gold.ids, gold.code_sets))
    ids = table.frame[table.id_column].tolist()
    texts = [text for answer, text in zip(ids, table.texts) if answer in code_sets]
    labels = model.labels([code_sets[answer] for answer in ids if answer in code_sets])
    return model, texts, labels, codes, model.fit_corpus(table.texts).transform(texts)


def tfidf_baseline(texts, labels, train, test):
    """Decisions of one balanced logistic regression per code on TF-IDF word features."""
    vectorizer = TfidfVectorizer(sublinear_tf=True).fit([texts[i] for i in train])
    X = vectorizer.transform(texts)
    decided = np.zeros((len(test), labels.shape[1]), dtype=bool)
    for j in range(labels.shape[1]):
        y = labels[train, j]
        if y.min() < y.max():
            model = LogisticRegression(class_weight="balanced", max_iter=2000).fit(X[train], y)
            decided[:, j] = model.predict(X[test]) == 1
    return decided


def curve(model, features, texts, labels, codes):
    """Rows (labels, model macro-F1, TF-IDF macro-F1, triage precision at 50%)."""
    rows = []
    for n_labels in LABELS:
        probability = np.zeros(labels.shape)
        baseline = np.zeros(labels.shape, dtype=bool)
        for train, test in folds(len(texts), n_labels):
            if n_labels != 0:
                model.fit_features(features.rows(train), labels[train])
                probability[test] = model.predict_proba_features(features.rows(test))
                baseline[test] = tfidf_baseline(texts, labels, train, test)
            else:
                probability[test] = 1 / (1 + np.exp(-features.coder[test, :, 0]))
        decided = probability >= 0.5
        f1 = macro_f1(code_metrics(labels, decided.astype(int), codes))
        tfidf = macro_f1(code_metrics(labels, baseline.astype(int), codes)) if n_labels != 0 else float("nan")
        triage = triage_curve(certainty(probability, 0.5), labels.astype(bool), decided, coverages=(0.5,))
        rows.append((n_labels, f1, tfidf, float(triage["precision"][0])))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "dev")
    parser.add_argument("--codebook", type=Path, default=ROOT / "codebooks" / "digital_maturity.yaml")
    args = parser.parse_args()
    started = time.time()
    model, texts, labels, codes, features = labelled_features(args.data, load_codebook(args.codebook))
    print(f"{len(texts)} answers, {len(codes)} codes, features in {time.time() - started:.0f} s")
    print(f"{'labels':>6}  {'model F1':>8}  {'TF-IDF F1':>9}  {'precision@50%':>13}")
    for n_labels, f1, tfidf, precision in curve(model, features, texts, labels, codes):
        shown = "all" if n_labels is None else n_labels
        tfidf_text = "-" if np.isnan(tfidf) else f"{tfidf:.3f}"
        print(f"{shown:>6}  {f1:8.3f}  {tfidf_text:>9}  {precision:13.3f}")
    print(f"total {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
