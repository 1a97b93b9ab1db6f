"""An on-disk cache of embeddings keyed by the content hash of (embedder, kind, text).

Re-coding after a codebook edit embeds nothing new: the answers' vectors come from here.
The cache is one SQLite file per embedder in ``QUALCODE_CACHE_DIR`` (default
``~/.cache/qualcode``); deleting the folder clears it.
"""
import hashlib
import sqlite3
from pathlib import Path

import numpy as np

from qualcode.cache import cache_dir
from qualcode.embed.base import Embedder

LOOKUP_CHUNK = 500  # SQLite limits the number of parameters in one query


def text_key(embedder_name, kind, text):
    """The cache key of one text: a SHA-1 over embedder name, kind and text."""
    return hashlib.sha1(f"{embedder_name}\0{kind}\0{text}".encode("utf-8")).hexdigest()


class CachedEmbedder(Embedder):
    """Wraps an embedder; vectors already computed are read back instead of recomputed."""

    def __init__(self, inner, folder=None):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.path = Path(folder or cache_dir()) / f"embeddings-{hashlib.sha1(inner.name.encode()).hexdigest()[:12]}.sqlite"
        self._connection = None

    def _db(self):
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(self.path)
            self._connection.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")
        return self._connection

    def _embed(self, texts, kind):
        keys = [text_key(self.name, kind, text) for text in texts]
        found = self._lookup(set(keys))
        missing = list(dict.fromkeys(key for key in keys if key not in found))
        if missing:
            text_of = dict(zip(keys, texts))
            vectors = self.inner.embed([text_of[key] for key in missing], kind=kind)
            self._store(missing, vectors)
            found.update(zip(missing, vectors))
        return np.vstack([found[key] for key in keys])

    def _lookup(self, keys):
        keys = list(keys)
        found = {}
        for start in range(0, len(keys), LOOKUP_CHUNK):
            chunk = keys[start:start + LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db().execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk)
            found.update((key, np.frombuffer(blob, dtype=np.float32)) for key, blob in rows)
        return found

    def _store(self, keys, vectors):
        rows = [(key, np.asarray(vector, dtype=np.float32).tobytes()) for key, vector in zip(keys, vectors)]
        with self._db():
            self._db().executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
