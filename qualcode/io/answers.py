"""The answers to code: one table, long format, with the role of each column known."""
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qualcode.errors import InputError, located
from qualcode.io.columns import (id_like_columns, list_columns, missing_column_message,
                                 require_column, select_questions)
from qualcode.io.formats import read_sheet
from qualcode.io.readers import frame_sheet
from qualcode.io.substantive import substantive_mask
from qualcode.progress import VERBOSE, explain, verbosity

DEFAULT_ID = "id"
ROW_ID = "row"
WIDE_COLUMNS = ("id", "respondent", "question", "text")
DUPLICATES_NAMED = 5


@dataclass(eq=False)
class AnswerTable:
    """Answers in long format (one answer a row) and the role of each column.

    ``frame`` holds the input's columns and values unchanged, all strings ("" for empty).
    ``question_labels`` maps each question of a wide table to its whole column header
    (empty for long input). ``source`` is the file read.
    """

    frame: pd.DataFrame
    id_column: str
    text_column: str
    question_column: str | None = None
    respondent_column: str | None = None
    attribute_columns: list = field(default_factory=list)
    question_labels: dict = field(default_factory=dict)
    source: Path | None = None

    def __len__(self):
        return len(self.frame)

    @property
    def texts(self):
        """The answers' texts, in table order."""
        return self.frame[self.text_column].tolist()

    @property
    def respondents(self):
        """Who gave each answer (a Series of str): see :func:`respondent_ids`."""
        return respondent_ids(self.frame, self.respondent_column, self.id_column)

    @property
    def substantive(self):
        """Boolean Series: False for answers with no content ('', '-', 'vet ej', '...')."""
        return substantive_mask(self.frame[self.text_column])


def respondent_ids(frame, respondent_column, id_column):
    """Who gave each answer of ``frame``: the respondent column, else the answer's own id. An
    answer whose respondent cell is blank is a respondent of its own (its id), not one of a
    crowd of blank respondents counted once."""
    ids = frame[id_column].astype(str)
    if respondent_column is None:
        return ids
    respondents = frame[respondent_column].astype(str)
    return respondents.where(respondents.str.strip() != "", ids)


def read_answers(path, id_column="id", text_column="text", question_column=None,
                 respondent_column=None, wide=False, questions=None, sheet=None,
                 delimiter=None, encoding=None):
    """Read an answers file (.csv .tsv .txt .xlsx .jsonl .parquet) into an :class:`AnswerTable`.

    Long format by default: ``id_column`` identifies each answer (without a column ``id`` and
    no id-like column, the rows are numbered as Excel shows them, in a new column ``row``;
    ``id_column=None`` asks for that); ``question_column`` and ``respondent_column`` default
    to columns named ``question`` and ``respondent`` when present. With ``wide=True``,
    ``id_column`` (or ``respondent_column``) identifies each respondent and ``questions``
    selects the question columns (see :func:`qualcode.io.columns.select_questions`); the table
    becomes columns ``id`` ("respondent:question"), ``respondent``, ``question``, ``text`` and
    the attributes. Raises InputError, naming the file, row and column, for bad input.
    """
    path = Path(path)
    sheet_read = read_sheet(path, sheet=sheet, delimiter=delimiter, encoding=encoding)
    if wide:
        table = _wide_table(sheet_read, path, id_column, respondent_column, questions)
    elif questions is not None:
        raise InputError(located(path, "--questions selects the question columns of a wide "
                                       "table; add --wide, or leave --questions out"))
    else:
        table = table_from_sheet(sheet_read, path, id_column, text_column, question_column,
                            respondent_column)
    if verbosity() >= VERBOSE:
        explain(f"{path}: {len(table)} answers ({int(table.substantive.sum())} with content); "
                f"id {table.id_column!r}, text {table.text_column!r}, question "
                f"{table.question_column!r}, respondent {table.respondent_column!r}, "
                f"attributes {table.attribute_columns}")
    return table


def answers_from_frame(frame, id_column="id", text_column="text", question_column=None,
                       respondent_column=None, source="<DataFrame>"):
    """The :class:`AnswerTable` of answers already in a pandas DataFrame (long format), read as
    :func:`read_answers` reads a file: every cell as the text a spreadsheet shows, the same
    column roles and checks (``source`` names the table in error messages)."""
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{source}: expected a pandas DataFrame of answers, not {type(frame).__name__}")
    if frame.empty:
        raise InputError(located(source, "the table has no answers"))
    return table_from_sheet(frame_sheet(frame), source, id_column, text_column, question_column, respondent_column)


