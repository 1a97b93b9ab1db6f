"""The Coder: fuses lexical matching, semantic similarity and self-training into one calibrated
score per code, decides multi-label codes and explains each one.

Typical use (the CLI does exactly this)::

    coder = Coder(load_codebook("codebooks/digital_maturity.yaml"))
    result = coder.fit(texts).code(texts)
    result.codes[0], result.scores.iloc[0], result.evidence[0]
"""
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from qualcode.coding.analysed import analyse_answers
from qualcode.coding.lemma_features import LemmaFeatures
from qualcode.coding.lexical import LexicalMatcher
from qualcode.coding.selftrain import SelfTrainer
from qualcode.coding.semantic import SemanticMatcher
from qualcode.embed import ANSWER_KIND
from qualcode.errors import InputError
from qualcode.io import is_substantive

MODES = ("accurate", "fast")
DEFAULT_THRESHOLD = 0.5
MAX_KEYWORD_HITS = 2  # more distinct keywords than this add no further confidence


@dataclass(frozen=True)
class FusionWeights:
    """Weights of the logistic fusion of the component scores into one probability.

    Chosen on the development set jointly with a copy of its codebook that keeps only a third
    of each code's keywords (a stand-in for codebooks less complete than the shipped one), so
    that paraphrases found by similarity and self-training count, not only keywords.
    """

    bias: float = -1.5
    lexical: float = 3.0
    semantic: float = 1.5
    self_trained: float = 1.5
    negated: float = -4.0


@dataclass
class CodingResult:
    """What coding gives back: per answer the codes, the scores and the evidence."""

    codes: list
    scores: pd.DataFrame
    evidence: list
    components: dict = field(default_factory=dict)


@dataclass
class _Features:
    answers: list
    matches: list
    vectors: np.ndarray | None
    lexical: np.ndarray
    negated_only: np.ndarray


