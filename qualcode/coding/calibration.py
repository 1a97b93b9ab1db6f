"""Calibrated scores: the fused log-odds rescaled so that a score's level means what it says.

No gold codes exist when a corpus is coded, so the scale is fitted on the corpus's own
agreement signals: a code whose keyword evidence and prose similarity agree is a pseudo-
positive, one that neither supports (or whose only keyword the similarity contradicts) a
pseudo-negative; answers on which the signals disagree are left out. Temperature scaling
(one factor on the log-odds, Guo et al. 2017) keeps every decision at the 0.5 threshold as it
was and only moves the levels; it is fitted by cross-fitting, so the answers whose signals
made the pseudo-labels are scored with a factor fitted on the other answers.

The four signals are also four views of each decision (keyword evidence, prose similarity
among the answer's two closest codes, prose words, the self-trained classifier). A decision
that few of them back is less sure than its fused score says: each score is drawn towards its
code's threshold by the share of views that disagree with the decision (never across it).
"""
import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.model_selection import KFold

MIN_PSEUDO_LABELS = 10  # of each class; fewer keep the scores as fused
VIEWS = 4
PROSE_LEVEL = 0.5  # standardised prose overlap at which the prose words back a code


def view_support(lexical, negated_only, semantic, prose, self_trained):
    """How many of the four views back each code of each answer: an (answers, codes) count."""
    keyword = (lexical > 0) & ~negated_only
    similar = (semantic > 0) & (semantic >= _runner_up(semantic))
    learned = np.nan_to_num(self_trained, nan=0.5) > 0.5
    return keyword.astype(int) + similar + (prose > PROSE_LEVEL) + learned


def drawn_to_threshold(probability, thresholds, support):
    """Each score drawn towards its code's threshold by the share of views that disagree with
    its decision; the decision itself never changes (the share kept is at least 1 / (VIEWS + 1))."""
    decided = probability >= thresholds
    agreeing = np.where(decided, support, VIEWS - support)
    return thresholds + (probability - thresholds) * (1 + agreeing) / (1 + VIEWS)


def _runner_up(semantic):
    if semantic.shape[1] > 1:
        return np.sort(semantic, axis=1)[:, -2:-1]
    return np.full((len(semantic), 1), -np.inf)


def agreement_labels(lexical, negated_only, semantic, self_trained, seed_level):
    """Pseudo-labels (positive, negative), boolean (answers, codes), from agreeing signals."""
    runner_up = _runner_up(semantic)
    learned = np.nan_to_num(self_trained, nan=0.5)
    keyword = (lexical > 0) & ~negated_only
    positive = (keyword & (semantic > 0) & (semantic >= runner_up)) | (
        (lexical == 0) & (semantic >= seed_level) & (semantic >= semantic.max(axis=1, keepdims=True)) & (learned > 0.5))
    negative = ((lexical == 0) & (semantic < 0)) | (keyword & (semantic < -0.5)) | negated_only
    return positive, negative & ~positive


class TemperatureCalibrator:
    """One factor on the log-odds, fitted on pseudo-labels by cross-fitting.

    Parameters
    ----------
    folds : int
        Cross-fitting folds over the answers.
    bounds : (float, float)
        The factor's range (above 1 sharpens, below 1 softens).
    seed : int
        Random state of the folds.
    """

    def __init__(self, folds=5, bounds=(0.25, 6.0), seed=0):
        self.folds = folds
        self.bounds = bounds
        self.seed = seed

    def fit(self, logits, positive, negative):
        """Fit on (answers, codes) log-odds and pseudo-label masks. Sets ``factor_`` (from all
        answers) and ``held_back_`` (per answer, the factor fitted without it)."""
        self.factor_ = self._factor(logits, positive, negative)
        self.held_back_ = np.full(len(logits), self.factor_)
        if len(logits) >= 2 * self.folds:
            for train, test in KFold(self.folds, shuffle=True, random_state=self.seed).split(logits):
                self.held_back_[test] = self._factor(logits[train], positive[train], negative[train])
        return self

    def transform(self, logits, factors=None):
        """Calibrated probabilities; ``factors`` (per answer) replace ``factor_`` where given."""
        factor = self.factor_ if factors is None else np.asarray(factors, dtype=float)[:, None]
        return 1.0 / (1.0 + np.exp(-factor * logits))

    def _factor(self, logits, positive, negative):
        labelled = positive | negative
        if positive.sum() < MIN_PSEUDO_LABELS or negative.sum() < MIN_PSEUDO_LABELS:
            return 1.0
        x, y = logits[labelled], positive[labelled]

        def loss(factor):  # mean log-loss, each class weighted as a whole
            return (np.logaddexp(0, -factor * x[y]).mean() + np.logaddexp(0, factor * x[~y]).mean())

        return float(minimize_scalar(loss, bounds=self.bounds, method="bounded").x)
