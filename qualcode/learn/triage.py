"""Confidence triage (Schonlau & Couper's semi-automatic coding): the machine codes alone the
answers it is sure of, and a human codes the rest.

Certainty of one code decision is the score's distance from the code's threshold, as a share of
the room on that side: ``(s - t) / (1 - t)`` above the threshold, ``(t - s) / t`` below, so 0
is a score on the threshold and 1 a score of 0 or 1. An answer is only as certain as its least
certain code: ``certainty = min over codes``. The machine codes an answer alone when its
certainty reaches the triage level; every code of it is then far from its threshold.

In accurate mode the scores are calibrated on the corpus's own agreement signals (see
:mod:`qualcode.coding.calibration`), so the certainty is read on levels that mean what they say.
"""
from dataclasses import dataclass

import numpy as np
import pandas as pd

COVERAGES = (0.3, 0.5, 0.7, 0.9)


def decision_thresholds(scores, decisions, preferred=0.5):
    """Per code, a threshold that reproduces the table's own ``decisions`` from ``scores``.

    A coded table does not carry its thresholds; they are read back from what it decided: the
    cut between consecutive scores that misclassifies fewest decisions, and within that gap
    the value nearest ``preferred`` (the coder's default threshold).
    """
    scores, decisions = np.asarray(scores, dtype=float), np.asarray(decisions, dtype=bool)
    return np.array([_best_cut(scores[:, j], decisions[:, j], preferred) for j in range(scores.shape[1])])


def _best_cut(score, applied, preferred):
    """The threshold ``t`` (applied when ``score >= t``) with the fewest wrong decisions."""
    order = np.argsort(score, kind="stable")
    score, applied = score[order], applied[order]
    # errors of a cut just before sorted position k: applied ones below it + unapplied ones above
    errors = np.concatenate([[0], np.cumsum(applied)]) + np.concatenate([np.cumsum(~applied[::-1])[::-1], [0]])
    valid = np.concatenate([[True], score[1:] > score[:-1], [True]])
    k = int(np.argmin(np.where(valid, errors, len(score) + 1)))
    low = score[k - 1] if k > 0 else -np.inf
    high = score[k] if k < len(score) else np.inf
    return float(min(max(preferred, np.nextafter(low, np.inf)), high))


def code_certainty(scores, thresholds):
    """The certainty in [0, 1] of each code decision (answers x codes; see module doc)."""
    scores = np.asarray(scores, dtype=float)
    thresholds = np.clip(np.asarray(thresholds, dtype=float), 1e-9, 1 - 1e-9)
    above = (scores - thresholds) / (1 - thresholds)
    below = (thresholds - scores) / thresholds
    return np.clip(np.where(scores >= thresholds, above, below), 0, 1)


def certainty(scores, thresholds):
    """Per answer, the certainty in [0, 1] of its least certain code decision (see module doc)."""
    return code_certainty(scores, thresholds).min(axis=1)


def triage_curve(sure, reference, decided, coverages=COVERAGES):
    """The coverage/precision curve of letting the machine code its most certain answers alone.

    ``sure`` is each answer's certainty, ``reference`` and ``decided`` the gold and machine
    indicator matrices. For each coverage, the machine takes the ``round(coverage * n)`` most
    certain answers; the row gives the certainty level that selects them (``level``; the
    machine codes alone every answer whose certainty is at least this), the precision and
    recall of its answer-code decisions there (micro), and the share of those answers whose
    whole set of codes is right (``exact``).
    """
    order = np.argsort(-np.asarray(sure), kind="stable")
    rows = []
    for coverage in coverages:
        taken = order[:max(1, int(round(coverage * len(order))))]
        ref, dec = reference[taken], decided[taken]
        tp = int(np.sum(ref & dec))
        rows.append({"coverage": coverage, "answers": len(taken), "level": float(sure[taken[-1]]),
                     "precision": tp / dec.sum() if dec.sum() else float("nan"),
                     "recall": tp / ref.sum() if ref.sum() else float("nan"),
                     "exact": float(np.mean(np.all(ref == dec, axis=1)))})
    return pd.DataFrame(rows, columns=["coverage", "answers", "level", "precision", "recall", "exact"])


def needs_review(coded, codes, thresholds, level):
    """Semi-automatic coding: True for the answers of a coded table whose least certain code
    decision is below ``level`` (those go to a human), False for those the machine may code alone.

    ``codes`` are the code ids of the ``score_<id>`` columns, ``thresholds`` their decision
    thresholds; ``level`` in [0, 1] comes from the ``level`` column of evaluate's triage table.
    """
    scores = coded[[f"score_{code_id}" for code_id in codes]].to_numpy(dtype=float)
    return certainty(scores, thresholds) < level


@dataclass(frozen=True)
class ReviewFlag:
    """``qualcode code --triage LEVEL``: adds the column ``needs_review`` (see :func:`needs_review`)
    to a coded chunk, with the decision thresholds of the fitted coder that coded it."""

    level: float

    def __call__(self, coded, coder):
        coded["needs_review"] = needs_review(coded, coder.code_ids_, coder.thresholds_, self.level)
        return coded
