"""A coder trained on analyst-coded answers, on top of the codebook's zero-shot coder.

For each code, a logistic regression reads the zero-shot :class:`~qualcode.coding.Coder`'s
view of an answer (its score for the code as log-odds around the code's threshold, keyword
hits, semantic similarity, self-trained score, negated-only hits), the answer's embedding and
its lemmas and compound parts (TF-IDF over the labelled answers' vocabulary). The weights are
shrunk towards the zero-shot coder (:class:`PriorLogisticRegression`): with a handful of
labels the model stays close to the codebook, with hundreds the labels decide. Classes are
weighted as balanced and a code applies at probability 0.5 (on the development set, choosing
thresholds by inner cross-validation did not do better).

The zero-shot coder underneath learns from the corpus it codes, as coding without a model does:
:meth:`TrainedModel.fit` fits it on the training survey, :meth:`TrainedModel.fit_corpus` on the
(sample of the) corpus to code next; coding then goes chunk by chunk like any fitted coder.

The model file is an ``.npz`` without pickles: the weights and the vocabulary as arrays, the
settings as JSON, with the codebook's content hash; loading it with another codebook is refused.
"""
import copy
import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import check_is_fitted

from qualcode import __version__
from qualcode.coding import Coder, CodingResult, Evidence
from qualcode.coding.coded import check_codes
from qualcode.coding.lemma_features import content_terms, lemma_vectorizer
from qualcode.errors import InputError, located
from qualcode.learn.logistic import PriorLogisticRegression

FORMAT = "qualcode-trained-model/1"
CODER_FEATURES = ("zero_shot", "lexical", "semantic", "self_trained", "negated_only")
THRESHOLD = 0.5
EPSILON = 1e-4


@dataclass
class Features:
    """What the model reads of a set of answers.

    ``coder``: (answers, codes, 5) the zero-shot coder's features per code; ``embedding``:
    (answers, dim) the answers' vectors; ``terms``: per answer, its lemmas and compound parts.
    """

    coder: np.ndarray
    embedding: np.ndarray
    terms: list

    def rows(self, index):
        """The features of the answers at positions ``index``."""
        return Features(self.coder[index], self.embedding[index], [self.terms[i] for i in index])


