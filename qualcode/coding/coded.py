"""Coded answers: a table with the SPEC columns of a coding, its column roles, and the typed
coding behind it.

One class serves every reader of codings: counts, quotes and reports, discovery, evaluation
and agreement, training, the REFI-QDA export and the workspace. A table coded in this process
carries its :class:`~qualcode.coding.result.CodingResult` (the evidence as objects, the
sentences coding found); a table read from a file is parsed once, by :func:`read_coded`,
through the one reader of ``codes`` and ``evidence`` cells.
"""
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from qualcode.coding.result import read_evidence, split_codes
from qualcode.errors import InputError, located

CODES_COLUMN = "codes"
EVIDENCE_COLUMN = "evidence"
SCORE_PREFIX = "score_"
OUTPUT_COLUMNS = (CODES_COLUMN, EVIDENCE_COLUMN)
DEFAULT_ID = "id"
DEFAULT_TEXT = "text"
NAMED = 3  # how many examples an error message lists


def is_output_column(column):
    """Whether ``column`` is written by coding (``codes``, ``evidence``, ``score_<id>``)."""
    column = str(column)
    return column in OUTPUT_COLUMNS or column.startswith(SCORE_PREFIX)


@dataclass(frozen=True, eq=False)
class CodedAnswers:
    """A coded table and what each of its columns is.

    ``frame`` holds the table (input columns as strings, then ``codes``, ``score_<id>`` and
    ``evidence`` when coded by qualcode). ``text_column`` is None for a table of codes alone
    (an analyst's gold file of ``id`` and ``codes``). ``coding`` is the typed result when the
    table was coded in this process; ``positions`` are the rows as the analyst sees them in the
    file (for error messages).
    """

    frame: pd.DataFrame
    id_column: str = DEFAULT_ID
    text_column: str | None = DEFAULT_TEXT
    question_column: str | None = None
    respondent_column: str | None = None
    source: str = "<table>"
    coding: object = None
    positions: list | None = None
    attribute_columns: list = field(default=None)

    def __post_init__(self):
        if CODES_COLUMN not in self.frame.columns:
            raise InputError(located(self.source, f"no '{CODES_COLUMN}' column; this is not a coded table: "
                                                  "run 'qualcode code' on it first, or add a column 'codes' "
                                                  "with the code ids separated by ';'"))
        if self.attribute_columns is None:
            roles = {self.id_column, self.text_column, self.question_column, self.respondent_column}
            object.__setattr__(self, "attribute_columns", [c for c in self.frame.columns
                                                           if c not in roles and not is_output_column(c)])

    @classmethod
    def from_table(cls, table, frame=None, coding=None, source=None):
        """Wrap an :class:`~qualcode.io.AnswerTable` (or the coded ``frame`` made from it)."""
        frame = table.frame if frame is None else frame
        return cls(frame.reset_index(drop=True), table.id_column, table.text_column, table.question_column,
                   table.respondent_column, str(source or table.source or "<table>"), coding)

    def __len__(self):
        return len(self.frame)

    # -- the coding -------------------------------------------------------------------------
    @cached_property
    def code_sets(self):
        """Per answer, the ids of its codes as a tuple (the typed result's, else the ``codes`` cells)."""
        if self.coding is not None:
            return [tuple(codes) for codes in self.coding.codes]
        return [split_codes(cell) for cell in self.frame[CODES_COLUMN]]

    def code_matrix(self, code_ids):
        """A bool array (answers x ``code_ids``): whether each answer carries each code."""
        if self.coding is not None:
            where = {code: j for j, code in enumerate(self.coding.code_ids)}
            matrix = np.zeros((len(self), len(code_ids)), dtype=bool)
            for k, code in enumerate(code_ids):
                if code in where:
                    matrix[:, k] = self.coding.decisions[:, where[code]]
            return matrix
        column = {code: k for k, code in enumerate(code_ids)}
        matrix = np.zeros((len(self), len(code_ids)), dtype=bool)
        for row, codes in enumerate(self.code_sets):
            for code in codes:
                if code in column:
                    matrix[row, column[code]] = True
        return matrix

    @cached_property
    def score_frame(self):
        """The ``score_<id>`` columns as floats, columns named by code id; None when there are none."""
        columns = [c for c in self.frame.columns if str(c).startswith(SCORE_PREFIX) and len(str(c)) > len(SCORE_PREFIX)]
        if not columns:
            return None
        scores = self.frame[columns].apply(pd.to_numeric, errors="coerce")
        return scores.set_axis([str(c)[len(SCORE_PREFIX):] for c in columns], axis=1)

    @property
    def code_ids(self):
        """The codes this coding knows: its score columns in order, then any other id it uses."""
        scored = list(self.score_frame.columns) if self.score_frame is not None else []
        seen = dict.fromkeys(code for codes in self.code_sets for code in codes)
        return scored + [code for code in seen if code not in scored]

    def scores(self, code_id):
        """One code's scores as floats (1.0 where the table has no score for it, 0.0 where unreadable)."""
        if self.score_frame is None or code_id not in self.score_frame.columns:
            return pd.Series(1.0, index=self.frame.index)
        return self.score_frame[code_id].fillna(0.0)

    def evidence(self, row):
        """``{code id: Evidence}`` of the answer at position ``row`` ({} when there is none)."""
        if self.coding is not None:
            return self.coding.evidence[row]
        if EVIDENCE_COLUMN not in self.frame.columns:
            return {}
        return read_evidence(self.frame[EVIDENCE_COLUMN].iat[row])

    def sentences(self, rows):
        """The (start, end) sentence spans of the answers at positions ``rows``: those coding
        found when the table was coded here, else from one pass of the language pipeline over
        just those answers."""
        if self.coding is not None and self.coding.answers is not None:
            return [self.coding.answers[row].sentences for row in rows]
        from qualcode.coding.analysed import analyse_answers  # spaCy only when sentences are wanted

        return [answer.sentences for answer in analyse_answers([self.texts[row] for row in rows])]

    # -- the table --------------------------------------------------------------------------
    @property
    def ids(self):
        """The answers' ids, in table order."""
        return self.frame[self.id_column].tolist()

    @cached_property
    def texts(self):
        """The answers' texts (None for a table of codes without texts)."""
        if self.text_column is None:
            return None
        return self.frame[self.text_column].fillna("").astype(str).tolist()

    @cached_property
    def substantive(self):
        """Bool Series: False for answers without content ("", "-", "vet ej", ...)."""
        from qualcode.io.substantive import substantive_mask

        if self.text_column is None:
            return pd.Series(True, index=self.frame.index)
        return substantive_mask(self.frame[self.text_column]).reset_index(drop=True)

    @property
    def respondents(self):
        """Who gave each answer: the respondent column, else each answer's own id (also where
        the respondent cell is blank)."""
        from qualcode.io.answers import respondent_ids

        return respondent_ids(self.frame, self.respondent_column, self.id_column)

    @property
    def questions(self):
        """Each answer's question, or None when the table has no question column."""
        return self.frame[self.question_column].astype(str) if self.question_column else None

    def check_column(self, column, option="--by"):
        """Raise InputError unless ``column`` is in the table."""
        require_column(self.frame, column, self.attribute_columns, self.source, option)

    def locate(self, row, message, field=None):
        """``located`` for the answer at position ``row``, in the file's own row numbering."""
        position = self.positions[row] if self.positions is not None else row + 2
        return located(self.source, message, row=position, field=field)

    def subset(self, mask):
        """The answers where the bool sequence ``mask`` is True, roles and coding kept."""
        keep = np.flatnonzero(pd.Series(list(mask), dtype=bool).to_numpy())
        return self.take(keep)

    def take(self, rows):
        """The answers at positions ``rows`` (in that order), roles and coding kept."""
        rows = list(rows)
        return replace(self, frame=self.frame.iloc[rows].reset_index(drop=True),
                       coding=None if self.coding is None else self.coding.take(rows),
                       positions=None if self.positions is None else [self.positions[r] for r in rows],
                       attribute_columns=self.attribute_columns)


