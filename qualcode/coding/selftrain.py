"""Learning from the corpus itself: answers that the codebook codes with confidence become
training data for one classifier per code, which then finds paraphrases no keyword names
(the idea behind Lbl2Vec and SetFit-style self-training).

Drift guards: positives per code are capped; every answer's own prediction comes from a model
that did not see its pseudo-label (cross-fitting); and a code whose classifier cannot reproduce
held-back pseudo-labels (ROC AUC below ``min_auc``) keeps no self-trained score.
"""
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

MIN_POSITIVES = 3


class SelfTrainer:
    """One logistic regression per code trained on pseudo-labels.

    Parameters
    ----------
    folds : int
        Cross-fitting folds; also the held-back check.
    max_positive_share : float
        At most this share of the corpus is used as positives of one code.
    max_rows : int
        At most this many pseudo-labelled answers train one code (positives first, then a
        random sample of negatives): enough for a linear model, and training stays fast on
        large corpora.
    min_auc : float
        A code whose held-back ROC AUC falls below this keeps no self-trained score.
    seed : int
        Random state for fold assignment.
    """

    def __init__(self, folds=5, max_positive_share=0.35, min_auc=0.75, max_rows=3000, C=1.0, seed=0):
        self.folds = folds
        self.max_rows = max_rows
        self.max_positive_share = max_positive_share
        self.min_auc = min_auc
        self.C = C
        self.seed = seed

    def fit(self, features, positive, negative, extra_positives=None, rank=None):
        """Train one classifier per code on pseudo-labels.

        ``positive``/``negative`` are boolean (n, codes) pseudo-label masks; ``rank`` (n, codes)
        orders positives when a code has more than the cap; ``extra_positives`` is a list, per
        code, of feature rows that are always positive (the codebook's examples).
        Sets ``models_`` (None for a code with too few pseudo-labels or failing the AUC guard),
        ``auc_`` (held-back ROC AUC per code) and ``held_back_`` ((n, codes) probabilities of
        each training answer from models that did not see its pseudo-label; NaN elsewhere).
        """
        n, n_codes = positive.shape
        self.models_ = [None] * n_codes
        self.auc_ = np.full(n_codes, np.nan)
        self.held_back_ = np.full((n, n_codes), np.nan)
        for column in range(n_codes):
            pos = self._capped(positive[:, column], None if rank is None else rank[:, column])
            neg = negative[:, column] & ~pos
            extra = None if extra_positives is None else extra_positives[column]
            self._fit_code(column, features, pos, neg, extra)
        return self

    def predict_proba(self, features):
        """Probabilities (n, codes) from the final models; NaN for codes without a model."""
        probabilities = np.full((features.shape[0], len(self.models_)), np.nan)
        for column, model in enumerate(self.models_):
            if model is not None and features.shape[0]:
                probabilities[:, column] = model.predict_proba(features)[:, 1]
        return probabilities

    def _capped(self, positive, rank):
        cap = max(MIN_POSITIVES, int(self.max_positive_share * len(positive)))
        if positive.sum() <= cap or rank is None:
            return positive.copy()
        keep = np.argsort(-np.where(positive, rank, -np.inf))[:cap]
        capped = np.zeros_like(positive)
        capped[keep] = True
        return capped

    def _fit_code(self, column, features, pos, neg, extra):
        labelled = self._sample(np.flatnonzero(pos), np.flatnonzero(neg))
        labels = pos[labelled].astype(int)
        if labels.sum() < MIN_POSITIVES or (1 - labels).sum() < MIN_POSITIVES:
            return
        folds = min(self.folds, int(labels.sum()), int((1 - labels).sum()))
        held_back = np.zeros(len(labelled))
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.seed)
        for train, test in splitter.split(labelled, labels):
            model = self._train(features, labelled[train], labels[train], extra)
            held_back[test] = model.predict_proba(features[labelled[test]])[:, 1]
        self.auc_[column] = roc_auc_score(labels, held_back)
        if self.auc_[column] < self.min_auc:
            return
        self.models_[column] = self._train(features, labelled, labels, extra)
        self.held_back_[labelled, column] = held_back

    def _sample(self, positives, negatives):
        positives = positives[:self.max_rows // 2]
        room = self.max_rows - len(positives)
        if len(negatives) > room:
            negatives = np.sort(np.random.default_rng(self.seed).choice(negatives, room, replace=False))
        return np.sort(np.concatenate([positives, negatives]))

    def _train(self, features, rows, labels, extra):
        data, targets = features[rows], labels
        if extra is not None and extra.shape[0]:
            data = _stack(data, extra)
            targets = np.concatenate([labels, np.ones(extra.shape[0], dtype=int)])
        model = LogisticRegression(C=self.C, class_weight="balanced", solver="liblinear", random_state=self.seed)
        return model.fit(data, targets)


def _stack(first, second):
    if hasattr(first, "tocsr"):
        from scipy.sparse import vstack

        return vstack([first, second]).tocsr()
    return np.vstack([first, second])
