"""Fast mode's semantic signal: answers as weighted means of static word vectors.

An answer's vector is the smooth-inverse-frequency weighted mean of the vectors of its content
words (`qualcode.embed.static`), looked up by folded lemma, else by folded form, else as the
mean of its compound parts (`kvällsbussen` -> kväll, buss). Words of the codebook the table
lacks are embedded once by the teacher model when fitting. It is an
:class:`~qualcode.embed.Embedder`, so :class:`~qualcode.coding.semantic.SemanticMatcher`
scores with it as with E5; :meth:`StaticEmbedder.vectors` takes answers analysed already.
"""
import hashlib

import numpy as np
from scipy import sparse

from qualcode.cache import blob_store
from qualcode.coding.analysed import analyse_answers
from qualcode.embed import Embedder, get_embedder, normalise_rows
from qualcode.embed.cache import cached_vector
from qualcode.embed.static import model_fingerprint, sif_weights, static_table


class StaticEmbedder(Embedder):
    """Static word vectors distilled from ``teacher`` over the lemmas of the
    ``vocabulary_size`` most frequent Swedish words (see :mod:`qualcode.embed.static`)."""

    name = "static"

    def __init__(self, teacher="default", vocabulary_size=None):
        self.teacher = teacher
        self.vocabulary_size = vocabulary_size

    def fit(self, texts=(), lemmas=()):
        """Load the table and add the words it lacks of ``texts`` (the codebook's) and of
        ``lemmas``, (folded lemma, lemma) pairs (its keywords')."""
        table = static_table(self.teacher, self.vocabulary_size)
        self.index_, vectors, weights = dict(table.index), [table.vectors], [table.weights]
        words = [(w.folded_lemma, w.lemma) for answer in analyse_answers(list(texts)) for w in answer.words
                 if not w.is_stop]
        missing = {}
        for folded_lemma, lemma in [*words, *lemmas]:
            if folded_lemma not in self.index_ and lemma.isalpha():
                missing.setdefault(folded_lemma, lemma)
        if missing:
            raw = self._teacher_vectors(list(missing.values()), len(table.mean))
            self.index_.update({key: len(self.index_) + i for i, key in enumerate(missing)})
            vectors.append(table.project(raw))
            weights.append(sif_weights(missing.values()))
        self.vectors_ = np.vstack(vectors)
        self.weights_ = np.concatenate(weights)
        self.dim = self.vectors_.shape[1]
        self._rows = {}
        return self

    def _teacher_vectors(self, words, dim):
        """The teacher's vectors of ``words``, kept in the cache folder under the teacher's name,
        its model's version and the word: building the teacher (10 s for torch on a busy machine) is skipped when
        every word was embedded before."""
        store = blob_store("static-words.sqlite")
        teacher = f"{self.teacher}\0{model_fingerprint(self.teacher)}"  # the model's version, not only its name
        keys = [hashlib.blake2b(f"{teacher}\0{word}".encode(), digest_size=16).digest() for word in words]
        found = store.get_many(keys, decode=lambda key, blob: cached_vector(blob, dim))  # a damaged entry is a miss
        missing = [(key, word) for key, word in zip(keys, words) if key not in found]
        if missing:
            raw = get_embedder(self.teacher).embed([word for _, word in missing], kind="query")
            found.update((key, vector) for (key, _), vector in zip(missing, raw))
            store.put_many([(key, vector.astype(np.float32).tobytes()) for (key, _), vector in zip(missing, raw)])
        return np.vstack([found[key] for key in keys])

    def vectors(self, answers):
        """The (answers x dim) unit vectors of analysed ``answers`` (zero rows without known words)."""
        indptr, indices, data = [0], [], []
        for answer in answers:
            for word in answer.words:
                if not word.is_stop:
                    rows, weights = self._word_rows(word)
                    indices += rows
                    data += weights
            indptr.append(len(indices))
        matrix = sparse.csr_matrix((np.array(data, dtype=np.float32), np.array(indices, dtype=np.int64),
                                    np.array(indptr, dtype=np.int64)), shape=(len(answers), len(self.vectors_)))
        return normalise_rows(matrix @ self.vectors_)

    def _word_rows(self, word):
        """(rows, weights) of one word: its lemma's or form's row, else its parts' rows."""
        key = (word.folded_lemma, word.folded, word.parts)
        found = self._rows.get(key)
        if found is None:
            row = self.index_.get(word.folded_lemma, self.index_.get(word.folded))
            rows = [row] if row is not None else [self.index_[p] for p in word.parts if p in self.index_]
            found = self._rows[key] = (rows, [float(self.weights_[r]) / len(rows) for r in rows])
        return found

    def _embed(self, texts, kind):
        return self.vectors(analyse_answers(texts))
