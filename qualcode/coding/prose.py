"""Prose overlap: the content words an answer shares with a code's prose (label, description,
inclusion rule, examples) and keywords, as lemmas and compound parts.

A sparse codebook names few keywords, but its description and examples hold many more words
of the theme ("ståplatser", "väderskydd", "bänkar"); an answer that uses them, inflected or
inside a compound, leans towards the code even where the embedder misses it. Each shared word
counts by its rarity in the corpus (IDF) and is divided among the codes whose prose holds it;
the sums are standardised per code over the corpus and centred per answer, like similarity.
"""
import numpy as np
from scipy import sparse


def content_words(answer):
    """The folded lemmas and compound parts of an analysed answer's non-stop words."""
    return {part for word in answer.words if not word.is_stop for part in (word.folded_lemma, *word.parts)}


class ProseOverlap:
    """Scores answers by their IDF-weighted content words in each code's vocabulary.

    Parameters
    ----------
    vocabularies : list of set of str
        Per code, the folded lemmas of its prose and keywords.
    """

    def __init__(self, vocabularies):
        self.vocabularies = vocabularies

    def fit(self, answers):
        """Learn the words' rarity and each code's overlap level and spread on ``answers``."""
        counts = {}
        for words in map(content_words, answers):
            for word in words:
                counts[word] = counts.get(word, 0) + 1
        n = max(1, len(answers))
        self.idf_ = {word: float(np.log(n / count)) for word, count in counts.items()}
        self.unseen_idf_ = float(np.log(n + 1))
        shared = {}  # per word, the number of codes whose vocabulary holds it
        for vocabulary in self.vocabularies:
            for word in vocabulary:
                shared[word] = shared.get(word, 0) + 1
        # one row per word of any code's vocabulary: its weight in each code that holds it
        self.columns_ = {word: k for k, word in enumerate(shared)}
        self.weights_ = np.zeros((len(shared), len(self.vocabularies)))
        for j, vocabulary in enumerate(self.vocabularies):
            for word in vocabulary:
                self.weights_[self.columns_[word], j] = self.idf_.get(word, self.unseen_idf_) / shared[word]
        raw = self.raw_overlap(answers)
        self.mean_ = raw.mean(axis=0) if len(raw) else np.zeros(len(self.vocabularies))
        self.std_ = (raw.std(axis=0) if len(raw) else np.zeros(len(self.vocabularies))) + 1e-6
        return self

    def raw_overlap(self, answers):
        """Per answer and code, the summed weight of the code's words in the answer."""
        rows, columns = [], []
        for i, words in enumerate(map(content_words, answers)):
            for word in words:
                column = self.columns_.get(word)
                if column is not None:
                    rows.append(i)
                    columns.append(column)
        present = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(answers), len(self.columns_)))
        return np.asarray(present @ self.weights_)

    def score(self, answers):
        """Standardised, answer-centred overlap: shape (n, codes)."""
        standardised = (self.raw_overlap(answers) - self.mean_) / self.std_
        return standardised - standardised.mean(axis=1, keepdims=True)
