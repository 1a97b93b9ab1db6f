"""Theme representation: class-based TF-IDF terms, a short readable name, representative quotes.

c-TF-IDF (as in BERTopic) treats all units of a cluster as one document: a term scores high
when many of the cluster's units use it and few units elsewhere do. On top of it, a term common
in many clusters (used by ``SPREAD_SHARE`` of their units) is damped by log(1 + k / clusters),
so that "bemötande" or "service" does not name half of the themes of 10,000 reviews.
"""
import numpy as np
from scipy import sparse

MIN_SUPPORT = 2         # a term must occur in this many units of the cluster (when it has that many)
NAME_WORDS = 3          # words in a theme's short name
NEAR_DUPLICATE = 0.92   # quotes more similar than this (cosine) count as the same quote
SPREAD_SHARE = 0.05     # a term used by this share of a cluster's units is common in that cluster


def class_tfidf(unit_terms, labels, n_clusters, weight=None):
    """Rank terms per cluster; returns ``[[(term, score, units_with_term), ...], ...]``.

    ``unit_terms`` holds each unit's distinct term keys, ``labels`` its cluster; ``weight``,
    when given, maps a term to a factor on its score (e.g. lower for everyday words).
    """
    vocabulary = {term: i for i, term in enumerate(sorted({t for terms in unit_terms for t in terms}))}
    rows = [i for i, terms in enumerate(unit_terms) for _ in terms]
    cols = [vocabulary[t] for terms in unit_terms for t in terms]
    presence = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(unit_terms), len(vocabulary)))
    membership = sparse.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))),
                                   shape=(n_clusters, len(labels)))
    counts = (membership @ presence).toarray()
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    idf = np.log(1 + counts.sum(axis=1).mean() / np.maximum(counts.sum(axis=0), 1))
    sizes = np.bincount(labels, minlength=n_clusters)
    spread = np.maximum((counts / np.maximum(sizes, 1)[:, None] >= SPREAD_SHARE).sum(axis=0), 1)
    scores = tf * idf * np.log(1 + n_clusters / spread)
    if weight is not None:
        scores = scores * np.array([weight(term) for term in vocabulary])
    terms = np.array(list(vocabulary))
    return [_ranked(terms, scores[c], counts[c], min(MIN_SUPPORT, sizes[c])) for c in range(n_clusters)]


def _ranked(terms, scores, counts, support, top=20):
    """The top terms used by ``support`` units; by any unit when no term is (a small theme)."""
    order = np.argsort(-scores, kind="stable")
    order = ([i for i in order if counts[i] >= support and scores[i] > 0][:top]
             or [i for i in order if counts[i] >= 1 and scores[i] > 0][:top])
    return [(str(terms[i]), float(scores[i]), int(counts[i])) for i in order]


def short_name(ranked, display, words=NAME_WORDS):
    """A name from the top terms: up to ``words`` distinct words, a phrase kept whole when it ranks."""
    chosen, used = [], set()
    for term, _, _ in ranked:
        if not _is_label(term, display):
            continue
        parts = term.split(" ")
        if used.intersection(parts) or any(_overlaps(part, used) for part in parts):
            continue
        if len(used) + len(parts) > words:
            continue
        chosen.append(display[term])
        used.update(parts)
        if len(used) >= words:
            break
    return ", ".join(chosen)


def distinct_terms(ranked, display, n):
    """The display forms of the top ``n`` terms, leaving out a term whose every word is part
    of a term already listed ("verk" and "stad" after "verkstad", "dålig service" after both)."""
    listed, words = [], set()
    for term, _, _ in ranked:
        if not _is_label(term, display):
            continue
        parts = term.split(" ")
        if all(any(part in word for word in words) for part in parts):
            continue
        listed.append(display[term])
        words.update(parts)
        if len(listed) == n:
            break
    return tuple(listed)


def _is_label(term, display):
    """True when ``display`` (see :func:`~qualcode.discover.units.display_forms`) has every word
    of ``term`` as a word of the answers or the lexicon; any term when it cannot tell."""
    return display.is_label(term) if hasattr(display, "is_label") else True


def _overlaps(part, used):
    """True when ``part`` is a compound part of a chosen word or the other way round."""
    return any(part in word or word in part for word in used)


def representative(members, vectors, centre, texts, n=5):
    """Indices of up to ``n`` units closest to ``centre``, skipping near-duplicates of earlier picks."""
    members = np.asarray(members)
    order = members[np.argsort(-(vectors[members] @ centre), kind="stable")]
    picked, seen = [], set()
    for index in order:
        text = " ".join(texts[index].lower().split())
        if text in seen or (picked and np.max(vectors[picked] @ vectors[index]) > NEAR_DUPLICATE):
            continue
        picked.append(int(index))
        seen.add(text)
        if len(picked) == n:
            break
    return picked


def shortened(text, limit):
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rsplit(" ", 1)[0] + "…"
