"""Embedders: one interface, the offline default (multilingual E5) and any local
sentence-transformers folder, with an on-disk cache by content hash."""
from qualcode.embed.base import ANSWER_KIND, Embedder, normalise_rows
from qualcode.embed.cache import CachedEmbedder, cache_dir
from qualcode.errors import InputError

DEFAULT = "e5"
ST_PREFIX = "sentence-transformers:"

_loaded = {}


def get_embedder(spec="default", cache=True):
    """Return the embedder named by ``spec``, built once per process.

    ``spec`` is ``"default"`` or ``"e5"`` (multilingual-e5-small, offline, in the default
    install) or ``"sentence-transformers:PATH"`` (a model folder on disk; needs the ``st`` extra).
    An embedder object (anything with ``embed(texts, kind)``) is returned as it is.
    """
    if not isinstance(spec, str):
        return spec
    key = (spec, cache)
    if key not in _loaded:
        embedder = _build(spec)
        _loaded[key] = CachedEmbedder(embedder) if cache else embedder
    return _loaded[key]


def is_default(spec):
    """Whether ``spec`` names the offline default embedder."""
    return spec in ("default", DEFAULT)


def _build(spec):
    if is_default(spec):
        from qualcode.embed.e5 import E5Embedder

        return E5Embedder()
    if spec.startswith(ST_PREFIX):
        from qualcode.embed.sentence_transformers import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(spec[len(ST_PREFIX):])
    raise InputError(
        f"--embedder {spec}: unknown embedder; use 'default' (offline multilingual E5) "
        "or 'sentence-transformers:PATH' with a model folder on disk"
    )


__all__ = ["ANSWER_KIND", "Embedder", "CachedEmbedder", "cache_dir", "get_embedder", "is_default", "normalise_rows"]
