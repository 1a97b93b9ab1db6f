"""The one embedder interface every semantic step goes through."""
from abc import ABC, abstractmethod

import numpy as np

KINDS = ("query", "passage")


class Embedder(ABC):
    """Turns texts into L2-normalised float32 vectors.

    ``kind`` tells asymmetric models (such as E5) whether a text is a short query-like
    description (``"query"``) or an answer (``"passage"``); symmetric models ignore it.
    """

    name: str
    dim: int

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
