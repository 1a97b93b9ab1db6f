"""Closed questions: single-choice answers (Ja/Nej/Vet ej) and multi-choice ticks joined by a
delimiter, tabulated with counts and shares of all respondents to the question.

A column of closed answers comes in two kinds. When a respondent's value changes from one
question to the next (or is there for one question and empty for another) it is the answer to
each question ("svarsalternativ": Ja to one, Nej to the next) and is tabulated per question.
When it is the same on all of a respondent's rows it describes the respondent (municipality,
position) and is tabulated once for the report.
"""
from dataclasses import dataclass

import pandas as pd

from qualcode.errors import InputError
from qualcode.reports.text import half_up_percent
from qualcode.reports.words import ANSWER_SCALE, RESIDUAL_ANSWERS

DEFAULT_SEPARATOR = ";"
DETECTED_SEPARATORS = (";", "|")   # commas and slashes occur inside single answers ("Ja, delvis")
MAX_ALTERNATIVES = 40              # more distinct parts than this is no list of alternatives
PER_QUESTION, PER_RESPONDENT = "question", "respondent"


@dataclass(frozen=True)
class ChoiceColumn:
    """A column of closed answers: ``separator`` joins the ticks of a multi-choice answer (None
    for single choice); ``detected`` when qualcode found the separator itself."""

    column: str
    separator: str | None = None
    detected: bool = False

    def alternatives(self, value):
        """The alternatives one cell holds: ``["Chefer", "Tjänstemän"]`` for "Chefer; Tjänstemän"."""
        text = "" if value is None or pd.isna(value) else str(value).strip()
        if not text:
            return []
        parts = text.split(self.separator) if self.separator else [text]
        return list(dict.fromkeys(part.strip() for part in parts if part.strip()))


def parse_multi_choice(spec):
    """``--multi-choice COLUMN[:SEP]`` as a :class:`ChoiceColumn` (SEP defaults to ";"). A
    colon followed by more than three characters or by letters is part of the column's name."""
    column, colon, separator = str(spec).rpartition(":")
    if not colon or not column or len(separator) > 3 or any(ch.isalnum() for ch in separator):
        column, separator = str(spec), DEFAULT_SEPARATOR
    separator = separator or DEFAULT_SEPARATOR
    if not column.strip():
        raise InputError(f"--multi-choice {spec}: name the column, e.g. --multi-choice svarsalternativ:;")
    return ChoiceColumn(column, separator)


def detect_separator(values):
    """The separator that joins ticks in ``values`` (a column's cells), or None: one of
    :data:`DETECTED_SEPARATORS` found in at least two different cells whose parts recur (an
    alternative ticked in two different combinations) and are few."""
    distinct = {str(v).strip() for v in values if isinstance(v, str) and v.strip()}
    for separator in DETECTED_SEPARATORS:
        if sum(separator in value for value in distinct) < 2:
            continue
        cells = [{part.strip() for part in value.split(separator) if part.strip()} for value in distinct]
        parts = set().union(*cells)
        recurring = any(sum(part in cell for cell in cells) > 1 for part in parts)
        if recurring and len(parts) <= MAX_ALTERNATIVES:
            return separator
    return None


@dataclass
class ClosedTable:
    """One closed column tabulated: per alternative the respondents who chose it and their share
    of ``base`` (the respondents with an answer in the column; ``total`` had a row)."""

    choice: ChoiceColumn
    question: str | None
    table: pd.DataFrame     # alternative, respondents, share (exact), percent (rounded, int)
    base: int
    total: int
    multi: bool             # some respondent chose more than one alternative
    chart: object = None    # a reports.document.Chart

    @property
    def unanswered(self):
        return self.total - self.base

    @property
    def rounded_total(self):
        """The rounded shares' sum when each respondent chose one alternative and rounding
        makes it other than 100 (12.5 + 37.5 + 50 -> 13 + 38 + 50 = 101); else None."""
        total = int(self.table["percent"].sum())
        return None if self.multi or total == 100 else total


def tabulate(values, respondents, choice, question=None):
    """Tabulate one closed column: ``values`` (its cells) and ``respondents`` (who gave each),
    aligned. A respondent counts once per alternative, however many rows carry it; shares are
    of the respondents with an answer. Returns a :class:`ClosedTable`, or None when no cell
    holds an answer."""
    ticks = pd.DataFrame({"respondent": list(respondents),
                          "alternative": [choice.alternatives(v) for v in values]})
    total = ticks["respondent"].nunique()
    ticks = ticks.explode("alternative").dropna().drop_duplicates()
    if ticks.empty:
        return None
    base = ticks["respondent"].nunique()
    multi = bool(ticks.groupby("respondent").size().gt(1).any())
    counts = ticks.groupby("alternative", sort=False).size()
    order = alternative_order(counts)
    counts = counts.reindex(order)
    percents = [half_up_percent(n, base) for n in counts]
    table = pd.DataFrame({"alternative": order, "respondents": counts.to_numpy(),
                          "share": (counts / base).round(3).to_numpy(), "percent": percents})
    return ClosedTable(choice, question, table, base, total, multi)


def alternative_order(counts):
    """Alternatives in reading order: a known answer scale (Ja, Delvis, Nej) in its own order,
    else the commonest first; residual answers ("Vet ej", "Ingen", "Annat") last."""
    scale, residual = ANSWER_SCALE, RESIDUAL_ANSWERS
    names = list(counts.index)
    folded = {name: name.casefold() for name in names}
    if all(f in scale or f in residual for f in folded.values()):
        return sorted(names, key=lambda n: (folded[n] in residual,
                                            scale.index(folded[n]) if folded[n] in scale else residual.index(folded[n])))
    first_seen = {name: i for i, name in enumerate(names)}
    return sorted(names, key=lambda n: (folded[n] in residual, -counts[n], first_seen[n]))


def column_kind(facts, values_column):
    """:data:`PER_RESPONDENT` when every respondent has one value in ``values_column`` of the
    facts on all their rows (empty counts as a value), else :data:`PER_QUESTION` (also when
    there is one question, or no value at all)."""
    values = facts[values_column].astype(str).str.strip()
    if facts["question"].nunique() <= 1 or not (values != "").any():
        return PER_QUESTION
    varies = values.groupby(facts["respondent"].to_numpy()).nunique().gt(1).any()
    return PER_QUESTION if varies else PER_RESPONDENT
