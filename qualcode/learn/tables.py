"""Codings read from files: a gold CSV of ``id`` + ``codes``, a coded table written by
``qualcode code`` (with its ``score_<id>`` columns), or either one edited by an analyst in Excel.

Codes in a cell may be separated by ``;`` (SPEC), or by ``,``, ``|`` or spaces as people type
them; code ids never contain those characters.
"""
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from qualcode.errors import InputError, located
from qualcode.io import column_roles
from qualcode.io import read_sheet

CODES_COLUMN = "codes"
SCORE_PREFIX = "score_"
DEFAULT_ID = "id"
DEFAULT_TEXT = "text"
SEPARATORS = re.compile(r"[;,|\s]+")
NAMED = 3  # how many examples an error message lists


@dataclass
class Coding:
    """One coding of a set of answers, by a person or by the machine.

    ``ids`` identify the answers, ``code_sets`` hold each answer's codes (tuples),
    ``codes`` lists the code ids this coding knows (its score columns first, in their order),
    ``scores`` is the machine's ``score_<id>`` table (columns = code ids) or None, ``texts``
    the answers' texts or None, and ``rows`` each answer's row number in the file.
    """

    source: Path
    ids: list
    code_sets: list
    codes: list
    scores: pd.DataFrame | None
    texts: list | None
    rows: list


def split_codes(cell):
    """The code ids in one ``codes`` cell: ``"a; b"`` -> ``("a", "b")``, ``""`` -> ``()``."""
    return tuple(part for part in SEPARATORS.split(str(cell).strip()) if part)


def read_coding(path, id_column=None):
    """Read a coding from ``path``; the id column comes from ``id_column``, the sidecar, or ``id``.

    Raises InputError naming the file, row and column for a missing ``codes`` or id column, an
    empty or repeated id, or a score that is not a number in [0, 1].
    """
    path = Path(path)
    columns = column_roles(path)
    id_column = id_column or columns.get("id") or DEFAULT_ID
    sheet = read_sheet(path)
    frame = sheet.frame
    for column, fix in ((id_column, "pass --id-column with the column that identifies the answers"),
                        (CODES_COLUMN, "add a column 'codes' with the code ids separated by ';'")):
        if column not in frame.columns:
            raise InputError(located(path, f"there is no column {column!r} (the columns are "
                                           f"{', '.join(map(repr, frame.columns))}); {fix}"))
    _check_ids(sheet, path, id_column)
    scores = _scores(sheet, path)
    code_sets = [split_codes(cell) for cell in frame[CODES_COLUMN]]
    known = list(scores.columns) if scores is not None else []
    seen = sorted({code for codes in code_sets for code in codes} - set(known))
    text_column = columns.get("text") or DEFAULT_TEXT
    texts = frame[text_column].tolist() if text_column in frame.columns else None
    return Coding(path, frame[id_column].tolist(), code_sets, known + seen, scores, texts,
                  list(sheet.positions))


def _check_ids(sheet, path, column):
    ids = sheet.frame[column].str.strip()
    bad = ids.eq("") | ids.duplicated()
    if bad.any():
        index = int(bad.to_numpy().argmax())
        problem = "this answer has no id" if ids.iloc[index] == "" else f"the id {ids.iloc[index]!r} is used twice"
        raise InputError(sheet.locate(path, index, f"{problem}; every answer needs its own id", field=column))


def _scores(sheet, path):
    columns = [c for c in sheet.frame.columns if c.startswith(SCORE_PREFIX) and len(c) > len(SCORE_PREFIX)]
    if not columns:
        return None
    scores = sheet.frame[columns].apply(pd.to_numeric, errors="coerce")
    bad = scores.isna() | (scores < 0) | (scores > 1)
    if bad.to_numpy().any():
        index, column = next(zip(*bad.to_numpy().nonzero()))
        raise InputError(sheet.locate(path, int(index), "a score must be a number between 0 and 1; "
                                                        "code the answers again or restore the value",
                                      field=columns[column]))
    return scores.set_axis([c[len(SCORE_PREFIX):] for c in columns], axis=1)


def check_codes(coding, known):
    """Raise InputError at the first code of ``coding`` that is not one of ``known``."""
    allowed = set(known)
    for codes, row in zip(coding.code_sets, coding.rows):
        unknown = [code for code in codes if code not in allowed]
        if unknown:
            raise InputError(located(coding.source, f"unknown code {unknown[0]!r}; the codes are "
                                                    f"{', '.join(known)}; correct the cell",
                                     row=row, field=CODES_COLUMN))


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