class TrainedModel(BaseEstimator):
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
        Inverse strength of the L2 penalty on the embedding and term weights.
    prior_strength : float
        How firmly the weights on the zero-shot coder's features are held to the coder's own
        fusion (larger: more labels are needed to overrule the codebook).
    term_weight : float
        Scale of the TF-IDF block against the unit-length embedding.
    """

    def __init__(self, codebook, embedder="default", mode="accurate", seed=0, C=10.0,
                 prior_strength=1.0, term_weight=1.0):
        self.codebook = codebook
        self.embedder = embedder
        self.mode = mode
        self.seed = seed
        self.C = C
        self.prior_strength = prior_strength
        self.term_weight = term_weight

    @property
    def codes_(self):
        """The codes the model decides: the codebook's active codes, in codebook order."""
        return self.codebook.active_codes

    @property
    def code_ids_(self):
        return tuple(code.id for code in self.codes_)

    # -- learning -------------------------------------------------------------------------
    def fit(self, texts, code_sets, corpus=None):
        """Learn from ``texts`` and their analyst-given ``code_sets`` (lists of code ids).

        ``corpus`` (default: ``texts``) is every answer of the survey, coded or not; the
        zero-shot coder underneath learns its vocabulary and self-training from it.
        """
        texts = [str(text) for text in texts]
        labels = self.labels(code_sets)
        if len(labels) != len(texts) or not len(texts):
            raise ValueError("give one list of codes per text, for at least one text")
        corpus = texts if corpus is None else list(dict.fromkeys([str(text) for text in corpus] + texts))
        self.fit_corpus(corpus)
        return self.fit_features(self.transform(texts), labels)

    def fit_corpus(self, texts):
        """Fit the zero-shot coder underneath on ``texts``, the corpus (or a sample of it) to code."""
        self.coder_ = Coder(self.codebook, embedder=self.embedder, mode=self.mode, seed=self.seed).fit(texts)
        return self

    def labels(self, code_sets):
        """The 0/1 matrix (answers, codes) of ``code_sets``; ValueError for an unknown code."""
        ids = [code.id for code in self.codes_]
        unknown = sorted({c for codes in code_sets for c in codes} - set(ids))
        if unknown:
            raise ValueError(f"unknown codes {unknown}; the codebook's active codes are {ids}")
        return np.array([[code in codes for code in ids] for codes in code_sets], dtype=int).reshape(-1, len(ids))

    def fit_features(self, features, labels):
        """Learn from :meth:`transform`'s features and a 0/1 label matrix (answers, codes); -1
        marks a code nobody decided on that answer (e.g. verify mode judged one code only): each
        code learns from the answers decided on it."""
        labels = np.asarray(labels)
        if labels.shape != (len(features.terms), len(self.codes_)) or not set(np.unique(labels)) <= {-1, 0, 1}:
            raise ValueError(f"labels must be 0/1 (or -1: not decided) of shape ({len(features.terms)}, "
                             f"{len(self.codes_)}), one column per active code")
        self.terms_ = lemma_vectorizer().fit(features.terms)
        shared = self._shared(features)
        n_codes, width = len(self.codes_), len(CODER_FEATURES) + shared.shape[1]
        self.coef_ = np.zeros((n_codes, width))
        self.intercept_ = np.zeros(n_codes)
        for j in range(n_codes):
            known = labels[:, j] >= 0
            self.coef_[j], self.intercept_[j] = self._fit_code(features.coder[known, j], shared[known],
                                                               labels[known, j])
        self.positives_ = (labels == 1).sum(axis=0)
        self.labelled_ = len(labels)
        return self

    def _fit_code(self, coder, shared, y):
        """Weights and intercept of one code (the zero-shot coder alone unless both classes occur)."""
        prior = np.zeros(len(CODER_FEATURES) + shared.shape[1])
        prior[0] = 1.0  # the zero-shot log-odds, taken as they are
        if len(y) == 0 or y.min() == y.max():
            return prior, 0.0
        penalty = np.full(len(prior), 1.0 / self.C)
        penalty[:len(CODER_FEATURES)] = self.prior_strength
        X = sparse.hstack([sparse.csr_matrix(coder), shared]).tocsr()
        model = PriorLogisticRegression(prior, penalty).fit(X, y, compute_sample_weight("balanced", y))
        return model.coef_, model.intercept_

    # -- terms ----------------------------------------------------------------------------
    def _shared(self, features):
        """Embedding and weighted TF-IDF (sublinear tf, rows of unit length), side by side."""
        tfidf = self.terms_.transform(features.terms) * self.term_weight
        return sparse.hstack([sparse.csr_matrix(features.embedding), tfidf]).tocsr()

    # -- coding ---------------------------------------------------------------------------
    def predict_proba(self, texts, corpus=None):
        """Per code, the model's probability that it applies: DataFrame (texts, code ids)."""
        probability = self.predict_proba_features(self.transform(texts, corpus))
        return pd.DataFrame(probability, columns=[code.id for code in self.codes_])

    def predict_proba_features(self, features):
        """Probabilities (answers, codes) from :meth:`transform`'s features."""
        check_is_fitted(self, "coef_")
        width = len(CODER_FEATURES)
        logits = (np.einsum("ncf,cf->nc", features.coder, self.coef_[:, :width])
                  + self._shared(features) @ self.coef_[:, width:].T + self.intercept_)
        return 1.0 / (1.0 + np.exp(-logits))

    def code(self, texts):
        """Code ``texts``: a :class:`~qualcode.coding.CodingResult` like the zero-shot coder's.

        A code applies when the model's probability reaches 0.5; the scores are those
        probabilities, and each applied code's evidence is the zero-shot coder's (where it
        applied the code too) with the model's probability and the zero-shot score.
        """
        check_is_fitted(self, ["coef_", "coder_"])
        zero_shot = self.coder_.code(texts)
        if not len(zero_shot.answers):  # no answers (an empty chunk or partition): no features to score
            return CodingResult.empty(self.code_ids_)
        probability = self.predict_proba_features(self.features_of(zero_shot))
        decided = probability >= THRESHOLD
        ids = self.code_ids_
        evidence = [{ids[j]: model_evidence(zero_shot.evidence[i].get(ids[j]), probability[i, j],
                                            zero_shot.scores.iat[i, j])
                     for j in np.flatnonzero(decided[i])} for i in range(len(decided))]
        return CodingResult(ids, pd.DataFrame(np.round(probability, 4), columns=list(ids)), decided, evidence,
                            zero_shot.answers, zero_shot.vectors,
                            {**zero_shot.components, "zero_shot": zero_shot.scores.to_numpy()})

    # -- features -------------------------------------------------------------------------
    def transform(self, texts):
        """The :class:`Features` of ``texts``, coded by the fitted zero-shot coder."""
        check_is_fitted(self, "coder_")
        return self.features_of(self.coder_.code([str(text) for text in texts]))

    def features_of(self, zero_shot):
        """The :class:`Features` of the answers of a zero-shot :class:`CodingResult`."""
        scores = zero_shot.scores.to_numpy()
        thresholds = self.coder_.thresholds_
        components = zero_shot.components
        coder_part = np.stack([
            _logit(scores) - _logit(thresholds),
            components["lexical"],
            np.zeros(scores.shape) if components.get("semantic") is None else components["semantic"],
            np.nan_to_num(_logit(components["self_trained"]), nan=0.0),
            components["negated_only"].astype(float),
        ], axis=2)
        vectors = zero_shot.vectors if zero_shot.vectors is not None else np.zeros((len(scores), 0))
        return Features(coder_part, vectors, [content_terms(answer.words) for answer in zero_shot.answers])

    # -- the model file -------------------------------------------------------------------
    def save(self, path, inputs=()):
        """Write the model to ``path`` (.npz, no pickles) atomically."""
        from qualcode.io import atomic_path, check_output_path

        path = Path(path)
        check_output_path(path, inputs, suffixes=(".npz",))
        meta = {"format": FORMAT, "qualcode_version": __version__,
                "codebook": {"name": self.codebook.name, "version": self.codebook.version,
                             "hash": self.codebook.content_hash},
                "codes": [code.id for code in self.codes_],
                "settings": {"embedder": _embedder_name(self.embedder),
                             "mode": self.mode, "seed": self.seed, "C": self.C,
                             "prior_strength": self.prior_strength, "term_weight": self.term_weight},
                "labelled": self.labelled_, "positives": self.positives_.tolist()}
        with atomic_path(path) as temporary, open(temporary, "wb") as file:
            np.savez(file, meta=np.array(json.dumps(meta)), coef=self.coef_, intercept=self.intercept_,
                     vocabulary=self.terms_.get_feature_names_out().astype(str), idf=self.terms_.idf_,
                     positives=self.positives_)

    @classmethod
    def load(cls, path, codebook):
        """Read a model written by :meth:`save`; refuses one trained with a different codebook."""
        from qualcode.io.archives import read_arrays

        path = Path(path)
        arrays = read_arrays(path, MODEL_ARRAYS, what="a qualcode model", fix="train one with `qualcode train`")
        try:
            meta = json.loads(str(arrays["meta"]))
        except ValueError as error:
            raise InputError(located(path, f"cannot read this as a qualcode model ({error}); "
                                           "train one with `qualcode train`")) from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise InputError(located(path, "this is not a qualcode model file; train one with `qualcode train`"))
        trained_with = meta.get("codebook") if isinstance(meta.get("codebook"), dict) else {}
        if trained_with.get("hash") != codebook.content_hash:
            raise InputError(located(path, f"this model was trained with codebook {trained_with.get('name')!r} "
                                           f"version {trained_with.get('version')} (hash {str(trained_with.get('hash'))[:12]}), "
                                           f"not with {codebook.name!r} version {codebook.version} "
                                           f"(hash {codebook.content_hash[:12]}); give the codebook it was "
                                           "trained with, or train again (`qualcode train`)"))
        _check_stored(path, meta, arrays, len(cls(codebook).codes_))
        model = cls(codebook, **meta["settings"])
        model.coef_, model.intercept_ = arrays["coef"], arrays["intercept"]
        model.terms_ = lemma_vectorizer()
        model.terms_.vocabulary_ = {term: k for k, term in enumerate(arrays["vocabulary"].tolist())}
        model.terms_.idf_ = arrays["idf"]
        model.positives_, model.labelled_ = arrays["positives"], meta["labelled"]
        return model


