"""The answers the coder learns from when the corpus is too large to learn from all of it.

A uniform random sample of ``size`` rows, drawn in one pass with bounded memory and the same
for a given seed however the rows are chunked: each row gets a pseudo-random key from its row
number and the seed (SplitMix64), and the rows with the ``size`` smallest keys are kept, in
row order. A corpus of at most ``size`` rows is its own sample, in order.
"""
import numpy as np

MASK = np.uint64(2**64 - 1)


class Sampler:
    """Collects a sample of texts while chunks of rows go by."""

    def __init__(self, size, seed=0):
        self.size = size
        self.seed = seed
        self._rows = np.zeros(0, dtype=np.int64)
        self._keys = np.zeros(0, dtype=np.uint64)
        self._texts = []

    def add(self, first_row, texts):
        """Offer ``texts``, the rows numbered ``first_row``, ``first_row + 1``, ... (from 0)."""
        rows = np.concatenate([self._rows, np.arange(first_row, first_row + len(texts), dtype=np.int64)])
        keys = np.concatenate([self._keys, row_keys(rows[len(self._rows):], self.seed)])
        texts = self._texts + list(texts)
        if len(rows) > self.size:
            kept = np.sort(np.argpartition(keys, self.size - 1)[:self.size])
            rows, keys, texts = rows[kept], keys[kept], [texts[i] for i in kept]
        self._rows, self._keys, self._texts = rows, keys, texts

    @property
    def texts(self):
        """The sampled texts, in row order."""
        return list(self._texts)


def row_keys(rows, seed):
    """SplitMix64 of (seed, row): distinct rows get distinct, uniformly spread keys."""
    with np.errstate(over="ignore"):
        z = (rows.astype(np.uint64) + np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15)) & MASK
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))
