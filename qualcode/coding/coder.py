"""The Coder: fuses lexical matching, semantic similarity, prose overlap and self-training into
one calibrated score per code, decides multi-label codes and explains each one.

Typical use (the CLI does exactly this)::

    coder = Coder(load_codebook("codebooks/digital_maturity.yaml"))
    result = coder.fit_code(texts)        # or coder.fit(sample).code(texts)
    result.codes[0], result.scores.iloc[0], result.evidence[0]
"""
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from qualcode.coding.analysed import analyse_answers
from qualcode.coding.calibration import TemperatureCalibrator, agreement_labels, drawn_to_threshold, view_support
from qualcode.coding.lemma_features import LemmaFeatures
from qualcode.coding.lexical import LexicalMatcher
from qualcode.coding.prose import ProseOverlap, content_words
from qualcode.coding.result import CodingResult, Evidence, Nearest, Span
from qualcode.coding.selftrain import SelfTrainer
from qualcode.coding.semantic import SemanticMatcher
from qualcode.coding.static import StaticEmbedder
from qualcode.embed import ANSWER_KIND
from qualcode.errors import InputError
from qualcode.io import is_substantive

MODES = ("accurate", "fast")
DEFAULT_THRESHOLD = 0.5
SEED_LEVEL = 1.0  # prose similarity (in code-standardised units) that seeds self-training alone
COVERAGE_SHARE = 0.1  # the answers most similar to a code's prose that estimate keyword coverage
MAX_KEYWORD_HITS = 2  # more distinct keywords than this add no further confidence


@dataclass(frozen=True)
class FusionWeights:
    """Weights of the logistic fusion of the component scores into one probability.

    One set for every codebook, chosen jointly on two development sets with codebooks of very
    different keyword coverage (a rich one and a sparse one of four keywords a code), so that
    neither keywords nor similarity dominate. What differs between codebooks is learned from
    the corpus at hand (see ``similarity_alone``), not set per code.

    ``semantic_bias`` is added to ``bias`` when there is a semantic signal (accurate mode), and
    so is ``prose`` times the prose overlap (:mod:`qualcode.coding.prose`).
    ``similarity_alone`` scales the penalty on a code that rests on similarity alone (no keyword
    evidence): ``similarity_alone * log(1 - coverage)``, where coverage is the share of the
    code's likely answers that the keywords find, estimated on the corpus (the answers most
    similar to the codes' prose that have keyword evidence). Where keywords find most mentions,
    an answer without one needs a higher similarity to be coded.
    """

    bias: float = -1.5
    lexical: float = 3.0
    semantic: float = 2.0
    self_trained: float = 1.5
    negated: float = -4.0
    semantic_bias: float = 1.0
    similarity_alone: float = 2.0
    prose: float = 0.5


@dataclass
class _Features:
    answers: list
    matches: list
    vectors: np.ndarray | None
    sentence_vectors: np.ndarray | None
    sentence_rows: np.ndarray | None
    lexical: np.ndarray
    negated_only: np.ndarray
    static: np.ndarray | None = None  # fast mode: answers as static word vectors