def concat_coded(parts):
    """One :class:`CodedAnswers` of several with the same columns and roles, answers in order;
    the typed coding is kept when every part has it."""
    from qualcode.coding.result import CodingResult

    parts = list(parts)
    first = parts[0]
    codings = [part.coding for part in parts]
    positions = [part.positions for part in parts]
    return replace(first, frame=pd.concat([part.frame for part in parts], ignore_index=True),
                   coding=None if any(c is None for c in codings) else CodingResult.concat(codings),
                   positions=None if any(p is None for p in positions) else [row for p in positions for row in p])


def require_column(frame, column, attribute_columns, source, option="--by"):
    """Raise InputError, naming the attribute columns, unless ``column`` is in ``frame``."""
    if column not in frame.columns:
        known = ", ".join(attribute_columns) or "none"
        raise InputError(located(source, f"{option} {column}: no such column; attribute columns: {known}"))


def read_coded(path, id_column=None, text_required=True):
    """Read a coded table, or an analyst's table of codes, into :class:`CodedAnswers`.

    Column roles come from ``id_column``, else the table's ``.meta.json`` sidecar, else the
    defaults (``id``, ``text``, and ``question``/``respondent`` where present). A table without a
    text column is read only when ``text_required`` is False (a gold file of ``id`` and
    ``codes``). Raises InputError naming the file, row and column for a missing ``codes`` or id
    column, an empty or repeated id, and a score that is not a number in [0, 1].
    """
    from qualcode.io import column_roles
    from qualcode.io.answers import table_from_sheet
    from qualcode.io import read_sheet

    path = Path(path)
    roles = column_roles(path)
    id_column = id_column or roles.get("id") or DEFAULT_ID
    text_column = roles.get("text") or DEFAULT_TEXT
    sheet = read_sheet(path)
    columns = list(sheet.frame.columns)
    if CODES_COLUMN not in columns:
        raise InputError(located(path, f"has no 'codes' column (the columns are {', '.join(map(repr, columns))}); "
                                       "run 'qualcode code' on the answers first, or add a column 'codes' with "
                                       "the code ids separated by ';'", field="codes"))
    if text_required or text_column in columns:
        table = table_from_sheet(sheet, path, id_column, text_column, roles.get("question"), roles.get("respondent"))
        coded = CodedAnswers.from_table(table, source=path)
    else:
        _check_ids(sheet, path, id_column)
        coded = CodedAnswers(sheet.frame, id_column, None, source=str(path))
    coded = replace(coded, positions=list(sheet.positions))
    _check_scores(coded)
    return coded