MODEL_ARRAYS = ("meta", "coef", "intercept", "vocabulary", "idf", "positives")
SETTINGS = {"embedder": (str,), "mode": (str,), "seed": (int,), "C": (int, float),
            "prior_strength": (int, float), "term_weight": (int, float)}


def _check_stored(path, meta, arrays, n_codes):
    """Raise InputError unless the model file's settings and arrays fit together (a tampered or
    damaged file would otherwise fail deep inside coding)."""
    settings, labelled = meta.get("settings"), meta.get("labelled")
    problem = None
    if not isinstance(settings, dict) or set(settings) - set(SETTINGS):
        problem = f"unknown settings {sorted(set(settings) - set(SETTINGS)) if isinstance(settings, dict) else settings}"
    elif any(not isinstance(value, SETTINGS[key]) or isinstance(value, bool) for key, value in settings.items()):
        problem = "a setting of the wrong type"
    elif settings.get("mode", "accurate") not in ("accurate", "fast"):
        problem = f"an unknown mode {settings['mode']!r}"
    elif not isinstance(labelled, int):
        problem = "no count of labelled answers"
    else:
        coef, vocabulary = arrays["coef"], arrays["vocabulary"]
        width = len(CODER_FEATURES) + len(vocabulary)
        shapes_fit = (coef.ndim == 2 and coef.shape[0] == n_codes and coef.shape[1] >= width
                      and (settings.get("mode") != "fast" or coef.shape[1] == width)
                      and arrays["intercept"].shape == (n_codes,) and arrays["positives"].shape == (n_codes,)
                      and vocabulary.ndim == 1 and arrays["idf"].shape == vocabulary.shape)
        numbers = all(arrays[name].dtype.kind in "iuf" for name in ("coef", "intercept", "idf", "positives"))
        if not shapes_fit or not numbers or vocabulary.dtype.kind != "U":
            problem = (f"arrays that do not fit its {n_codes} codes and {len(vocabulary)} terms "
                       f"(coefficients of shape {coef.shape})")
    if problem:
        raise InputError(located(path, f"this model file is damaged or was changed: {problem}; "
                                       "train the model again with `qualcode train`"))


