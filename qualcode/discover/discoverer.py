"""ThemeDiscoverer: embed -> reduce -> cluster -> represent, each part swappable."""
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA

from qualcode.coding.analysed import analyse_answers
from qualcode.discover.cluster import AutoKMeans, centroids, distances, merge_near, small_to_noise, split_large, themed_labels
from qualcode.discover.embedding import TextEmbedding
from qualcode.discover.represent import class_tfidf, distinct_terms, representative, short_name
from qualcode.discover.units import specificity, split_units

PCA_COMPONENTS = 20
OUTLIER_QUANTILE = 0.9  # units farther from their centre than 90% of all units are unthemed
MAX_SHARE = 0.15        # a theme with more of the units is split (see split_large)
MIN_ANSWERS = 3         # a theme holds units of at least this many answers


@dataclass(frozen=True)
class Theme:
    """One discovered theme; ``quotes`` and ``members`` are indices into ``units_``."""

    id: int
    name: str
    terms: tuple
    size: int
    answers: int
    members: tuple
    quotes: tuple


class ThemeDiscoverer(BaseEstimator):
    """Clusters answers (or their sentences) into themes with Swedish labels.

    Parameters
    ----------
    embedder : str, Embedder or embedding part
        A name for :func:`qualcode.embed.get_embedder`, an object with ``embed(texts, kind)``
        (both embed the units' texts through :class:`~qualcode.discover.embedding.TextEmbedding`),
        or a part with ``fit_transform(units)`` such as
        :class:`~qualcode.discover.embedding.LsaEmbedding`.
    n_clusters : int or "auto"
        The number of themes, every unit in one; ``"auto"`` lets :class:`AutoKMeans` choose a
        k by silhouette and applies the rules below, which leave units out.
    unit : "answer" or "sentence"
        What is clustered; long answers often hold several themes.
    reducer : "pca", transformer or None
        Applied to the embeddings before clustering; "pca" is a seeded PCA to 20 dimensions
        (where silhouettes are less flat than in 384), None clusters the embeddings as they are.
    clusterer : clusterer, "hdbscan" or None
        Any scikit-learn clusterer (its -1 labels are noise); "hdbscan" is scikit-learn's
        HDBSCAN; None means k-means with ``n_clusters`` (or AutoKMeans).
    outlier_quantile : float or None
        A unit farther from every theme's centre than this quantile of the units' distances to
        their own centres is unthemed (label -1); None keeps every unit.
    min_answers : int
        A cluster of units from fewer answers is no theme: its units join a theme they are
        near, or stay unthemed.
    max_share : float or None
        A theme of more than this share of the units (and more than ``min_answers``) is split
        in two, again until none is: no catch-all theme. None never splits.
    merge : bool
        Merge clusters whose centres are closer than their units are to them (near-duplicate
        themes) before the rules above. Off by default: on the second dev set it finds fewer
        removed codes (``python bench/discover.py removed``).
    n_terms, n_quotes : int
        Terms and representative quotes kept per theme.
    random_state : int
        Seeds every random step: the same seed gives the same themes.

    Learned attributes: ``answers_`` (the analysed texts), ``units_``, ``embeddings_``,
    ``labels_`` (theme per unit, largest theme first, -1 unthemed), ``distances_``, ``cluster_centers_``,
    ``n_clusters_``, ``themes_``, ``terms_`` (display form of each term key) and ``map_``
    (2-D coordinates for a plot).
    """

    def __init__(self, embedder="default", n_clusters="auto", unit="answer", reducer="pca",
                 clusterer=None, outlier_quantile=OUTLIER_QUANTILE, min_answers=MIN_ANSWERS, max_share=MAX_SHARE, merge=False, n_terms=8,
                 n_quotes=5, random_state=0):
        self.embedder = embedder
        self.n_clusters = n_clusters
        self.unit = unit
        self.reducer = reducer
        self.clusterer = clusterer
        self.outlier_quantile = outlier_quantile
        self.min_answers = min_answers
        self.max_share = max_share
        self.merge = merge
        self.n_terms = n_terms
        self.n_quotes = n_quotes
        self.random_state = random_state

    def fit(self, texts, y=None, analysed=None):
        """Discover the themes of ``texts`` (a list of str).

        ``analysed``, when given, holds each text's
        :class:`~qualcode.coding.analysed.AnalysedAnswer` as coding made it
        (:attr:`CodingResult.answers <qualcode.coding.CodingResult>`): nothing is analysed again.
        """
        texts = list(texts)
        if analysed is not None and [a.text for a in analysed] != [t if isinstance(t, str) else "" for t in texts]:
            raise ValueError("analysed must hold the analyses of texts, in their order")
        self.answers_ = list(analysed) if analysed is not None else analyse_answers(texts)
        self.units_, self.terms_ = split_units(self.answers_, self.unit)
        if len(self.units_) < 2:
            raise ValueError("discovering themes needs at least 2 non-empty texts")
        unit_texts = [unit.text for unit in self.units_]
        self.embeddings_ = self._embedding().fit_transform(self.units_)
        space = self._reduce(self.embeddings_)
        self.labels_ = _by_size(self._themed(self._clusterer().fit_predict(space)))
        self.n_clusters_ = int(self.labels_.max()) + 1
        self.cluster_centers_ = centroids(self.embeddings_, self.labels_, self.n_clusters_, self.labels_ >= 0)
        self.distances_ = distances(self.embeddings_, self.labels_, self.cluster_centers_)
        self.themes_ = self._themes(unit_texts)
        self.map_ = _plane(self.embeddings_, self.random_state)
        return self

    def _themed(self, labels):
        """The clusterer's labels with -1 for unthemed units: far from every theme, or left in a
        theme of fewer than ``min_answers`` answers (see :func:`themed_labels`); a theme of more
        than ``max_share`` of the units is split. A number of themes asked for is kept as it is."""
        if self.n_clusters != "auto" and self.clusterer is None:
            return np.asarray(labels)
        groups = [unit.answer for unit in self.units_]
        # in very few answers a theme may hold more than max_share: it must hold min_answers
        largest = len(labels) if self.max_share is None else max(self.max_share * len(labels), self.min_answers)
        if self.merge:
            labels = merge_near(self.embeddings_, labels, largest)
        labels = themed_labels(self.embeddings_, labels, groups, self.outlier_quantile, self.min_answers)
        if self.max_share is None or not (labels >= 0).any():
            return labels
        labels = split_large(self.embeddings_, labels, largest, self.random_state)
        return small_to_noise(labels, groups, self.min_answers)

    def _embedding(self):
        return self.embedder if hasattr(self.embedder, "fit_transform") else TextEmbedding(self.embedder)

    def _reduce(self, vectors):
        if self.reducer is None:
            return vectors
        if self.reducer == "pca":
            components = min(PCA_COMPONENTS, len(vectors) - 1, vectors.shape[1])
            return PCA(n_components=components, random_state=self.random_state).fit_transform(vectors)
        return self.reducer.fit_transform(vectors)

    def _clusterer(self):
        if self.clusterer == "hdbscan":
            from sklearn.cluster import HDBSCAN

            return HDBSCAN(min_cluster_size=max(self.min_answers, len(self.units_) // 50))
        if self.clusterer is not None:
            return self.clusterer
        if self.n_clusters == "auto":
            return AutoKMeans(random_state=self.random_state)
        k = min(int(self.n_clusters), len(self.units_))
        return KMeans(n_clusters=k, n_init=3, random_state=self.random_state)

    def _themes(self, unit_texts):
        # the unthemed units take part as one more class: their words are not distinctive of a theme
        unthemed = np.where(self.labels_ >= 0, self.labels_, self.n_clusters_)
        ranked = class_tfidf([unit.terms for unit in self.units_], unthemed, self.n_clusters_ + 1,
                             weight=lambda term: specificity(self.terms_[term]))[:self.n_clusters_]
        themes = []
        for cluster, terms in enumerate(ranked):
            members = np.flatnonzero(self.labels_ == cluster)
            quotes = representative(members, self.embeddings_, self.cluster_centers_[cluster],
                                    unit_texts, self.n_quotes)
            themes.append(Theme(
                id=cluster,
                name=short_name(terms, self.terms_) or f"tema {cluster + 1}",
                terms=distinct_terms(terms, self.terms_, self.n_terms),
                size=len(members),
                answers=len({self.units_[i].answer for i in members}),
                members=tuple(int(i) for i in members),
                quotes=tuple(quotes),
            ))
        return themes


def _plane(vectors, random_state):
    """2-D coordinates for the map: PCA, padded with zeros for vectors of fewer dimensions."""
    dimensions = min(2, *vectors.shape)
    plane = PCA(n_components=dimensions, random_state=random_state).fit_transform(vectors)
    return np.hstack([plane, np.zeros((len(vectors), 2 - dimensions))])


def _by_size(labels):
    """Renumber clusters 0..k-1 from the largest to the smallest (ties by old number); -1 stays."""
    labels = np.asarray(labels)
    sizes = np.bincount(labels[labels >= 0], minlength=1)
    order = sorted(np.flatnonzero(sizes), key=lambda c: (-sizes[c], c))
    mapping = np.full(len(sizes), -1, dtype=int)
    mapping[order] = np.arange(len(order))
    return np.where(labels >= 0, mapping[np.maximum(labels, 0)], -1)
