"""Semantic matching: how close an answer is to what a code's description, inclusion rule and
examples say, judged by an embedder and made comparable across codes.

Raw cosine similarities from E5-style models crowd into a narrow band (0.75-0.9) and differ in
level from code to code, so each code's similarities are standardised over the corpus being
coded (plus the codebook's own anchor texts, which keep small corpora stable), then centred per
answer: what counts is how much *more* an answer resembles this code than the others.
"""
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Anchor:
    """A codebook text an answer is compared with."""

    code_id: str
    kind: str  # "description", "include" or "example"
    text: str


def code_anchors(code):
    """The anchor texts of one code: label with description, inclusion rule, examples."""
    anchors = [Anchor(code.id, "description", f"{code.label}: {code.description}".strip())]
    if code.include:
        anchors.append(Anchor(code.id, "include", code.include))
    anchors.extend(Anchor(code.id, "example", example) for example in code.examples)
    return anchors


class SemanticMatcher:
    """Scores answers against codes by similarity to the codes' anchor texts."""

    def __init__(self, codes, embedder):
        self.codes = list(codes)
        self.embedder = embedder

    def __getstate__(self):
        """Pickle without the embedder: scoring needs only the anchor vectors and statistics."""
        return {**self.__dict__, "embedder": None}

    def fit(self, answer_vectors):
        """Embed the anchors and learn each code's similarity level and spread."""
        self.anchors_ = [anchor for code in self.codes for anchor in code_anchors(code)]
        self.anchor_vectors_ = self.embedder.embed([a.text for a in self.anchors_], kind="query")
        self.anchor_codes_ = np.array([a.code_id for a in self.anchors_])
        reference = np.vstack([answer_vectors, self.anchor_vectors_])
        similarities = self.raw_similarity(reference)
        self.mean_ = similarities.mean(axis=0)
        self.std_ = similarities.std(axis=0) + 1e-6
        return self

    def raw_similarity(self, vectors):
        """Mean cosine similarity of each vector to each code's anchors: shape (n, codes)."""
        all_similarities = vectors @ self.anchor_vectors_.T
        return np.stack([all_similarities[:, self.anchor_codes_ == code.id].mean(axis=1)
                         for code in self.codes], axis=1)

    def score(self, vectors):
        """Standardised, answer-centred similarity: shape (n, codes), about N(0, 1)."""
        standardised = (self.raw_similarity(vectors) - self.mean_) / self.std_
        return standardised - standardised.mean(axis=1, keepdims=True)

    def nearest_anchor(self, vector, code_id):
        """The anchor of ``code_id`` most similar to ``vector``, and the similarity."""
        mask = self.anchor_codes_ == code_id
        similarities = self.anchor_vectors_[mask] @ vector
        best = int(np.argmax(similarities))
        anchor = [a for a in self.anchors_ if a.code_id == code_id][best]
        return anchor, float(similarities[best])