def table_from_sheet(sheet, path, id_column, text_column, question_column=None, respondent_column=None):
    """The long-format :class:`AnswerTable` of a :class:`~qualcode.io.grid.Sheet` read from ``path``."""
    frame = sheet.frame
    columns = list(frame.columns)
    text_column = require_column(columns, text_column, "--text-column", path)
    id_column = _id_column(sheet, path, id_column, "--id-column")
    question_column = _optional_column(columns, question_column, "question",
                                       "--question-column", path)
    respondent_column = _optional_column(columns, respondent_column, "respondent",
                                         "--respondent-column", path)
    _check_ids(sheet, path, id_column)
    roles = {id_column, text_column, question_column, respondent_column}
    attributes = [column for column in sheet.frame.columns if column not in roles]
    return AnswerTable(sheet.frame, id_column, text_column, question_column, respondent_column,
                       attributes, {}, path)


def _wide_table(sheet, path, id_column, respondent_column, questions):
    if questions is None or not str(questions).strip():
        raise InputError(located(
            path, "--wide needs --questions, e.g. 'Q5,Q8,Q11', 'Q*' or 're:^F\\d+'; "
                  f"the columns are: {list_columns(list(sheet.frame.columns))}"))
    if respondent_column:
        respondent = require_column(list(sheet.frame.columns), respondent_column,
                                    "--respondent-column", path)
    else:
        respondent = _id_column(sheet, path, id_column, "--id-column", fallback="respondent")
    _check_ids(sheet, path, respondent)
    others = [column for column in sheet.frame.columns if column != respondent]
    chosen = select_questions(others, questions, path)
    question_columns = [column for column, _ in chosen]
    attributes = [column for column in others if column not in question_columns]
    clashes = [column for column in attributes if column in WIDE_COLUMNS]
    if clashes:
        raise InputError(located(
            path, f"the column {clashes[0]!r} would clash with the long table's own "
                  f"{', '.join(WIDE_COLUMNS)}; rename it in the file"))
    long = _melt(sheet.frame, respondent, chosen, attributes)
    labels = {key: column for column, key in chosen}
    return AnswerTable(long, "id", "text", "question", "respondent", attributes, labels, path)


def _melt(frame, respondent, chosen, attributes):
    """One row per respondent and question, respondent by respondent, in input order."""
    pieces = []
    for column, key in chosen:
        piece = pd.DataFrame({
            "respondent": frame[respondent].to_numpy(),
            "question": key,
            "text": frame[column].to_numpy(),
            **{attribute: frame[attribute].to_numpy() for attribute in attributes},
        })
        piece["_order"] = range(len(frame))
        pieces.append(piece)
    long = pd.concat(pieces, ignore_index=True).sort_values("_order", kind="stable")
    long.insert(0, "id", long["respondent"] + ":" + long["question"])
    return long.drop(columns="_order").reset_index(drop=True).astype("str")


def _id_column(sheet, path, id_column, option, fallback=None):
    """The id column; numbers the rows when no id column was asked for and none exists."""
    columns = list(sheet.frame.columns)
    if id_column in columns:
        return id_column
    if id_column not in (None, "", DEFAULT_ID):
        raise InputError(located(path, missing_column_message(columns, id_column, option)))
    if id_column == DEFAULT_ID and fallback in columns:
        return fallback
    suggestions = id_like_columns(columns) if id_column == DEFAULT_ID else []
    if suggestions:
        raise InputError(located(
            path, f"there is no column 'id'; did you mean {suggestions[0]!r}? Pass "
                  f"{option} {suggestions[0]!r} (or {option} '' to number the rows)"))
    return _number_rows(sheet)


def _number_rows(sheet):
    """Add the rows' numbers as the analyst sees them as a first column; return its name."""
    name = ROW_ID if ROW_ID not in sheet.frame.columns else "input row"
    explain(f"No id column: answers are identified by their row number, in column {name!r}.")
    sheet.frame.insert(0, name, pd.Series([str(p) for p in sheet.positions], dtype="str"))
    return name


def _optional_column(columns, given, default, option, path):
    if given:
        return require_column(columns, given, option, path)
    return default if default in columns else None


def _check_ids(sheet, path, column):
    """Raise InputError for an empty id, or ids used twice (named, with their rows)."""
    ids = sheet.frame[column]
    empty = ids.str.strip().eq("")
    if empty.any():
        raise InputError(sheet.locate(path, int(empty.to_numpy().argmax()),
                                      "this answer has no id; every row needs one", field=column))
    repeated = ids[ids.duplicated(keep=False)]
    if repeated.empty:
        return
    named = [f"{value!r} is in {sheet.unit}s {_and(sheet.positions[i] for i in indexes)}"
             for value, indexes in repeated.groupby(repeated, sort=False).groups.items()]
    more = f"; and {len(named) - DUPLICATES_NAMED} more ids" if len(named) > DUPLICATES_NAMED else ""
    raise InputError(located(
        path, f"column {column!r}: ids must be unique, but {'; '.join(named[:DUPLICATES_NAMED])}"
              f"{more}; fix the file or choose another --id-column"))


def _and(numbers):
    """'2, 9 and 16'."""
    numbers = [str(number) for number in numbers]
    return ", ".join(numbers[:-1]) + " and " + numbers[-1]
