"""An on-disk cache of embeddings keyed by the content hash of (embedder identity, kind, text).

Re-coding after a codebook edit embeds nothing new: the answers' vectors come from here.
The cache is one :class:`qualcode.cache.BlobStore` file per embedder in the cache folder
(``QUALCODE_CACHE_DIR``, default ``~/.cache/qualcode``); deleting the folder clears it.
"""
import hashlib
from pathlib import Path

import numpy as np

from qualcode.cache import BlobStore, blob_store, cache_dir
from qualcode.embed.base import Embedder


def text_key(embedder_identity, kind, text):
    """The cache key of one text: a SHA-1 over the embedder's identity (model and version), kind and text."""
    return hashlib.sha1(f"{embedder_identity}\0{kind}\0{text}".encode("utf-8", "surrogatepass")).digest()


class CachedEmbedder(Embedder):
    """Wraps an embedder; vectors already computed are read back instead of recomputed."""

    def __init__(self, inner, folder=None):
        self.inner = inner
        self.name = inner.name
        self._identity = getattr(inner, "identity", inner.name)  # any object with embed() and a name
        self.dim = inner.dim
        file_name = f"vectors-{hashlib.sha1(self.identity.encode()).hexdigest()[:12]}.sqlite"
        self._store = BlobStore(Path(folder) / file_name) if folder else None
        self._file_name = file_name

    def cached(self, texts, kind="passage"):
        """Those of ``texts`` whose ``kind`` embedding is in the cache (nothing is embedded)."""
        keys = {text_key(self.identity, kind, text): text for text in texts}
        return {keys[key] for key in self._vectors().present(keys)}

    def _embed(self, texts, kind):
        keys = [text_key(self.identity, kind, text) for text in texts]
        found = self._vectors().get_many(keys, decode=lambda key, blob: cached_vector(blob, self.dim))
        missing = list(dict.fromkeys(key for key in keys if key not in found))
        if missing:
            text_of = dict(zip(keys, texts))
            vectors = np.asarray(self.inner.embed([text_of[key] for key in missing], kind=kind), dtype=np.float32)
            self._vectors().put_many([(key, vector.tobytes()) for key, vector in zip(missing, vectors)])
            found.update(zip(missing, vectors))
        return np.vstack([found[key] for key in keys])

    def _vectors(self):
        return self._store or blob_store(self._file_name)


def cached_vector(blob, dim):
    """A cached vector; ValueError for one that is not ``dim`` float32 values (a damaged entry)."""
    vector = np.frombuffer(blob, dtype=np.float32)
    if vector.shape != (dim,):
        raise ValueError(f"a cached vector of {vector.size} values, not {dim}")
    return vector


__all__ = ["CachedEmbedder", "cache_dir", "cached_vector", "text_key"]
