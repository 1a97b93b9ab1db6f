"""Which answer to show next: the orders and filters of the review screen.

Orders:

- ``informative``: the answers the machine is least sure of first (the mean uncertainty of
  their code decisions, ``1 - certainty`` per code, see :func:`qualcode.learn.triage.code_certainty`:
  the expected share of its codes the machine gets wrong; in verify mode that code's), chosen
  block by block by maximal marginal relevance among the most uncertain so that near-copies do
  not follow each other; answers without content last. In a simulation on both development
  sets (an analyst deciding as the gold labels say, the machine retrained every 10 decisions),
  the corpus after 100 decisions was better with the mean than with the least certain code
  alone (macro-F1 0.947 against 0.934 on dev, 0.855 against 0.848 on dev2);
- ``code``: grouped by the first code the machine applied (codebook order), most confident first;
  in verify mode, by that code's score, highest first;
- ``question``: question by question, in file order within each;
- ``group``: by the value of the filter's group column, in file order within each;
- ``random``: a seeded random permutation, the same in every session, so that the answers
  reviewed in this order are an unbiased sample (for estimating the machine's accuracy);
- ``file``: the order of the answers file.

An :class:`Ordering` is computed once per order and fixed filters and read page by page; the
filters that change as analysts decide (status, code) are applied when a page is read.
"""
import threading
from dataclasses import dataclass

import numpy as np

from qualcode.errors import InputError
from qualcode.learn.triage import code_certainty

ORDERS = ("informative", "code", "question", "group", "random", "file")
STATUSES = ("unreviewed", "reviewed", "changed", "disagreement", "all")
BLOCK = 50              # answers chosen at a time by maximal marginal relevance
POOL_FACTOR = 5         # ... among this many times as many of the most uncertain
DIVERSITY = 0.5         # weight of the likeness to answers already chosen (as `qualcode queue`)


@dataclass(frozen=True)
class Filters:
    """The screen's filters. ``question``: only answers to this question; ``group`` and
    ``value``: only answers whose attribute column ``group`` has ``value`` (``group`` alone
    names the column the ``group`` order sorts by); ``code``: only answers carrying this code
    as the coder sees them; ``status``: unreviewed (by the coder), reviewed, changed (the
    coder's codes differ from the machine's), disagreement (coders differ), or all;
    ``verify``: verify mode on this code (the items are this code on each answer)."""

    question: str | None = None
    group: str | None = None
    value: str | None = None
    code: str | None = None
    status: str = "unreviewed"
    verify: str | None = None

    def check(self, project):
        """Raise InputError naming the filter that does not fit the project."""
        if self.status not in STATUSES:
            raise InputError(f"status {self.status!r}: use one of {', '.join(STATUSES)}")
        for code in (self.code, self.verify):
            if code is not None and code not in project.code_ids:
                raise InputError(f"code {code!r} is not in the codebook; the codes are {', '.join(project.code_ids)}")
        if self.group is not None and self.group not in project.attribute_columns:
            raise InputError(f"group column {self.group!r}: the attribute columns are "
                             f"{', '.join(project.attribute_columns) or 'none'}")
        if self.question is not None and project.questions is None:
            raise InputError("the answers have no question column to filter by")


def ordering(project, order, filters, coder):
    """The :class:`Ordering` of ``project``'s answers in ``order`` under ``filters``."""
    if order not in ORDERS:
        raise InputError(f"order {order!r}: use one of {', '.join(ORDERS)}")
    filters.check(project)
    candidates = _candidates(project, filters)
    return Ordering(_ORDERS[order](project, candidates, filters), filters)


def _candidates(project, filters):
    keep = np.ones(len(project), dtype=bool)
    if filters.question is not None:
        keep &= np.array([q == filters.question for q in project.questions], dtype=bool)
    if filters.group is not None and filters.value is not None:
        keep &= (project.attributes[filters.group].astype(str) == filters.value).to_numpy()
    return np.flatnonzero(keep)


def _column(project, filters):
    return project.code_ids.index(filters.verify) if filters.verify else None


