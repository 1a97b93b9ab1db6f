"""How answers resemble each other: the vectors behind "apply to similar" and the diversity of
the informative order.

A project coded in accurate mode keeps the embedder's vectors of its answers (read back from
the embedding cache coding filled); otherwise, latent semantic analysis over the terms of fast
coding (the answers' content lemmas and compound parts, as ``discover --mode fast``), so that
inflections and compounds meet. Vectors are stored as float16 rows of length 1.
"""
import re
import unicodedata

import numpy as np

from qualcode.language import fold

LSA_COMPONENTS = 64
LSA_SAMPLE = 20_000
CHUNK = 5000
_WORD = re.compile(r"[^\W_]+")


def duplicate_key(text):
    """The text reduced to its words, case and diacritics folded: answers with the same key are
    exact duplicates ("Vet ej.", "vet ej", "VET EJ!")."""
    return " ".join(_WORD.findall(fold(unicodedata.normalize("NFC", text))))


def embedder_vectors(texts, embedder):
    """Rows of length 1 from ``embedder`` (a name for :func:`qualcode.embed.get_embedder`), chunk by chunk."""
    from qualcode.embed import ANSWER_KIND, get_embedder

    embed = get_embedder(embedder)
    return np.concatenate([embed.embed(texts[start:start + CHUNK], kind=ANSWER_KIND).astype(np.float16)
                           for start in range(0, len(texts), CHUNK)]) if texts else None


def lsa_vectors(texts, components=LSA_COMPONENTS, seed=0, sample_size=LSA_SAMPLE):
    """Latent semantic analysis of ``texts`` over the terms of fast coding, rows of length 1;
    None when no term occurs often enough to tell answers apart. The vocabulary and the SVD are
    fitted on a seeded sample of at most ``sample_size`` answers (on 100,000 answers this took
    48 s against 237 s for an SVD of all of them), then every answer is transformed chunk by
    chunk, its analysis read from the cache where coding left it."""
    from sklearn.decomposition import TruncatedSVD

    from qualcode.coding.lemma_features import lemma_vectorizer
    from qualcode.embed import normalise_rows

    sample = np.sort(np.random.default_rng(seed).permutation(len(texts))[:sample_size])
    vectorizer = lemma_vectorizer(len(sample))
    try:
        weights = vectorizer.fit_transform(_terms([texts[i] for i in sample]))
    except ValueError:   # no term at all
        return None
    size = min(components, weights.shape[1] - 1, len(sample) - 1)
    if size < 1:
        return None
    svd = TruncatedSVD(n_components=size, random_state=seed).fit(weights)
    return np.concatenate([normalise_rows(svd.transform(vectorizer.transform(_terms(texts[start:start + CHUNK]))))
                           .astype(np.float16) for start in range(0, len(texts), CHUNK)])


def _terms(texts):
    """The terms LSA sees in each text (those of ``discover --mode fast``), analysed chunk by chunk."""
    from qualcode.coding.analysed import analyse_answers
    from qualcode.discover.embedding import unit_words

    return [unit_words(answer) for start in range(0, len(texts), CHUNK)
            for answer in analyse_answers(texts[start:start + CHUNK])]


def similarities(vectors, position, rows=20_000):
    """Cosine similarity of every answer to the answer at ``position`` (float32, computed in
    blocks so that float16 vectors are widened a block at a time)."""
    target = vectors[position].astype(np.float32)
    return np.concatenate([vectors[start:start + rows].astype(np.float32) @ target
                           for start in range(0, len(vectors), rows)])


def similar_answers(project, position, cutoff=0.8, limit=100, exclude=()):
    """The answers most like the one at ``position``: its exact duplicates first (similarity 1),
    then the nearest by vector with similarity at least ``cutoff``; at most ``limit``, leaving
    out ``exclude``. Returns ``[(position, similarity, exact)]``."""
    exclude = set(exclude) | {position}
    exact = [p for p in project.duplicates(position) if p not in exclude]
    found = [(p, 1.0, True) for p in exact[:limit]]
    if project.vectors is None or len(found) >= limit:
        return found
    scores = similarities(project.vectors, position)
    taken = set(exact) | exclude
    for p in np.argsort(-scores, kind="stable"):
        if scores[p] < cutoff or len(found) >= limit:
            break
        if int(p) not in taken:
            found.append((int(p), float(min(scores[p], 1.0)), False))
    return found