class Coder:
    """Codes answers against a codebook; an estimator in the scikit-learn sense.

    Parameters
    ----------
    codebook : Codebook
        Only its active codes are applied (``status: suggested`` codes are not).
    embedder : str or Embedder
        ``"default"`` (offline multilingual E5) or ``"sentence-transformers:PATH"``.
    mode : {"accurate", "fast"}
        ``fast`` skips embeddings: lexical matching plus self-training on lemma features.
    threshold : float, optional
        Global decision threshold; a code's own ``threshold`` in the codebook wins.
    seed : int
        Random state of self-training; the same input, codebook and seed give the same coding.
    """

    def __init__(self, codebook, embedder="default", mode="accurate", threshold=None, seed=0,
                 self_training=True, weights=FusionWeights()):
        if mode not in MODES:
            raise InputError(f"--mode {mode}: unknown mode; use one of {', '.join(MODES)}")
        if threshold is not None and not 0 <= threshold <= 1:
            raise InputError(f"--threshold {threshold}: must lie between 0 and 1")
        self.codebook = codebook
        self.embedder = embedder
        self.mode = mode
        self.threshold = threshold
        self.seed = seed
        self.self_training = self_training
        self.weights = weights

    @property
    def codes_(self):
        return [code for code in self.codebook.codes if code.status != "suggested"]

    def __getstate__(self):
        """Pickle without the process-bound embedder (a model and an open cache, rebuilt from
        ``embedder`` where needed) and without the analysis of the corpus fitted on."""
        state = self.__dict__.copy()
        state.pop("embedder_", None)
        state["_fitted_corpus"] = ((), None)
        return state

    def fit(self, texts):
        """Learn from the corpus itself: similarity levels and self-trained classifiers."""
        texts = _validated(texts)
        self.lexical_ = LexicalMatcher(self.codes_)
        features = self._features(texts)
        self._fitted_corpus = (texts, features)  # coding the same corpus next reuses its analysis
        semantic = self._fit_semantic(features)
        self._fit_self_training(texts, features, semantic)
        return self

    def code(self, texts):
        """Code ``texts``; returns a :class:`CodingResult`."""
        if not hasattr(self, "lexical_"):
            raise RuntimeError("call fit(texts) before code(texts)")
        texts = _validated(texts)
        if not texts:
            ids = [code.id for code in self.codes_]
            return CodingResult([], pd.DataFrame(np.zeros((0, len(ids))), columns=ids), [])
        fitted_texts, fitted_features = self._fitted_corpus
        features = fitted_features if texts == fitted_texts else self._features(texts)
        semantic = self._semantic_scores(features)
        self_trained = self._self_trained_scores(texts, features)
        probability = self._fuse(features, semantic, self_trained)
        # An answer with no content ("vet ej", "-", "svårt att säga") carries no code.
        decisions = (probability >= self._thresholds()) & np.array([[is_substantive(t)] for t in texts])
        ids = [code.id for code in self.codes_]
        codes = [[ids[j] for j in np.flatnonzero(row)] for row in decisions]
        sentence_scores = self._sentence_scores(features, decisions)
        evidence = [self._evidence(i, features, semantic, self_trained, probability, decisions[i],
                                   sentence_scores.get(i)) for i in range(len(texts))]
        scores = pd.DataFrame(np.round(probability, 4), columns=ids)
        components = {"lexical": features.lexical, "semantic": semantic, "self_trained": self_trained,
                      "negated_only": features.negated_only}
        return CodingResult(codes, scores, evidence, components)

    # -- features -------------------------------------------------------------------------
    def _features(self, texts):
        answers = analyse_answers(texts)
        matches = self.lexical_.match_all(answers)
        column = {code.id: j for j, code in enumerate(self.codes_)}
        lexical = np.zeros((len(texts), len(column)))
        negated_only = np.zeros((len(texts), len(column)), dtype=bool)
        for i, found in enumerate(matches):
            for code_id, hits in found.items():
                positive = {m.keyword for m in hits if not m.negated}
                lexical[i, column[code_id]] = min(len(positive), MAX_KEYWORD_HITS)
                negated_only[i, column[code_id]] = not positive
        vectors = self._embedder().embed(texts, kind=ANSWER_KIND) if self.mode == "accurate" else None
        return _Features(answers, matches, vectors, lexical, negated_only)

    def _embedder(self):
        if not hasattr(self, "embedder_"):
            from qualcode.embed import get_embedder

            self.embedder_ = get_embedder(self.embedder)
        return self.embedder_

    # -- semantic -------------------------------------------------------------------------
    def _fit_semantic(self, features):
        if self.mode != "accurate":
            return None
        self.semantic_ = SemanticMatcher(self.codes_, self._embedder()).fit(features.vectors)
        return self.semantic_.score(features.vectors)

    def _semantic_scores(self, features):
        return None if self.mode != "accurate" else self.semantic_.score(features.vectors)

    # -- self-training --------------------------------------------------------------------
    def _fit_self_training(self, texts, features, semantic):
        self.self_trainer_ = None
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
            negative &= semantic < 0.0
            rank = rank + semantic
        extra = self._example_rows() if semantic is not None else None
        self.self_trainer_ = SelfTrainer(seed=self.seed).fit(matrix, positive, negative, extra, rank)
        # An answer used as a pseudo-label is scored by models that did not see it.
        self.held_back_ = {text: row for text, row in zip(texts, self.self_trainer_.held_back_)
                           if not np.isnan(row).all()}

    def _self_trained_scores(self, texts, features):
        n_codes = len(self.codes_)
        if self.self_trainer_ is None:
            return np.full((len(texts), n_codes), np.nan)
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

    def _example_rows(self):
        anchors = self.semantic_.anchors_
        return [self.semantic_.anchor_vectors_[[a.code_id == code.id for a in anchors]] for code in self.codes_]

    # -- fusion and decision --------------------------------------------------------------
    def _fuse(self, features, semantic, self_trained):
        w = self.weights
        logit = w.bias + w.lexical * features.lexical + w.negated * features.negated_only
        if semantic is not None:
            logit = logit + w.semantic * semantic
        learned = np.nan_to_num(_logit(self_trained), nan=0.0)
        logit = logit + w.self_trained * learned
        return 1.0 / (1.0 + np.exp(-logit))

    def _thresholds(self):
        return code_thresholds(self.codes_, self.threshold)

    # -- evidence -------------------------------------------------------------------------
    def _evidence(self, i, features, semantic, self_trained, probability, decided, sentence_scores):
        evidence = {}
        for j in np.flatnonzero(decided):
            code = self.codes_[j]
            matches = _positive_matches(features, i, code.id)
            entry = {"score": round(float(probability[i, j]), 4),
                     "matches": [m.as_evidence() for m in matches],
                     "components": self._components(i, j, features, semantic, self_trained)}
            entry.update(self._sentence_and_anchor(i, j, matches, features, sentence_scores))
            evidence[code.id] = entry
        return evidence

    def _components(self, i, j, features, semantic, self_trained):
        components = {"lexical": int(features.lexical[i, j])}
        if semantic is not None:
            components["semantic"] = round(float(semantic[i, j]), 3)
        if not np.isnan(self_trained[i, j]):
            components["self_trained"] = round(float(self_trained[i, j]), 3)
        return components

    def _sentence_and_anchor(self, i, j, matches, features, sentence_scores):
        answer = features.answers[i]
        code_id = self.codes_[j].id
        found = {}
        if matches:
            index = matches[0].sentence
        elif len(answer.sentences) == 1:
            index = 0
        else:
            index = None if sentence_scores is None else int(np.argmax(sentence_scores[:, j]))
        if index is not None and answer.sentences:
            start, end = answer.sentences[index]
            found["sentence"] = {"text": answer.text[start:end], "start": start, "end": end}
        if features.vectors is not None:
            anchor, similarity = self.semantic_.nearest_anchor(features.vectors[i], code_id)
            found["nearest"] = {"kind": anchor.kind, "text": anchor.text, "similarity": round(similarity, 3)}
        return found

    def _sentence_scores(self, features, decisions):
        """For answers of several sentences where a code applied without keywords, how many
        of each sentence's words occur in the code's texts: ``{answer index: (sentences, codes)}``.

        Word overlap, not embeddings: embedding every sentence again would double the cost of
        accurate coding for what is only the choice of the sentence to show as evidence.
        """
        vocabularies = self._code_vocabularies()
        scores = {}
        for i, row in enumerate(decisions):
            answer = features.answers[i]
            if len(answer.sentences) > 1 and any(not _positive_matches(features, i, self.codes_[j].id)
                                                 for j in np.flatnonzero(row)):
                scores[i] = _overlaps(answer, vocabularies)
        return scores

    def _code_vocabularies(self):
        # Keywords count by their compiled lemmas: a keyword edit then analyses no text anew.
        if not hasattr(self, "vocabularies_"):
            texts = [" ".join([code.label, code.description, code.include or "", *code.examples])
                     for code in self.codes_]
            self.vocabularies_ = [
                _content_words(answer) | {word.folded_lemma for pattern in self.lexical_.compiled_[code.id][0]
                                          for word in pattern.words}
                for code, answer in zip(self.codes_, analyse_answers(texts))]
        return self.vocabularies_


def _content_words(answer):
    return {part for word in answer.words if not word.is_stop for part in (word.folded_lemma, *word.parts)}


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
