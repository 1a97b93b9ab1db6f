"""Agreement per code in a project: between every two coders, and between each coder and the
machine, on the answers both decided (:mod:`qualcode.learn.metrics`: Cohen's kappa,
Krippendorff's alpha, % agreement; precision and recall of the second against the first)."""
from itertools import combinations

import numpy as np
import pandas as pd

from qualcode.learn.metrics import code_metrics

MACHINE = "machine"
COLUMNS = ["first", "second", "code", "label", "answers", "agreement", "kappa", "alpha", "precision", "recall",
           "f1"]


def agreement_table(project):
    """One row per pair of raters and code, then a row per pair for all codes pooled
    (``code`` "(all)"): ``first``, ``second`` (a coder, or "machine"), ``code``, ``label``,
    ``answers`` (decided by both), ``agreement``, ``kappa``, ``alpha``, ``precision``,
    ``recall``, ``f1``. Undefined values (a code neither rater ever applied) are NaN."""
    state = project.decisions
    coders = state.coders
    pairs = list(combinations(coders, 2)) + [(coder, MACHINE) for coder in coders]
    rows = []
    for first, second in pairs:
        pooled_a, pooled_b = [], []
        for j, code in enumerate(project.code_ids):
            a, b = _paired(project, first, second, j, code)
            pooled_a += a
            pooled_b += b
            rows.append(_row(first, second, code, project.codebook[code].label, a, b))
        rows.append(_row(first, second, "(all)", "", pooled_a, pooled_b))
    return pd.DataFrame(rows, columns=COLUMNS)


def _paired(project, first, second, j, code):
    """The two raters' 0/1 decisions on ``code`` for the answers both decided it on."""
    state = project.decisions
    a, b = [], []
    for position in state.reviewed(first):
        mine = state.of(first, position).get(code)
        if mine is None:
            continue
        if second == MACHINE:
            theirs = bool(project.suggested[position, j])
        else:
            other = state.of(second, position).get(code)
            if other is None:
                continue
            theirs = other.applies
        a.append(int(mine.applies))
        b.append(int(theirs))
    return a, b


def _row(first, second, code, label, a, b):
    if not a:
        metrics = dict.fromkeys(["agreement", "kappa", "alpha", "precision", "recall", "f1"], float("nan"))
    else:
        table = code_metrics(np.array(a)[:, None], np.array(b)[:, None], [code]).iloc[0]
        metrics = {key: float(table[key]) for key in ("agreement", "kappa", "alpha", "precision", "recall", "f1")}
    return {"first": first, "second": second, "code": code, "label": label, "answers": len(a), **metrics}
