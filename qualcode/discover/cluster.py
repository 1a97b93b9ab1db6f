"""Clustering parts: k-means that picks its own k, and the cluster geometry every theme needs.

Any scikit-learn clusterer with ``fit_predict`` can replace :class:`AutoKMeans` in
:class:`~qualcode.discover.ThemeDiscoverer`. Labels of -1 (HDBSCAN's noise, units far from
every centre, clusters too small to be a theme) mark units that belong to no theme: they are
listed as unthemed, never forced into a catch-all theme.
"""
import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

MIN_CLUSTER_SIZE = 2  # auto never plans for clusters smaller than this on average
SMALL = 1000          # up to this many points, k-means restarts 10 times instead of 3


class AutoKMeans(ClusterMixin, BaseEstimator):
    """k-means over a range of k, keeping the k with the best cosine silhouette.

    Silhouettes of text embeddings are flat and favour a trivial split in two, so the range
    starts at k = sqrt(scale * n) and goes up to twice it, within ``[k_min, k_max]`` (from at
    most ``k_max / 2``) and at most ``n_samples / min_cluster_size`` clusters. The clusters are
    finer than the themes: the discoverer leaves out the units far from every centre and the
    clusters of fewer than 3 answers (see :func:`themed_labels`). With that rule, ``scale=2``
    (twice the old rule of thumb sqrt(n / 2), ``scale=0.5``, ``min_cluster_size=4``) finds more
    removed codes on the second development set and as many on the first
    (``python bench/discover.py removed`` prints the comparison).
    k is chosen on at most ``sample_size`` points (drawn with ``random_state``) so that it
    stays fast on 10,000 answers; the chosen k-means is then fitted on all points.
    ``n_init="auto"`` restarts k-means 10 times on up to ``SMALL`` points, 3 times on more:
    on the small sets of uncoded answers, 10 restarts find 7-9 of 10 removed codes over
    seeds 0-3, against 5-8 with 3.
    """

    def __init__(self, k_min=2, k_max=30, scale=2.0, min_cluster_size=MIN_CLUSTER_SIZE, sample_size=3000,
                 n_init="auto", random_state=0):
        self.k_min = k_min
        self.scale = scale
        self.min_cluster_size = min_cluster_size
        self.k_max = k_max
        self.sample_size = sample_size
        self.n_init = n_init
        self.random_state = random_state

    def fit(self, X, y=None):
        """Choose k on a sample of ``X``, then cluster all of ``X``; sets ``labels_``, ``scores_``."""
        X = np.asarray(X)
        candidates = self.candidate_ks(len(X))
        sample = self._sample(X)
        self.scores_ = {k: self._score(sample, k) for k in candidates} if len(candidates) > 1 else {}
        self.n_clusters_ = max(self.scores_, key=self.scores_.get) if self.scores_ else candidates[0]
        final = self._kmeans(self.n_clusters_, len(X)).fit(X)
        self.labels_ = final.labels_
        self.cluster_centers_ = final.cluster_centers_
        return self

    def fit_predict(self, X, y=None):
        """Fit and return the cluster of every row."""
        return self.fit(X).labels_

    def candidate_ks(self, n_samples):
        """The values of k tried for ``n_samples`` points (at least one, at most n - 1)."""
        guess = np.sqrt(self.scale * n_samples)
        upper = min(self.k_max, round(2 * guess), n_samples // self.min_cluster_size, n_samples - 1)
        upper = max(upper, 1)
        lower = min(max(self.k_min, round(guess)), upper, max(self.k_max // 2, 1))
        return list(range(lower, upper + 1))

    def _kmeans(self, k, n_samples):
        restarts = self.n_init if self.n_init != "auto" else (10 if n_samples <= SMALL else 3)
        return KMeans(n_clusters=k, n_init=restarts, random_state=self.random_state)

    def _sample(self, X):
        if len(X) <= self.sample_size:
            return X
        rows = np.random.default_rng(self.random_state).choice(len(X), self.sample_size, replace=False)
        return X[np.sort(rows)]

    def _score(self, X, k):
        """Cosine silhouette of k-means with ``k`` clusters on ``X`` (-1 when it makes one cluster)."""
        labels = self._kmeans(k, len(X)).fit_predict(X)
        return float(silhouette_score(X, labels, metric="cosine")) if len(set(labels)) > 1 else -1.0


def themed_labels(vectors, labels, groups, quantile, min_size):
    """The clusterer's ``labels`` with -1 for units that belong to no theme.

    A cluster of units from fewer than ``min_size`` distinct ``groups`` (answers) is no theme.
    A unit is near a theme when its cosine distance to the theme's centre is at most the
    ``quantile`` of the distances of all clustered units to their own centres (None: any
    distance). Units of dropped clusters and noise (-1) join the nearest theme when near it;
    units far from their own theme's centre, and from every other, stay unthemed. A loose
    catch-all cluster thus loses most of its units and a tight theme few.
    """
    labels = small_to_noise(labels, groups, min_size)
    kept = labels >= 0
    if not kept.any():
        return labels
    centres = centroids(vectors, labels, int(labels.max()) + 1, kept)
    similarity = vectors @ centres.T
    nearest = np.argmax(similarity, axis=1)
    distance = 1.0 - similarity[np.arange(len(labels)), np.where(kept, labels, nearest)]
    limit = np.inf if quantile is None else np.quantile(distance[kept], quantile)
    labels = np.where(kept, labels, nearest)
    labels[distance > limit] = -1
    return small_to_noise(labels, groups, min_size)


def split_large(vectors, labels, max_size, random_state=0):
    """``labels`` with every cluster of more than ``max_size`` units split in two by seeded
    k-means, again until none is that large or k-means cannot split one; -1 stays."""
    labels = np.asarray(labels).copy()
    queue = [c for c in range(int(labels.max()) + 1) if (labels == c).sum() > max_size]
    while queue:
        cluster = queue.pop()
        inside = np.flatnonzero(labels == cluster)
        halves = KMeans(n_clusters=2, n_init=3, random_state=random_state).fit_predict(vectors[inside])
        if halves.min() == halves.max():
            continue
        new = int(labels.max()) + 1
        labels[inside[halves == 1]] = new
        queue += [c for c in (cluster, new) if (labels == c).sum() > max_size]
    return labels


def merge_near(vectors, labels, max_size, quantile=0.5):
    """``labels`` with near-duplicate clusters merged: the closest two centres whose clusters
    hold at most ``max_size`` units together become one while those centres are more similar
    (cosine) than the ``quantile`` of the two clusters' units' similarities to their own
    centres; -1 stays."""
    labels = np.asarray(labels).copy()
    while True:
        present = sorted(set(labels.tolist()) - {-1})
        centres = centroids(vectors, labels, int(labels.max()) + 1, labels >= 0)
        own = np.einsum("ij,ij->i", vectors, centres[np.maximum(labels, 0)])
        sizes = {c: int((labels == c).sum()) for c in present}
        pairs = [(float(centres[a] @ centres[b]), a, b) for i, a in enumerate(present) for b in present[i + 1:]
                 if sizes[a] + sizes[b] <= max_size]
        if not pairs:
            return labels
        similarity, first, second = max(pairs)
        inside = (labels == first) | (labels == second)
        if similarity < np.quantile(own[inside], quantile):
            return labels
        labels[labels == second] = first


def small_to_noise(labels, groups, min_size):
    """``labels`` with -1 for the units of clusters that hold fewer than ``min_size`` distinct
    ``groups`` (answers), then renumbered 0..k-1 in order of first label."""
    labels = np.asarray(labels).copy()
    groups = np.asarray(groups)
    for cluster in set(labels.tolist()) - {-1}:
        inside = labels == cluster
        if len(set(groups[inside].tolist())) < min_size:
            labels[inside] = -1
    kept = sorted(set(labels.tolist()) - {-1})
    return np.where(labels >= 0, np.searchsorted(kept, labels), -1)


def centroids(vectors, labels, n_clusters, mask=None):
    """The unit-length mean vector of each cluster, shape ``(n_clusters, dim)``; only the units
    where ``mask`` is true count (all when None)."""
    mask = np.ones(len(labels), dtype=bool) if mask is None else mask
    if n_clusters == 0:
        return np.zeros((0, vectors.shape[1]))
    centres = np.vstack([vectors[(labels == c) & mask].mean(axis=0) if ((labels == c) & mask).any()
                         else np.zeros(vectors.shape[1]) for c in range(n_clusters)])
    norms = np.linalg.norm(centres, axis=1, keepdims=True)
    return centres / np.where(norms == 0, 1.0, norms)


def distances(vectors, labels, centres):
    """Cosine distance of every unit to the centre of its own cluster (of the nearest, unthemed)."""
    if len(centres) == 0:
        return np.ones(len(vectors))
    nearest = np.where(labels >= 0, labels, np.argmax(vectors @ centres.T, axis=1))
    return 1.0 - np.einsum("ij,ij->i", vectors, centres[nearest])
