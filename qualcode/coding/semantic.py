"""Semantic matching: how close an answer, and its closest sentence, is to what a code's prose
says (label, description and its items, inclusion rule, examples), judged by an embedder, held
back by what the code's exclusion rule rules out, and made comparable across codes.

Raw cosine similarities from E5-style models crowd into a narrow band (0.75-0.9) and differ in
level from code to code, so each code's similarities are standardised over the corpus being
coded (plus the codebook's own anchor texts, which keep small corpora stable), then centred per
answer: what counts is how much *more* an answer resembles this code than the others.

The whole answer and its best sentence are scored apart and added: a long answer that raises
two themes is close to each of them in one sentence, not as a whole. The exclusion rule
("Gäller inte brist på personal i allmänhet (resources)") is split into its items: each is a
negative anchor of its code (a sentence closer to it than to the code's own prose loses that
margin) and, when it names another code, a positive anchor of that code.
"""
import re
from dataclasses import dataclass

import numpy as np

TOP_ANCHORS = 3  # a code's similarity: the mean of its closest anchors (one example can be off)
MIN_ITEM_CHARS = 4
_ITEM_BREAKS = re.compile(r"[,:;]|\bsamt\b|\btill exempel\b|\bt\.ex\.|\bsåsom\b")
_EXCLUSION_ITEM = re.compile(r"(?:^|,|;|\boch\b|\beller\b)\s*(?:gäller\s+)?inte\b", re.IGNORECASE)
_CONDITION = re.compile(r"\b(?:när|om inte|utan att|då)\b.*$", re.IGNORECASE | re.DOTALL)
_REFERENCE = re.compile(r"\(([^()]*)\)")


@dataclass(frozen=True)
class Anchor:
    """A codebook text an answer is compared with."""

    code_id: str
    kind: str  # "description", "item", "include", "example", "exclusion" (negative), "referred"
    text: str


def code_anchors(code, codes=()):
    """The anchor texts of one code: label with description, the description's items, inclusion
    rule, examples; its exclusion items (negative); and other codes' exclusion items that name it."""
    anchors = [Anchor(code.id, "description", f"{code.label}: {code.description}".strip())]
    anchors.extend(Anchor(code.id, "item", f"{code.label}: {item}") for item in _items(code.description))
    if code.include:
        anchors.append(Anchor(code.id, "include", code.include))
    anchors.extend(Anchor(code.id, "example", example) for example in code.examples)
    ids = {other.id for other in codes}
    anchors.extend(Anchor(code.id, "exclusion", text) for text, _ in exclusion_items(code.exclude, ids))
    anchors.extend(Anchor(code.id, "referred", text) for other in codes if other.id != code.id
                   for text, named in exclusion_items(other.exclude, ids) if named == code.id)
    return anchors


def exclusion_items(rule, code_ids=()):
    """The items an exclusion rule rules out, each with the code id it sends them to (or None):
    ``"Gäller inte X (competence) när Y nämns, och inte Z."`` gives [("X", "competence"), ("Z", None)].
    """
    items = []
    for part in _EXCLUSION_ITEM.split(rule or "")[1:]:
        named = [ref.strip() for ref in _REFERENCE.findall(part) if ref.strip() in code_ids]
        text = _REFERENCE.sub(lambda m: "" if m.group(1).strip() in code_ids else m.group(0), part)
        text = _CONDITION.sub("", text).strip(" ,.;")
        text = re.sub(r"\s+", " ", text)
        if len(text) >= MIN_ITEM_CHARS:
            items.append((text, named[0] if named else None))
    return items


def _items(description):
    """The items of a description that lists them ("Förseningar, inställda turer och ...")."""
    parts = [part.strip(" .") for part in _ITEM_BREAKS.split(description or "")]
    parts = [re.sub(r"\s+", " ", part) for part in parts if len(part) >= MIN_ITEM_CHARS]
    return parts if len(parts) > 1 else []


