"""Lemma features: TF-IDF over an answer's content lemmas and compound parts.

They stand in for embeddings in fast mode. The vectoriser is fitted on the corpus (or the
sample) coded; each chunk it transforms is cached on disk under a hash of the fitted
vocabulary and of the chunk's texts, so re-coding after a codebook edit transforms nothing.
"""
import hashlib
import io

from scipy import sparse

from qualcode.cache import blob_store
from qualcode.coding.analysed import analysis_fingerprint, corpus_key

SMALL_CORPUS = 100  # from this many documents on, a word must occur in two of them to count


def lemma_vectorizer(n_documents=None):
    """A TF-IDF vectoriser for lists of terms (see :func:`content_terms`): sublinear term
    frequency, and in corpora of ``SMALL_CORPUS`` documents or more only words met twice
    (a word met once cannot carry a code, or a theme, to another answer). Without
    ``n_documents`` every term counts (labelled examples, where one answer is evidence)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    min_df = 2 if n_documents is not None and n_documents >= SMALL_CORPUS else 1
    return TfidfVectorizer(analyzer=_identity, min_df=min_df, sublinear_tf=True)


def content_terms(words):
    """The terms of analysed ``words``: folded lemmas of the content words and compound parts."""
    return [w.folded_lemma for w in words if not w.is_stop] + [p for w in words for p in w.parts]


class LemmaFeatures:
    """Fit on analysed answers, then transform analysed answers into a sparse TF-IDF matrix."""

    def fit_transform(self, answers):
        """Fit on ``answers``; their matrix, or None when they hold no content word at all."""
        documents = [content_terms(answer.words) for answer in answers]
        if not any(documents):
            return None
        self.vectorizer_ = lemma_vectorizer(len(documents))
        matrix = self.vectorizer_.fit_transform(documents)
        state = repr((analysis_fingerprint(), sorted(self.vectorizer_.vocabulary_.items())))
        self.key_ = hashlib.blake2b(state.encode() + self.vectorizer_.idf_.tobytes(), digest_size=16).digest()
        return matrix

    def transform(self, answers, cache=True):
        """The TF-IDF matrix of ``answers`` (read from the cache when it was made before)."""
        store = blob_store("lemma-features.sqlite") if cache else None
        key = self.key_ + corpus_key(answers)
        shape = (len(answers), len(self.vectorizer_.vocabulary_))
        stored = store.get_many([key], decode=lambda _, blob: _matrix(blob, shape)).get(key) if store else None
        if stored is not None:
            return stored
        matrix = self.vectorizer_.transform([content_terms(answer.words) for answer in answers])
        if store:
            buffer = io.BytesIO()
            sparse.save_npz(buffer, matrix, compressed=False)
            store.put_many([(key, buffer.getvalue())])
        return matrix


def _matrix(blob, shape):
    """A cached matrix; ValueError for one that is not of ``shape`` (a damaged cache entry)."""
    matrix = sparse.load_npz(io.BytesIO(blob))
    if matrix.shape != shape:
        raise ValueError(f"a cached matrix of shape {matrix.shape}, not {shape}")
    return matrix


def _identity(tokens):
    return tokens
