"""The one embedder interface every semantic step goes through."""
from abc import ABC, abstractmethod

import numpy as np

KINDS = ("query", "passage")
# Answers, like codebook texts, are embedded on the query side: E5's authors use it for
# symmetric tasks (similarity, clustering), and answers are compared with short descriptions.
# In discovery on the development set it gives themes closer to the gold codes (NMI 0.28 vs
# 0.21 for the passage side, k = 10).
ANSWER_KIND = "query"


class Embedder(ABC):
    """Turns texts into L2-normalised float32 vectors.

    ``kind`` tells asymmetric models (such as E5) which side of the model a text goes
    through (``"query"`` or ``"passage"``; see :data:`ANSWER_KIND`); symmetric models ignore it.
    ``identity`` is what the embedding cache keys vectors by: the name and the model's version
    (a hash of its weights), so that vectors of two models, or of two versions of one, never mix.
    """

    name: str
    dim: int

    @property
    def identity(self):
        """The model's identity and version for the cache (the name where nothing better is known)."""
        return getattr(self, "_identity", None) or self.name

    def embed(self, texts, kind="passage"):
        """Embed ``texts`` (a list of str) into an array of shape ``(len(texts), dim)``."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise_rows(self._embed(texts, kind))

    @abstractmethod
    def _embed(self, texts, kind):
        """Embed a non-empty list of texts; rows need not be normalised."""


def normalise_rows(vectors):
    """Return ``vectors`` as float32 with every non-zero row scaled to unit length."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms
