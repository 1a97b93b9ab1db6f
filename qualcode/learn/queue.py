"""Active learning: which answers the analyst should code next.

An answer is informative when the machine is unsure of it: its uncertainty is ``1 - certainty``
(see :mod:`qualcode.learn.triage`: how close its least certain code's score lies to that code's
threshold). Picking only the most uncertain answers tends to pick near-copies, so the queue is
chosen greedily by maximal marginal relevance among the ``POOL_FACTOR * n`` most uncertain:
each next answer maximises ``uncertainty - diversity * (highest cosine similarity to an answer
already queued)``, with answers embedded by the same embedder the coder uses.
"""
import numpy as np
import pandas as pd

from qualcode.coding.result import join_codes
from qualcode.embed import ANSWER_KIND, get_embedder
from qualcode.errors import InputError, located
from qualcode.io import is_substantive
from qualcode.learn.metrics import indicator
from qualcode.learn.triage import certainty, decision_thresholds

POOL_FACTOR = 5
BORDERLINE_SHOWN = 3


def select_queue(coding, n=20, embedder="default", diversity=0.5):
    """The ``n`` answers of a machine ``coding`` (:class:`~qualcode.coding.CodedAnswers`) to code
    next, as a DataFrame.

    Columns: ``rank``, ``id``, ``text``, ``codes`` (the machine's), ``borderline`` (the codes
    whose scores lie nearest their thresholds, with the scores) and ``uncertainty`` in [0, 1].
    Answers without content ('', '-', 'vet ej') are never queued.
    """
    if coding.score_frame is None or coding.texts is None:
        raise InputError(located(coding.source, "the queue needs a coded table with its text and score_<code> "
                                                "columns, as `qualcode code` writes it"))
    if n < 1:
        raise InputError(f"-n {n}: give the number of answers to queue, at least 1")
    codes = list(coding.score_frame.columns)
    scores = coding.score_frame.to_numpy()
    thresholds = decision_thresholds(scores, indicator(coding.code_sets, codes))
    uncertainty = 1 - certainty(scores, thresholds)
    candidates = [i for i in np.argsort(-uncertainty, kind="stable") if is_substantive(coding.texts[i])]
    pool = candidates[:POOL_FACTOR * n]
    vectors = get_embedder(embedder).embed([coding.texts[i] for i in pool], kind=ANSWER_KIND)
    chosen = [pool[k] for k in _diverse(uncertainty[pool], vectors, n, diversity)]
    return pd.DataFrame({
        "rank": range(1, len(chosen) + 1),
        "id": [coding.ids[i] for i in chosen],
        "text": [coding.texts[i] for i in chosen],
        "codes": [join_codes(coding.code_sets[i]) for i in chosen],
        "borderline": [_borderline(scores[i], thresholds, codes) for i in chosen],
        "uncertainty": np.round(uncertainty[chosen], 3),
    })


def _diverse(relevance, vectors, n, diversity):
    """Greedy maximal marginal relevance: positions into ``relevance``, best first."""
    chosen = []
    closest = np.full(len(relevance), -np.inf)
    for _ in range(min(n, len(relevance))):
        gain = relevance - diversity * np.maximum(closest, 0)
        gain[chosen] = -np.inf
        best = int(np.argmax(gain))
        chosen.append(best)
        closest = np.maximum(closest, vectors @ vectors[best])
    return chosen


def _borderline(scores, thresholds, codes):
    margin = np.abs(scores - thresholds)
    return "; ".join(f"{codes[j]} {scores[j]:.2f}" for j in np.argsort(margin, kind="stable")[:BORDERLINE_SHOWN])