def _check_ids(sheet, path, column):
    if column not in sheet.frame.columns:
        raise InputError(located(path, f"there is no column {column!r} (the columns are "
                                       f"{', '.join(map(repr, sheet.frame.columns))}); pass --id-column "
                                       "with the column that identifies the answers"))
    ids = sheet.frame[column].str.strip()
    bad = ids.eq("") | ids.duplicated()
    if bad.any():
        index = int(bad.to_numpy().argmax())
        problem = "this answer has no id" if ids.iloc[index] == "" else f"the id {ids.iloc[index]!r} is used twice"
        raise InputError(sheet.locate(path, index, f"{problem}; every answer needs its own id", field=column))


def _check_scores(coded):
    scores = coded.score_frame
    if scores is None:
        return
    bad = (scores.isna() | (scores < 0) | (scores > 1)).to_numpy()
    if bad.any():
        row, column = next(zip(*bad.nonzero()))
        raise InputError(coded.locate(int(row), "a score must be a number between 0 and 1; code the answers "
                                                "again or restore the value", field=SCORE_PREFIX + scores.columns[column]))


def check_codes(coded, known):
    """Raise InputError at the first code of ``coded`` that is not one of ``known``."""
    allowed = set(known)
    for row, codes in enumerate(coded.code_sets):
        unknown = [code for code in codes if code not in allowed]
        if unknown:
            raise InputError(coded.locate(row, f"unknown code {unknown[0]!r}; the codes are {', '.join(known)}; "
                                               "correct the cell", field=CODES_COLUMN))


def paired(reference, other, require_all=True):
    """Row positions ``(in reference, in other)`` of the answers both codings have.

    With ``require_all``, every answer of ``reference`` must be in ``other`` (evaluation
    against gold); otherwise answers only one side coded are left out. Raises InputError when
    that is violated or when the two share no answer.
    """
    where = {answer: i for i, answer in enumerate(other.ids)}
    missing = [answer for answer in reference.ids if answer not in where]
    if require_all and missing:
        raise InputError(located(
            other.source, f"{len(missing)} answers of {reference.source} are not in this table "
                          f"(e.g. {', '.join(map(repr, missing[:NAMED]))}); code the same answers, "
                          "or check that both files use the same id column"))
    both = [(i, where[answer]) for i, answer in enumerate(reference.ids) if answer in where]
    if not both:
        raise InputError(located(other.source, f"no answer id is shared with {reference.source}; "
                                               "check that both files use the same id column"))
    return [i for i, _ in both], [k for _, k in both]
