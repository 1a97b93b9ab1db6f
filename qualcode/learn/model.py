"""A coder trained on analyst-coded answers, on top of the codebook's zero-shot coder.

For each code, a logistic regression reads the zero-shot :class:`~qualcode.coding.Coder`'s
view of an answer (its score for the code as log-odds around the code's threshold, keyword
hits, semantic similarity, self-trained score, negated-only hits) and the answer's embedding.
The weights are shrunk towards the zero-shot coder (:class:`PriorLogisticRegression`): with a
handful of labels the model stays close to the codebook, with hundreds the labels decide.
Each code's decision threshold is the one that maximised F1 in cross-validation on the labels.

The model file is an ``.npz`` without pickles: the weights as arrays and the settings as JSON,
with the codebook's content hash; loading it with another codebook is refused.
"""
import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.class_weight import compute_sample_weight

from qualcode import __version__
from qualcode.errors import InputError, located
from qualcode.learn.logistic import PriorLogisticRegression

FORMAT = "qualcode-trained-model/1"
CODER_FEATURES = ("zero_shot", "lexical", "semantic", "self_trained", "negated_only")
THRESHOLDS = np.round(np.arange(0.1, 0.91, 0.05), 2)
MIN_TUNING_POSITIVES = 4  # fewer labelled positives than this: threshold 0.5, not tuned
EPSILON = 1e-4