def _informative(project, candidates, filters):
    j = _column(project, filters)
    scores = project.scores[:, [j]] if j is not None else project.scores
    thresholds = project.thresholds[[j]] if j is not None else project.thresholds
    if scores.shape[1] == 0:
        yield from candidates
        return
    relevance = np.full(len(project), -1.0)
    relevance[candidates] = 1 - code_certainty(scores[candidates], thresholds).mean(axis=1)
    relevance[~project.substantive] = -1.0
    remaining = candidates[np.argsort(-relevance[candidates], kind="stable")]
    vectors = project.vectors
    while len(remaining):
        pool = remaining[:POOL_FACTOR * BLOCK]
        if vectors is None:
            chosen = np.arange(min(BLOCK, len(pool)))
        else:
            chosen = _diverse(relevance[pool], vectors[pool].astype(np.float32), BLOCK)
        yield from pool[chosen]
        left = np.ones(len(pool), dtype=bool)
        left[chosen] = False
        remaining = np.concatenate([pool[left], remaining[len(pool):]])


def _diverse(relevance, vectors, n):
    """Greedy maximal marginal relevance: positions into ``relevance``, best first."""
    chosen = []
    closest = np.full(len(relevance), -np.inf)
    for _ in range(min(n, len(relevance))):
        gain = relevance - DIVERSITY * np.maximum(closest, 0)
        gain[chosen] = -np.inf
        best = int(np.argmax(gain))
        chosen.append(best)
        closest = np.maximum(closest, vectors @ vectors[best])
    return np.array(chosen, dtype=np.int64)


def _by_code(project, candidates, filters):
    j = _column(project, filters)
    if j is not None:
        return candidates[np.argsort(-project.scores[candidates, j], kind="stable")]
    suggested = project.suggested[candidates]
    if suggested.shape[1] == 0:
        return candidates
    coded = suggested.any(axis=1)
    first = suggested.argmax(axis=1)
    score = np.where(coded, project.scores[candidates, first], 0.0)
    return candidates[np.lexsort((-score, np.where(coded, first, suggested.shape[1])))]


def _by_question(project, candidates, filters):
    if project.questions is None:
        return candidates
    rank = {question: n for n, question in enumerate(dict.fromkeys(project.questions))}
    return candidates[np.argsort([rank[project.questions[p]] for p in candidates], kind="stable")]


def _by_group(project, candidates, filters):
    column = filters.group or (project.attribute_columns[0] if project.attribute_columns else None)
    if column is None:
        raise InputError("the answers have no attribute column to order by group")
    values = project.attributes[column].astype(str).to_numpy()[candidates]
    return candidates[np.argsort(values, kind="stable")]


def _random(project, candidates, filters):
    seed = int(project.meta.get("seed", 0))
    return candidates[np.random.default_rng(seed).permutation(len(candidates))]


def _file(project, candidates, filters):
    return candidates


_ORDERS = {"informative": _informative, "code": _by_code, "question": _by_question, "group": _by_group,
           "random": _random, "file": _file}


class Ordering:
    """The answers in one order, computed as far as they are read; :meth:`take` applies the
    filters that change while analysts decide."""

    def __init__(self, positions, filters):
        self._source = iter(positions)
        self._seen = []
        self._lock = threading.Lock()      # one reader at a time advances the order
        self.filters = filters

    def _at(self, index):
        while len(self._seen) <= index:
            try:
                self._seen.append(int(next(self._source)))
            except StopIteration:
                return None
        return self._seen[index]

    def take(self, project, coder, offset, n, exclude=()):
        """Up to ``n`` items from ``offset`` on that pass the filters for ``coder``, skipping the
        positions in ``exclude``: ``([(position, verified code or None)], next offset)``."""
        wanted = _Wanted(project, coder, self.filters)
        items, index = [], offset
        exclude = set(exclude)
        with self._lock:
            while len(items) < n:
                position = self._at(index)
                if position is None:
                    break
                index += 1
                if position not in exclude and wanted(position):
                    items.append((position, self.filters.verify))
        return items, index


class _Wanted:
    """The filters that depend on the decisions, for one page."""

    def __init__(self, project, coder, filters):
        self.project, self.coder, self.filters = project, coder, filters
        state = project.decisions
        self.disagreements = state.disagreements() if filters.status == "disagreement" else {}
        self.reviewed = state.reviewed(coder) if filters.verify is None else None

    def __call__(self, position):
        filters, project = self.filters, self.project
        status = filters.status
        if status == "disagreement":
            if position not in self.disagreements:
                return False
        elif status != "all":
            if filters.verify is not None:
                decided = filters.verify in project.decisions.of(self.coder, position)
            else:
                decided = position in self.reviewed
            if status == "unreviewed" and decided or status in ("reviewed", "changed") and not decided:
                return False
            if status == "changed" and project.codes_for(position, self.coder) == project.machine_codes(position):
                return False
        return filters.code is None or filters.code in project.codes_for(position, self.coder)