class ModelCoder(BaseEstimator):
    """A trained model as the coder of a corpus: :meth:`fit` fits the zero-shot coder underneath
    on the corpus (or a sample of it), as coding without a model does; :meth:`code` codes.

    This is what ``qualcode code --model`` runs chunk by chunk, in processes or on Dask.
    """

    def __init__(self, model):
        self.model = model

    def fit(self, texts):
        """Fit the zero-shot coder underneath a copy of the model on ``texts``."""
        self.model_ = copy.copy(self.model).fit_corpus(texts)
        self.code_ids_ = self.model.code_ids_
        self.thresholds_ = np.full(len(self.code_ids_), THRESHOLD)
        return self

    def code(self, texts):
        """The model's :class:`~qualcode.coding.CodingResult` for ``texts``."""
        check_is_fitted(self, "model_")
        return self.model_.code(texts)

    @property
    def settings(self):
        """The model's coding settings, as a coded table's sidecar records them."""
        model = self.model
        return {"mode": model.mode, "embedder": _embedder_name(model.embedder), "threshold": THRESHOLD,
                "seed": model.seed}


def model_evidence(zero_shot, probability, zero_shot_score):
    """The evidence of a code the model applied: the zero-shot coder's (None where it did not
    apply the code) with the model's probability as the score and the zero-shot score beside it."""
    model = {"probability": round(float(probability), 4), "zero_shot": round(float(zero_shot_score), 4)}
    if zero_shot is None:
        return Evidence(score=model["probability"], matches=None, model=model, source="model")
    return replace(zero_shot, score=model["probability"], model=model, source="model")


def _embedder_name(embedder):
    return embedder if isinstance(embedder, str) else embedder.name


def _logit(p):
    p = np.clip(np.asarray(p, dtype=float), EPSILON, 1 - EPSILON)
    return np.log(p / (1 - p))


def train_from_gold(table, gold, codebook, **settings):
    """Fit a :class:`TrainedModel` on the answers of ``table`` (an AnswerTable) that ``gold``
    (:class:`~qualcode.coding.CodedAnswers`, e.g. an analyst's id + codes file) codes; the whole
    table is the corpus.

    Raises InputError naming the gold file and row for a code the codebook does not have
    active, and for gold answers missing from the table.
    """
    model = TrainedModel(codebook, **settings)
    check_codes(gold, list(model.code_ids_))
    where = {answer: k for k, answer in enumerate(table.frame[table.id_column])}
    missing = [answer for answer in gold.ids if answer not in where]
    if missing:
        raise InputError(located(table.source, f"{len(missing)} answers of {gold.source} are not in this table "
                                               f"(e.g. {', '.join(map(repr, missing[:3]))}); check that both "
                                               "files use the same id column"))
    texts = [table.texts[where[answer]] for answer in gold.ids]
    return model.fit(texts, gold.code_sets, corpus=table.texts)