class TrainedModel:
    """Codes answers with per-code logistic regressions learned from analyst-coded answers.

    Parameters
    ----------
    codebook : Codebook
        Its active codes are the ones learned; its content hash is recorded in the model.
    embedder : str or Embedder
        As for :class:`~qualcode.coding.Coder`; the same one is used when coding.
    mode, seed
        Settings of the zero-shot coder underneath.
    C : float
        Inverse strength of the penalty on the embedding weights (scikit-learn's ``C``).
    prior_strength : float
        How firmly the weights on the zero-shot coder's features are held to the coder's own
        fusion (larger: more labels needed to overrule the codebook).
    folds : int
        Cross-validation folds for choosing each code's threshold.
    """

    def __init__(self, codebook, embedder="default", mode="accurate", seed=0, C=10.0,
                 prior_strength=1.0, folds=5):
        self.codebook = codebook
        self.embedder = embedder
        self.mode = mode
        self.seed = seed
        self.C = C
        self.prior_strength = prior_strength
        self.folds = folds

    @property
    def codes_(self):
        """The codes the model decides: the codebook's active codes, in codebook order."""
        return [code for code in self.codebook.codes if code.status != "suggested"]

    # -- learning -------------------------------------------------------------------------
    def fit(self, texts, code_sets, corpus=None):
        """Learn from ``texts`` and their analyst-given ``code_sets`` (lists of code ids).

        ``corpus`` (default: ``texts``) is every answer of the survey, coded or not; the
        zero-shot coder underneath learns its vocabulary and self-training from it.
        """
        labels = self._labels(texts, code_sets)
        return self.fit_features(self.transform(texts, corpus), labels)

    def fit_features(self, features, labels):
        """Learn from features already computed by :meth:`transform` and a 0/1 label matrix."""
        n_codes = len(self.codes_)
        self.coef_ = np.zeros((n_codes, features.shape[2]))
        self.intercept_ = np.zeros(n_codes)
        self.thresholds_ = np.full(n_codes, 0.5)
        self.positives_ = np.asarray(labels).sum(axis=0)
        for j in range(n_codes):
            self.coef_[j], self.intercept_[j], self.thresholds_[j] = self._fit_code(features[:, j], labels[:, j])
        self.labelled_ = len(labels)
        return self

    def _labels(self, texts, code_sets):
        """The 0/1 matrix (texts, codes) of ``code_sets``; ValueError for an unknown code."""
        if len(texts) != len(code_sets) or not len(texts):
            raise ValueError("give one list of codes per text, for at least one text")
        ids = [code.id for code in self.codes_]
        unknown = sorted({c for codes in code_sets for c in codes} - set(ids))
        if unknown:
            raise ValueError(f"unknown codes {unknown}; the codebook's active codes are {ids}")
        return np.array([[code in codes for code in ids] for codes in code_sets], dtype=int)

    def _prior(self, n_features):
        prior = np.zeros(n_features)
        prior[0] = 1.0  # the zero-shot log-odds, taken as they are
        penalty = np.full(n_features, 1.0 / self.C)
        penalty[:len(CODER_FEATURES)] = self.prior_strength
        return prior, penalty

    def _fit_code(self, X, y):
        """Weights, intercept and threshold of one code (the zero-shot coder alone without both classes)."""
        prior, penalty = self._prior(X.shape[1])
        if y.min() == y.max():
            return prior, 0.0, 0.5
        model = self._regression(X, y, prior, penalty)
        return model.coef_, model.intercept_, self._threshold(X, y, prior, penalty)

    @staticmethod
    def _regression(X, y, prior, penalty):
        return PriorLogisticRegression(prior, penalty).fit(X, y, compute_sample_weight("balanced", y))

    def _threshold(self, X, y, prior, penalty):
        """The threshold with the best F1 on out-of-fold probabilities (0.5 with few positives)."""
        folds = min(self.folds, int(y.sum()), int(len(y) - y.sum()))
        if y.sum() < MIN_TUNING_POSITIVES or folds < 2:
            return 0.5
        probability = np.zeros(len(y))
        for train, test in StratifiedKFold(folds, shuffle=True, random_state=self.seed).split(X, y):
            if y[train].min() == y[train].max():
                return 0.5
            probability[test] = self._regression(X[train], y[train], prior, penalty).predict_proba(X[test])
        f1 = [_f1(y, probability >= t) for t in THRESHOLDS]
        return float(THRESHOLDS[int(np.argmax(f1))])

    # -- coding ---------------------------------------------------------------------------
    def predict_proba(self, texts, corpus=None):
        """Per code, the model's probability that it applies: DataFrame (texts, code ids)."""
        probability = self.predict_proba_features(self.transform(texts, corpus))
        return pd.DataFrame(probability, columns=[code.id for code in self.codes_])

    def predict_proba_features(self, features):
        """Probabilities (texts, codes) from features computed by :meth:`transform`."""
        if not hasattr(self, "coef_"):
            raise RuntimeError("call fit(texts, code_sets) or TrainedModel.load(path, codebook) first")
        logits = np.einsum("ncf,cf->nc", features, self.coef_) + self.intercept_
        return 1.0 / (1.0 + np.exp(-logits))

    def code(self, texts):
        """Code ``texts``: a :class:`~qualcode.coding.CodingResult` like the zero-shot coder's.

        Scores are the probabilities rescaled piecewise so that each code's threshold maps to
        0.5: a code applies exactly when its score is at least 0.5, as in a zero-shot table.
        """
        from qualcode.coding import CodingResult

        texts = [str(text) for text in texts]
        features, zero_shot = self._transform(texts, None)
        probability = self.predict_proba_features(features)
        t = self.thresholds_
        scores = np.where(probability >= t, 0.5 + 0.5 * (probability - t) / (1 - t), 0.5 * probability / t)
        ids = [code.id for code in self.codes_]
        decided = scores >= 0.5
        codes = [[ids[j] for j in np.flatnonzero(row)] for row in decided]
        evidence = [{ids[j]: {**zero_shot.evidence[i].get(ids[j], {}),
                              "score": round(float(scores[i, j]), 4),
                              "model": {"probability": round(float(probability[i, j]), 4),
                                        "threshold": float(t[j]),
                                        "zero_shot": round(float(zero_shot.scores.iloc[i, j]), 4)}}
                     for j in np.flatnonzero(decided[i])} for i in range(len(texts))]
        return CodingResult(codes, pd.DataFrame(np.round(scores, 4), columns=ids), evidence,
                            {"probability": probability, "zero_shot": zero_shot.scores.to_numpy()})

    # -- features -------------------------------------------------------------------------
    def transform(self, texts, corpus=None):
        """Features, shape (texts, codes, features): the zero-shot coder's view, then the embedding.

        The zero-shot coder is fitted on ``corpus`` (default: ``texts``) and codes ``texts``.
        """
        return self._transform([str(text) for text in texts], corpus)[0]

    def _transform(self, texts, corpus):
        """:meth:`transform` and the zero-shot coder's :class:`~qualcode.coding.CodingResult`."""
        from qualcode.coding import Coder

        coder = Coder(self.codebook, embedder=self.embedder, mode=self.mode, seed=self.seed)
        fitted_on = list(dict.fromkeys(list(corpus) + texts)) if corpus is not None else texts
        result = coder.fit(fitted_on).code(texts)
        scores = result.scores.to_numpy()
        thresholds = np.array([code.threshold if code.threshold is not None else 0.5 for code in self.codes_])
        coder_part = np.stack([
            _logit(scores) - _logit(thresholds),
            result.components["lexical"],
            _component(result, "semantic", scores.shape),
            np.nan_to_num(_logit(result.components["self_trained"]), nan=0.0),
            result.components["negated_only"].astype(float),
        ], axis=2)
        vectors = coder._embedder().embed(texts, kind="query")
        embedding = np.repeat(vectors[:, None, :], len(self.codes_), axis=1)
        return np.concatenate([coder_part, embedding], axis=2), result

    # -- the model file -------------------------------------------------------------------
    def save(self, path):
        """Write the model to ``path`` (.npz, no pickles) atomically."""
        from qualcode.io import atomic_path, check_output_path

        path = Path(path)
        check_output_path(path, suffixes=(".npz",))
        meta = {"format": FORMAT, "qualcode_version": __version__,
                "codebook": {"name": self.codebook.name, "version": self.codebook.version,
                             "hash": self.codebook.content_hash},
                "codes": [code.id for code in self.codes_], "features": list(CODER_FEATURES) + ["embedding"],
                "settings": {"embedder": self.embedder if isinstance(self.embedder, str) else self.embedder.name,
                             "mode": self.mode, "seed": self.seed, "C": self.C,
                             "prior_strength": self.prior_strength, "folds": self.folds},
                "labelled": self.labelled_, "positives": self.positives_.tolist()}
        with atomic_path(path) as temporary, open(temporary, "wb") as file:
            np.savez(file, meta=np.array(json.dumps(meta)), coef=self.coef_, intercept=self.intercept_,
                     thresholds=self.thresholds_, positives=self.positives_)

    @classmethod
    def load(cls, path, codebook):
        """Read a model written by :meth:`save`; refuses one trained with a different codebook."""
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as stored:
                arrays = {key: stored[key] for key in stored.files}
            meta = json.loads(str(arrays["meta"]))
        except (OSError, ValueError, KeyError) as error:
            raise InputError(located(path, f"cannot read this as a qualcode model ({error}); "
                                           "train one with `qualcode train`")) from None
        if meta.get("format") != FORMAT:
            raise InputError(located(path, "this is not a qualcode model file; train one with `qualcode train`"))
        trained_with = meta["codebook"]
        if trained_with["hash"] != codebook.content_hash:
            raise InputError(located(path, f"this model was trained with codebook {trained_with['name']!r} "
                                           f"version {trained_with['version']} (hash {trained_with['hash'][:12]}), "
                                           f"not with {getattr(codebook, 'source', None) or codebook.name} "
                                           f"(hash {codebook.content_hash[:12]}); give that codebook, or "
                                           "train again with this one (`qualcode train`)"))
        settings = meta["settings"]
        model = cls(codebook, embedder=settings["embedder"], mode=settings["mode"], seed=settings["seed"],
                    C=settings["C"], prior_strength=settings["prior_strength"], folds=settings["folds"])
        model.coef_, model.intercept_ = arrays["coef"], arrays["intercept"]
        model.thresholds_, model.positives_ = arrays["thresholds"], arrays["positives"]
        model.labelled_ = meta["labelled"]
        return model


def _component(result, name, shape):
    values = result.components.get(name)
    return np.zeros(shape) if values is None else np.asarray(values, dtype=float)


def _logit(p):
    p = np.clip(np.asarray(p, dtype=float), EPSILON, 1 - EPSILON)
    return np.log(p / (1 - p))


def _f1(y, decided):
    tp = np.sum((y == 1) & decided)
    return 2 * tp / (y.sum() + decided.sum()) if tp else 0.0
