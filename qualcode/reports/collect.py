"""What a report needs of its coded answers, gathered chunk by chunk.

A report counts every answer but quotes only a few: :class:`ReportCollector` keeps, of each
chunk, the slim facts counting needs (question, group, respondent, content, codes carried:
about fifty bytes an answer), the co-occurrence sums, and the answers that can still become a
quote: per question and code the :data:`QUESTION_CANDIDATES` highest-scoring answers, and per
question, group and code the :data:`GROUP_CANDIDATES` highest. Quotes chosen among those are
the quotes chosen among all answers (ties go to the earlier answer either way), so a report on a
million answers holds a few thousand of them, not all.
"""
from dataclasses import dataclass

import numpy as np
import pandas as pd

from qualcode.coding.coded import concat_coded
from qualcode.reports.counts import answer_facts, code_family, cooccurrence_matrix, counted_codes
from qualcode.reports.quotes import MAX_CANDIDATES

QUESTION_CANDIDATES = MAX_CANDIDATES
GROUP_CANDIDATES = 50  # a group view quotes one answer per theme


@dataclass
class Collected:
    """A report's coded answers, collected: ``facts`` (see
    :func:`~qualcode.reports.counts.answer_facts`), ``codes`` (the counted (id, label) pairs),
    ``cooccurrence``, ``candidates`` (the answers that may be quoted, as CodedAnswers, in input
    order), the totals of the method section, and ``choices`` (the closed-answer columns
    besides ``by`` whose raw values the facts hold)."""

    facts: pd.DataFrame
    codes: list
    cooccurrence: pd.DataFrame
    candidates: object
    answers: int
    with_content: int
    respondents: int
    question_column: str | None
    by: str | None
    choices: tuple = ()


class ReportCollector:
    """Collects coded answers (:class:`~qualcode.coding.CodedAnswers`) chunk by chunk for a report."""

    def __init__(self, codebook, by=None, choices=()):
        self.codebook = codebook
        self.by = by
        self.choices = tuple(column for column in choices if column != by)  # closed columns besides ``by``
        self._facts = []
        self._cooccurrence = None
        self._pools = {}      # (question, group or None, code index) -> (scores, rows)
        self._kept = None     # CodedAnswers of the candidate answers
        self._kept_rows = np.zeros(0, dtype=np.int64)
        self._seen = 0
        self._question_column = None

    def add(self, coded):
        """Take one chunk of coded answers (in input order after the chunks before)."""
        for column in (self.by, *self.choices):
            if column is not None:
                coded.check_column(column, "--by" if column == self.by else "--multi-choice")
        self._question_column = coded.question_column
        codes = counted_codes(coded, self.codebook)
        facts = answer_facts(coded, self.codebook, self.by, codes, self.choices)
        self._facts.append(facts)
        self._add_cooccurrence(coded, codes)
        rows = np.arange(self._seen, self._seen + len(coded))
        self._offer(coded, facts, codes, rows)
        self._seen += len(coded)
        self._codes = codes

    def collected(self):
        """The :class:`Collected` answers of every chunk added."""
        facts = pd.concat(self._facts, ignore_index=True)
        return Collected(facts, self._codes, self._cooccurrence, self._kept, len(facts),
                         int(facts["substantive"].sum()), int(facts["respondent"].nunique()),
                         self._question_column, self.by, self.choices)

    def _add_cooccurrence(self, coded, codes):
        ids = [code_id for code_id, _ in codes]
        present = coded.code_matrix(ids)[coded.substantive.astype(bool).to_numpy()].astype(int)
        chunk = cooccurrence_matrix(present, ids)
        self._cooccurrence = chunk if self._cooccurrence is None else self._cooccurrence + chunk

    def _offer(self, coded, facts, codes, rows):
        """Enter the chunk's answers into the candidate pools; keep those any pool holds."""
        content = facts["substantive"].to_numpy()
        for j, (code_id, _) in enumerate(codes):
            carriers = content & facts[j].to_numpy()
            if not carriers.any():
                continue
            scores = _family_scores(coded, code_family(code_id, self.codebook))
            keys = [(question, None) for question in facts["question"].unique()]
            if self.by is not None:
                keys += list(facts[["question", "group"]].drop_duplicates().itertuples(index=False, name=None))
            for question, group in keys:
                mask = carriers & (facts["question"].to_numpy() == question)
                if group is not None:
                    mask &= facts["group"].to_numpy() == group
                if mask.any():
                    limit = QUESTION_CANDIDATES if group is None else GROUP_CANDIDATES
                    self._enter((question, group, j), scores[mask], rows[mask], limit)
        self._keep(coded, rows)

    def _enter(self, key, scores, rows, limit):
        held_scores, held_rows = self._pools.get(key, (np.zeros(0), np.zeros(0, dtype=np.int64)))
        scores, rows = np.concatenate([held_scores, scores]), np.concatenate([held_rows, rows])
        best = np.lexsort((rows, -scores))[:limit]  # highest score first; ties to the earlier answer
        self._pools[key] = (scores[best], rows[best])

    def _keep(self, coded, rows):
        """Keep the answers some pool holds: the earlier kept ones and this chunk's new ones."""
        wanted = np.unique(np.concatenate([pool_rows for _, pool_rows in self._pools.values()] or
                                          [np.zeros(0, dtype=np.int64)]))
        parts, kept_rows = [], []
        if self._kept is not None:
            still = np.isin(self._kept_rows, wanted)
            parts.append(self._kept.take(np.flatnonzero(still)))
            kept_rows.append(self._kept_rows[still])
        new = np.isin(rows, wanted)
        if new.any():
            parts.append(coded.take(np.flatnonzero(new)))
            kept_rows.append(rows[new])
        parts = [part for part in parts if len(part)]
        self._kept = concat_coded(parts) if parts else (self._kept if self._kept is not None else coded.take([]))
        self._kept_rows = np.concatenate(kept_rows) if kept_rows else np.zeros(0, dtype=np.int64)


def _family_scores(coded, family):
    """Per answer, the highest score among a code and its descendants."""
    return pd.concat([coded.scores(code_id) for code_id in family], axis=1).max(axis=1).to_numpy(dtype=float)


def collect(coded, codebook, by=None, chunk_size=None, choices=()):
    """:class:`Collected` of coded answers already in memory (in chunks of ``chunk_size``)."""
    from qualcode.scale import DEFAULT_CHUNK

    chunk_size = chunk_size or DEFAULT_CHUNK
    collector = ReportCollector(codebook, by, choices)
    for start in range(0, max(len(coded), 1), chunk_size):
        collector.add(coded.take(range(start, min(start + chunk_size, len(coded)))))
    return collector.collected()