class SemanticMatcher:
    """Scores answers and their sentences against codes by similarity to the codes' anchors.

    Parameters
    ----------
    codes : list of Code
    embedder : Embedder
    exclusion_weight : float
        How much of the lead of a code's closest exclusion item over its own prose is taken off
        a sentence's similarity to the code.
    """

    def __init__(self, codes, embedder, exclusion_weight=1.0):
        self.codes = list(codes)
        self.embedder = embedder
        self.exclusion_weight = exclusion_weight

    def __getstate__(self):
        """Pickle without the embedder: scoring needs only the anchor vectors and statistics."""
        return {**self.__dict__, "embedder": None}

    def fit(self, answer_vectors, sentence_vectors=None):
        """Embed the anchors and learn each code's similarity level and spread, for whole
        answers and for sentences."""
        self.anchors_ = [anchor for code in self.codes for anchor in code_anchors(code, self.codes)]
        self.anchor_vectors_ = self.embedder.embed([a.text for a in self.anchors_], kind="query")
        self.anchor_codes_ = np.array([a.code_id for a in self.anchors_])
        self.negative_ = np.array([a.kind == "exclusion" for a in self.anchors_])
        positives = self.anchor_vectors_[~self.negative_]
        self.answer_level_ = _level(self.raw_similarity(np.vstack([answer_vectors, positives])))
        if sentence_vectors is None or not len(sentence_vectors):
            sentence_vectors = answer_vectors
        self.sentence_level_ = _level(self.raw_similarity(np.vstack([sentence_vectors, positives])))
        return self

    def raw_similarity(self, vectors):
        """Per vector and code, the mean cosine similarity to the code's closest positive anchors,
        less the lead of its closest exclusion item: shape (n, codes)."""
        similarities = vectors @ self.anchor_vectors_.T
        columns = []
        for code in self.codes:
            own = self.anchor_codes_ == code.id
            positive = np.sort(similarities[:, own & ~self.negative_], axis=1)[:, ::-1][:, :TOP_ANCHORS]
            score = positive.mean(axis=1)
            if (own & self.negative_).any():
                excluded = similarities[:, own & self.negative_].max(axis=1)
                score = score - self.exclusion_weight * np.maximum(0.0, excluded - positive[:, 0])
            columns.append(score)
        return np.stack(columns, axis=1)

    def score(self, vectors, sentence_vectors=None, sentence_rows=None):
        """The mean of the standardised, answer-centred similarity of each answer and that of its
        best sentence: shape (n, codes), about N(0, 1)."""
        whole = _standardised(self.raw_similarity(vectors), self.answer_level_)
        if sentence_vectors is None or not len(sentence_vectors):
            return whole
        per_sentence = _standardised(self.raw_similarity(sentence_vectors), self.sentence_level_)
        best = np.full_like(whole, -np.inf)
        np.maximum.at(best, np.asarray(sentence_rows), per_sentence)
        best = np.where(np.isfinite(best), best, whole)
        return (whole + best) / 2

    def nearest_anchor(self, vector, code_id):
        """The positive anchor of ``code_id`` most similar to ``vector``, and the similarity."""
        mask = (self.anchor_codes_ == code_id) & ~self.negative_
        similarities = self.anchor_vectors_[mask] @ vector
        best = int(np.argmax(similarities))
        anchor = [a for a, keep in zip(self.anchors_, mask) if keep][best]
        return anchor, float(similarities[best])

    def positive_anchor_vectors(self, code_id):
        """The vectors of the anchors that speak for ``code_id`` (not its exclusions)."""
        return self.anchor_vectors_[(self.anchor_codes_ == code_id) & ~self.negative_]


def _level(similarities):
    return similarities.mean(axis=0), similarities.std(axis=0) + 1e-6


def _standardised(similarities, level):
    mean, std = level
    standardised = (similarities - mean) / std
    return standardised - standardised.mean(axis=1, keepdims=True)