class Coder(BaseEstimator):
    """Codes answers against a codebook; an estimator in the scikit-learn sense.

    Parameters are stored as given and checked by :meth:`fit`; what fitting learns lives in
    attributes ending in ``_``; :meth:`code` changes nothing.

    Parameters
    ----------
    codebook : Codebook
        Only its active codes are applied (``status: suggested`` codes are not).
    embedder : str or Embedder
        ``"default"`` (offline multilingual E5) or ``"sentence-transformers:PATH"``.
    mode : {"accurate", "fast"}
        ``fast`` skips embeddings: lexical matching, similarity over static word vectors
        distilled from E5, and self-training on lemma features.
    threshold : float, optional
        Global decision threshold; a code's own ``threshold`` in the codebook wins.
    seed : int
        Random state of self-training; the same input, codebook and seed give the same coding.
    self_training : bool
        Whether answers the codebook codes confidently train a classifier per code.
    weights : FusionWeights
        How the signals are fused into one score.
    """

    def __init__(self, codebook, embedder="default", mode="accurate", threshold=None, seed=0,
                 self_training=True, weights=FusionWeights()):
        self.codebook = codebook
        self.embedder = embedder
        self.mode = mode
        self.threshold = threshold
        self.seed = seed
        self.self_training = self_training
        self.weights = weights

    def __getstate__(self):
        """Pickle without the process-bound embedder (a model and an open cache); unpickling
        builds it again from ``embedder``."""
        state = dict(super().__getstate__())  # a copy: the live object keeps its embedder
        state.pop("embedder_", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "lexical_" in state:
            self.embedder_ = self._built_embedder()

    def fit(self, texts):
        """Learn from the corpus ``texts`` itself: similarity levels and self-trained classifiers."""
        self._fit(_validated(texts))
        return self

    def fit_code(self, texts):
        """Fit on ``texts`` and code them, analysing and embedding them once."""
        texts = _validated(texts)
        return self._code(texts, self._fit(texts))

    def code(self, texts):
        """Code ``texts``; returns a :class:`~qualcode.coding.result.CodingResult`."""
        check_is_fitted(self, "lexical_")
        texts = _validated(texts)
        if not texts:
            return CodingResult.empty(self.code_ids_)
        return self._code(texts, self._features(texts))

    def _fit(self, texts):
        if self.mode not in MODES:
            raise InputError(f"--mode {self.mode}: unknown mode; use one of {', '.join(MODES)}")
        if self.threshold is not None and not 0 <= self.threshold <= 1:
            raise InputError(f"--threshold {self.threshold}: must lie between 0 and 1")
        self.codes_ = self.codebook.active_codes
        self.code_ids_ = tuple(code.id for code in self.codes_)
        self.thresholds_ = code_thresholds(self.codes_, self.threshold)
        self.embedder_ = self._built_embedder()
        self.lexical_ = LexicalMatcher(self.codes_)
        self.vocabularies_ = self._code_vocabularies()
        self.static_ = None if self.embedder_ is not None else StaticEmbedder().fit(
            _code_texts(self.codes_), [(w.folded_lemma, w.lemma) for code in self.codes_
                                       for pattern in self.lexical_.compiled_[code.id][0]
                                       for w in pattern.words if not w.prefix])
        features = self._features(texts)
        semantic = self._fit_semantic(features)
        self.prose_ = None if semantic is None else ProseOverlap(self.vocabularies_).fit(features.answers)
        self.keyword_coverage_ = None if semantic is None else keyword_coverage(features.lexical, semantic)
        self._fit_self_training(texts, features, semantic)
        self._fit_calibration(texts, features, semantic)
        return features

    def _built_embedder(self):
        if self.mode != "accurate":
            return None
        from qualcode.embed import get_embedder

        return get_embedder(self.embedder)

    def _code(self, texts, features):
        semantic = self._semantic_scores(features)
        self_trained = self._self_trained_scores(texts, features)
        probability = self._calibrated(texts, features, semantic, self_trained)
        # An answer with no content ("vet ej", "-", "svårt att säga") carries no code.
        decisions = (probability >= self.thresholds_) & np.array([[is_substantive(t)] for t in texts])
        sentence_scores = self._sentence_scores(features, decisions)
        evidence = [self._evidence(i, features, semantic, self_trained, probability, decisions[i],
                                   sentence_scores.get(i)) for i in range(len(texts))]
        components = {"lexical": features.lexical, "semantic": semantic, "self_trained": self_trained,
                      "negated_only": features.negated_only}
        return CodingResult(self.code_ids_, pd.DataFrame(np.round(probability, 4), columns=list(self.code_ids_)),
                            decisions, evidence, features.answers,
                            features.vectors, components)

    # -- features -------------------------------------------------------------------------
    def _features(self, texts):
        answers = analyse_answers(texts)
        matches = self.lexical_.match_all(answers)
        column = {code_id: j for j, code_id in enumerate(self.code_ids_)}
        lexical = np.zeros((len(texts), len(column)))
        negated_only = np.zeros((len(texts), len(column)), dtype=bool)
        for i, found in enumerate(matches):
            for code_id, hits in found.items():
                positive = {m.keyword for m in hits if not m.negated}
                lexical[i, column[code_id]] = min(len(positive), MAX_KEYWORD_HITS)
                negated_only[i, column[code_id]] = not positive
        vectors = sentence_vectors = sentence_rows = None
        if self.embedder_ is not None:  # OCR-damaged answers are embedded as repaired
            vectors = self.embedder_.embed([answer.repaired or answer.text for answer in answers], kind=ANSWER_KIND)
            sentence_vectors, sentence_rows = self._sentence_vectors(answers)
        static = self.static_.vectors(answers) if self.static_ is not None else None
        return _Features(answers, matches, vectors, sentence_vectors, sentence_rows, lexical, negated_only, static)

    def _sentence_vectors(self, answers):
        """The vectors of the answers' sentences (each distinct sentence embedded once; a
        one-sentence answer's is its own, read from the cache) and the answer of each."""
        rows, sentences = [], []
        for i, answer in enumerate(answers):
            for k in range(len(answer.sentences)):
                rows.append(i)
                sentences.append(answer.embedded_sentence(k))
        distinct = list(dict.fromkeys(sentences))
        vectors = self.embedder_.embed(distinct, kind=ANSWER_KIND)
        index = {text: j for j, text in enumerate(distinct)}
        return vectors[[index[text] for text in sentences]], np.array(rows, dtype=int)

    # -- semantic -------------------------------------------------------------------------
    def _fit_semantic(self, features):
        self.semantic_ = None
        if self.embedder_ is None and self.static_ is None:
            return None
        self.semantic_ = SemanticMatcher(self.codes_, self.embedder_ or self.static_).fit(
            _semantic_input(features), features.sentence_vectors)
        return self._semantic_scores(features)

    def _semantic_scores(self, features):
        if self.semantic_ is None:
            return None
        return self.semantic_.score(_semantic_input(features), features.sentence_vectors, features.sentence_rows)

    # -- self-training --------------------------------------------------------------------
    def _fit_self_training(self, texts, features, semantic):
        self.self_trainer_ = None
        self.held_back_ = {}
        if not self.self_training:
            return
        matrix = self._self_training_matrix(features, fit=True)
        if matrix is None:
            return
        positive = features.lexical > 0
        negative = features.lexical == 0
        rank = features.lexical.copy()
        if semantic is not None:
            positive &= semantic > -0.5
            # an answer whose prose-similarity picks this code out clearly seeds it too
            picked = (semantic >= SEED_LEVEL) & (semantic >= semantic.max(axis=1, keepdims=True))
            positive |= picked & ~features.negated_only
            negative &= semantic < 0.0
            rank = rank + semantic
        extra = self._example_rows(features)
        self.self_trainer_ = SelfTrainer(seed=self.seed).fit(matrix, positive, negative, extra, rank)
        # An answer used as a pseudo-label is scored by models that did not see it.
        self.held_back_ = {text: row for text, row in zip(texts, self.self_trainer_.held_back_)
                           if not np.isnan(row).all()}

    def _self_trained_scores(self, texts, features):
        if self.self_trainer_ is None:
            return np.full((len(texts), len(self.codes_)), np.nan)
        scores = self.self_trainer_.predict_proba(self._self_training_matrix(features, fit=False))
        for i, text in enumerate(texts):
            held_back = self.held_back_.get(text)
            if held_back is not None:
                scores[i] = np.where(np.isnan(held_back), scores[i], held_back)
        return scores

    def _self_training_matrix(self, features, fit):
        if features.vectors is not None:
            return features.vectors
        if fit:
            self.lemma_features_ = LemmaFeatures()
            return self.lemma_features_.fit_transform(features.answers)
        return self.lemma_features_.transform(features.answers)

    def _example_rows(self, features):
        """Per code, rows of the self-training matrix that are always positive: its positive
        anchors' embeddings, or in fast mode its examples' lemma features."""
        if self.semantic_ is None:
            return None
        if features.vectors is None:
            return [self.lemma_features_.transform(analyse_answers(list(code.examples)), cache=False)
                    if code.examples else None for code in self.codes_]
        return [self.semantic_.positive_anchor_vectors(code.id) for code in self.codes_]

    # -- fusion, calibration and decision --------------------------------------------------
    def _fused_logit(self, features, semantic, self_trained, prose=None):
        w = self.weights
        logit = w.bias + w.lexical * features.lexical + w.negated * features.negated_only
        if semantic is not None:
            prose = self.prose_.score(features.answers) if prose is None else prose
            logit = logit + w.semantic_bias + w.semantic * semantic + w.prose * prose
            logit = logit + w.similarity_alone * np.log(1 - self.keyword_coverage_) * (features.lexical == 0)
        learned = np.nan_to_num(_logit(self_trained), nan=0.0)
        return logit + w.self_trained * learned

    def _fit_calibration(self, texts, features, semantic):
        """Accurate mode: rescale the fused log-odds on the corpus's agreement pseudo-labels
        (see :mod:`qualcode.coding.calibration`); fast mode keeps the fused scores."""
        self.calibrator_ = None
        self.calibration_held_back_ = {}
        if semantic is None:
            return
        self_trained = self._self_trained_scores(texts, features)
        positive, negative = agreement_labels(features.lexical, features.negated_only, semantic, self_trained,
                                              SEED_LEVEL)
        logits = self._fused_logit(features, semantic, self_trained)
        self.calibrator_ = TemperatureCalibrator(seed=self.seed).fit(logits, positive, negative)
        self.calibration_held_back_ = dict(zip(texts, self.calibrator_.held_back_))

    def _calibrated(self, texts, features, semantic, self_trained):
        """The fused scores; in accurate mode rescaled and drawn towards the threshold where
        the signals disagree (see :mod:`qualcode.coding.calibration`)."""
        if self.calibrator_ is None:
            return 1.0 / (1.0 + np.exp(-self._fused_logit(features, semantic, self_trained)))
        prose = self.prose_.score(features.answers)
        factors = [self.calibration_held_back_.get(text, self.calibrator_.factor_) for text in texts]
        probability = self.calibrator_.transform(self._fused_logit(features, semantic, self_trained, prose), factors)
        support = view_support(features.lexical, features.negated_only, semantic, prose, self_trained)
        return drawn_to_threshold(probability, self.thresholds_, support)

    # -- evidence -------------------------------------------------------------------------
    def _evidence(self, i, features, semantic, self_trained, probability, decided, sentence_scores):
        evidence = {}
        for j in np.flatnonzero(decided):
            code_id = self.code_ids_[j]
            matches = _positive_matches(features, i, code_id)
            evidence[code_id] = Evidence(
                score=round(float(probability[i, j]), 4), matches=tuple(matches),
                components=self._components(i, j, features, semantic, self_trained),
                sentence=self._sentence(i, j, matches, features, sentence_scores),
                nearest=self._nearest(i, code_id, features))
        return evidence

    def _components(self, i, j, features, semantic, self_trained):
        components = {"lexical": int(features.lexical[i, j])}
        if semantic is not None:
            components["semantic"] = round(float(semantic[i, j]), 3)
        if not np.isnan(self_trained[i, j]):
            components["self_trained"] = round(float(self_trained[i, j]), 3)
        return components

    def _sentence(self, i, j, matches, features, sentence_scores):
        """The sentence that carries code ``j`` in answer ``i``: its first keyword's, the only
        one, or the one whose words the code's texts share most."""
        answer = features.answers[i]
        if matches:
            index = matches[0].sentence
        elif len(answer.sentences) == 1:
            index = 0
        else:
            index = None if sentence_scores is None else int(np.argmax(sentence_scores[:, j]))
        if index is None or not answer.sentences:
            return None
        start, end = answer.sentences[index]
        return Span(answer.text[start:end], start, end)

    def _nearest(self, i, code_id, features):
        if features.vectors is None:
            return None
        anchor, similarity = self.semantic_.nearest_anchor(features.vectors[i], code_id)
        return Nearest(anchor.kind, anchor.text, round(similarity, 3))

    def _sentence_scores(self, features, decisions):
        """For answers of several sentences where a code applied without keywords, how many
        of each sentence's words occur in the code's texts: ``{answer index: (sentences, codes)}``.

        Word overlap, not embeddings: embedding every sentence again would double the cost of
        accurate coding for what is only the choice of the sentence to show as evidence.
        """
        scores = {}
        for i, row in enumerate(decisions):
            answer = features.answers[i]
            if len(answer.sentences) > 1 and any(not _positive_matches(features, i, self.code_ids_[j])
                                                 for j in np.flatnonzero(row)):
                scores[i] = _overlaps(answer, self.vocabularies_)
        return scores

    def _code_vocabularies(self):
        """Per code, the folded lemmas of its label, description, inclusion rule and examples, and
        its keywords' compiled lemmas (so that a keyword edit analyses no text anew)."""
        return [content_words(answer) | {word.folded_lemma for pattern in self.lexical_.compiled_[code.id][0]
                                          for word in pattern.words}
                for code, answer in zip(self.codes_, analyse_answers(_code_texts(self.codes_)))]


def _semantic_input(features):
    """What the semantic matcher compares: the embeddings, or in fast mode the static vectors."""
    return features.vectors if features.vectors is not None else features.static


def _code_texts(codes):
    """Per code, its label, description, inclusion rule and examples as one text."""
    return [" ".join([code.label, code.description, code.include or "", *code.examples]) for code in codes]


def _overlaps(answer, vocabularies):
    """(sentences, codes): the number of content words of each sentence in each vocabulary."""
    counts = np.zeros((len(answer.sentences), len(vocabularies)))
    for word in answer.words:
        if not word.is_stop:
            forms = {word.folded_lemma, *word.parts}
            counts[word.sentence] += [bool(forms & vocabulary) for vocabulary in vocabularies]
    return counts


def _positive_matches(features, i, code_id):
    """The keyword matches of ``code_id`` in answer ``i`` that are not negated."""
    return [m for m in features.matches[i].get(code_id, []) if not m.negated]


def keyword_coverage(lexical, semantic, share=COVERAGE_SHARE, most=0.9):
    """The share of a code's answers that its keywords find, estimated on the corpus: of each
    code's answers most similar to its prose (the top ``share``, at least five), those with
    keyword evidence, averaged over the codes and capped at ``most``."""
    if not len(lexical):
        return 0.0
    order = np.argsort(-semantic, axis=0, kind="stable")[:max(5, int(share * len(lexical)))]
    return float(min(most, np.take_along_axis(lexical > 0, order, axis=0).mean()))


def code_thresholds(codes, threshold=None):
    """Each code's decision threshold: its own from the codebook, else ``threshold``, else 0.5."""
    default = threshold if threshold is not None else DEFAULT_THRESHOLD
    return np.array([code.threshold if code.threshold is not None else default for code in codes])


def _logit(probabilities):
    clipped = np.clip(probabilities, 1e-4, 1 - 1e-4)
    return np.log(clipped / (1 - clipped))


def _validated(texts):
    texts = [t if isinstance(t, str) else "" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t)
             for t in texts]
    return texts
