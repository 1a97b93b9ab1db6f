"""A coder trained on analyst-coded answers, on top of the codebook's zero-shot coder.

For each code, a logistic regression reads the zero-shot :class:`~qualcode.coding.Coder`'s
view of an answer (its score for the code as log-odds around the code's threshold, keyword
hits, semantic similarity, self-trained score, negated-only hits), the answer's embedding and
its lemmas and compound parts (TF-IDF over the labelled answers' vocabulary). The weights are
shrunk towards the zero-shot coder (:class:`PriorLogisticRegression`): with a handful of
labels the model stays close to the codebook, with hundreds the labels decide. Classes are
weighted as balanced and a code applies at probability 0.5 (on the development set, choosing
thresholds by inner cross-validation did not do better).

The model file is an ``.npz`` without pickles: the weights and the vocabulary as arrays, the
settings as JSON, with the codebook's content hash; loading it with another codebook is refused.
"""
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.utils.class_weight import compute_sample_weight

from qualcode import __version__
from qualcode.embed import ANSWER_KIND, get_embedder
from qualcode.errors import InputError, located
from qualcode.learn.logistic import PriorLogisticRegression
from qualcode.learn.tables import Coding, check_codes, paired

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
        return [code for code in self.codebook.codes if code.status != "suggested"]

    # -- learning -------------------------------------------------------------------------
    def fit(self, texts, code_sets, corpus=None):
        """Learn from ``texts`` and their analyst-given ``code_sets`` (lists of code ids).

        ``corpus`` (default: ``texts``) is every answer of the survey, coded or not; the
        zero-shot coder underneath learns its vocabulary and self-training from it.
        """
        labels = self.labels(code_sets)
        if len(labels) != len(texts) or not len(texts):
            raise ValueError("give one list of codes per text, for at least one text")
        return self.fit_features(self.transform(texts, corpus), labels)

    def labels(self, code_sets):
        """The 0/1 matrix (answers, codes) of ``code_sets``; ValueError for an unknown code."""
        ids = [code.id for code in self.codes_]
        unknown = sorted({c for codes in code_sets for c in codes} - set(ids))
        if unknown:
            raise ValueError(f"unknown codes {unknown}; the codebook's active codes are {ids}")
        return np.array([[code in codes for code in ids] for codes in code_sets], dtype=int).reshape(-1, len(ids))

    def fit_features(self, features, labels):
        """Learn from :meth:`transform`'s features and a 0/1 label matrix (answers, codes)."""
        labels = np.asarray(labels)
        if labels.shape != (len(features.terms), len(self.codes_)) or not set(np.unique(labels)) <= {0, 1}:
            raise ValueError(f"labels must be 0/1 of shape ({len(features.terms)}, {len(self.codes_)}), "
                             f"one column per active code")
        self.vocabulary_ = np.array(sorted({term for terms in features.terms for term in terms}), dtype=str)
        self.idf_ = self._inverse_document_frequency(features.terms)
        shared = self._shared(features)
        n_codes, width = len(self.codes_), len(CODER_FEATURES) + shared.shape[1]
        self.coef_ = np.zeros((n_codes, width))
        self.intercept_ = np.zeros(n_codes)
        for j in range(n_codes):
            self.coef_[j], self.intercept_[j] = self._fit_code(features.coder[:, j], shared, labels[:, j])
        self.positives_ = labels.sum(axis=0)
        self.labelled_ = len(labels)
        return self

    def _fit_code(self, coder, shared, y):
        """Weights and intercept of one code (the zero-shot coder alone unless both classes occur)."""
        prior = np.zeros(len(CODER_FEATURES) + shared.shape[1])
        prior[0] = 1.0  # the zero-shot log-odds, taken as they are
        if y.min() == y.max():
            return prior, 0.0
        penalty = np.full(len(prior), 1.0 / self.C)
        penalty[:len(CODER_FEATURES)] = self.prior_strength
        X = sparse.hstack([sparse.csr_matrix(coder), shared]).tocsr()
        model = PriorLogisticRegression(prior, penalty).fit(X, y, compute_sample_weight("balanced", y))
        return model.coef_, model.intercept_

    # -- terms ----------------------------------------------------------------------------
    def _index(self):
        return {term: k for k, term in enumerate(self.vocabulary_)}

    def _inverse_document_frequency(self, terms_per_answer):
        """Smoothed inverse document frequency of each vocabulary term over the labelled answers."""
        index = self._index()
        counts = np.zeros(len(self.vocabulary_))
        for terms in terms_per_answer:
            counts[[index[t] for t in set(terms)]] += 1
        return np.log((1 + len(terms_per_answer)) / (1 + counts)) + 1

    def _shared(self, features):
        """Embedding and weighted TF-IDF (sublinear tf, rows of unit length), side by side."""
        index = self._index()
        rows, columns, values = [], [], []
        for i, terms in enumerate(features.terms):
            counts = Counter(index[t] for t in terms if t in index)
            rows += [i] * len(counts)
            columns += list(counts)
            values += [1 + np.log(count) for count in counts.values()]
        tfidf = sparse.csr_matrix((values, (rows, columns)), shape=(len(features.terms), len(self.vocabulary_)))
        tfidf = tfidf.multiply(self.idf_).tocsr()
        norms = np.sqrt(np.asarray(tfidf.multiply(tfidf).sum(axis=1))).ravel()
        tfidf = sparse.diags(self.term_weight / np.where(norms > 0, norms, 1)) @ tfidf
        return sparse.hstack([sparse.csr_matrix(features.embedding), tfidf]).tocsr()

    # -- coding ---------------------------------------------------------------------------
    def predict_proba(self, texts, corpus=None):
        """Per code, the model's probability that it applies: DataFrame (texts, code ids)."""
        probability = self.predict_proba_features(self.transform(texts, corpus))
        return pd.DataFrame(probability, columns=[code.id for code in self.codes_])

    def predict_proba_features(self, features):
        """Probabilities (answers, codes) from :meth:`transform`'s features."""
        if not hasattr(self, "coef_"):
            raise RuntimeError("call fit(texts, code_sets) or TrainedModel.load(path, codebook) first")
        width = len(CODER_FEATURES)
        logits = (np.einsum("ncf,cf->nc", features.coder, self.coef_[:, :width])
                  + self._shared(features) @ self.coef_[:, width:].T + self.intercept_)
        return 1.0 / (1.0 + np.exp(-logits))

    def code(self, texts):
        """Code ``texts`` (the zero-shot coder underneath learns from them, as when coding
        without a model): a :class:`~qualcode.coding.CodingResult` like the zero-shot coder's.

        A code applies when the model's probability reaches 0.5; the scores are those
        probabilities, and each applied code's evidence is the zero-shot coder's (where it
        applied the code too) plus the model's probability and the zero-shot score.
        """
        from qualcode.coding import CodingResult

        features, zero_shot = self._transform([str(text) for text in texts], None)
        probability = self.predict_proba_features(features)
        ids = [code.id for code in self.codes_]
        decided = probability >= THRESHOLD
        codes = [[ids[j] for j in np.flatnonzero(row)] for row in decided]
        evidence = [{ids[j]: {**zero_shot.evidence[i].get(ids[j], {}),
                              "score": round(float(probability[i, j]), 4),
                              "model": {"probability": round(float(probability[i, j]), 4),
                                        "zero_shot": round(float(zero_shot.scores.iloc[i, j]), 4)}}
                     for j in np.flatnonzero(decided[i])} for i in range(len(decided))]
        return CodingResult(codes, pd.DataFrame(np.round(probability, 4), columns=ids), evidence,
                            {"zero_shot": zero_shot.scores.to_numpy()})

    # -- features -------------------------------------------------------------------------
    def transform(self, texts, corpus=None):
        """The :class:`Features` of ``texts``; the zero-shot coder is fitted on ``corpus``
        (default: ``texts``) and codes ``texts``."""
        return self._transform([str(text) for text in texts], corpus)[0]

    def _transform(self, texts, corpus):
        """:meth:`transform` and the zero-shot coder's :class:`~qualcode.coding.CodingResult`."""
        from qualcode.coding import Coder

        coder = Coder(self.codebook, embedder=self.embedder, mode=self.mode, seed=self.seed)
        fitted_on = list(dict.fromkeys([str(text) for text in corpus] + texts)) if corpus is not None else texts
        result = coder.fit(fitted_on).code(texts)
        scores = result.scores.to_numpy()
        thresholds = np.array([code.threshold if code.threshold is not None else 0.5 for code in self.codes_])
        coder_part = np.stack([
            _logit(scores) - _logit(thresholds),
            result.components["lexical"],
            np.zeros(scores.shape) if result.components.get("semantic") is None else result.components["semantic"],
            np.nan_to_num(_logit(result.components["self_trained"]), nan=0.0),
            result.components["negated_only"].astype(float),
        ], axis=2)
        vectors = (get_embedder(self.embedder).embed(texts, kind=ANSWER_KIND) if self.mode == "accurate"
                   else np.zeros((len(texts), 0)))
        return Features(coder_part, vectors, _terms(texts)), result

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
                "settings": {"embedder": self.embedder if isinstance(self.embedder, str) else self.embedder.name,
                             "mode": self.mode, "seed": self.seed, "C": self.C,
                             "prior_strength": self.prior_strength, "term_weight": self.term_weight},
                "labelled": self.labelled_, "positives": self.positives_.tolist()}
        with atomic_path(path) as temporary, open(temporary, "wb") as file:
            np.savez(file, meta=np.array(json.dumps(meta)), coef=self.coef_, intercept=self.intercept_,
                     vocabulary=self.vocabulary_, idf=self.idf_, positives=self.positives_)

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
        model.vocabulary_, model.idf_ = arrays["vocabulary"], arrays["idf"]
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


def _terms(texts):
    """Per text, its content words' folded lemmas and their compound parts."""
    from qualcode.language import analyse

    return [[token._.folded_lemma for token in doc if not (token.is_stop or token.is_punct or token.is_space)]
            + [part for token in doc for part in token._.parts] for doc in analyse(texts)]


def _logit(p):
    p = np.clip(np.asarray(p, dtype=float), EPSILON, 1 - EPSILON)
    return np.log(p / (1 - p))


def train_from_gold(table, gold, codebook, **settings):
    """Fit a :class:`TrainedModel` on the answers of ``table`` (an AnswerTable) that ``gold``
    (a :class:`~qualcode.learn.tables.Coding`) codes; the whole table is the corpus.

    Raises InputError naming the gold file and row for a code the codebook does not have
    active, and for gold answers missing from the table.
    """
    model = TrainedModel(codebook, **settings)
    check_codes(gold, [code.id for code in model.codes_])
    answers = Coding(table.source, table.frame[table.id_column].tolist(), [], [], None, table.texts, [])
    labelled, rows = paired(gold, answers, require_all=True)
    texts = [table.texts[k] for k in rows]
    return model.fit(texts, [gold.code_sets[i] for i in labelled], corpus=table.texts)
