"""A coded table (SPEC "Coded answers out") with the column roles that reports need."""
import json
from dataclasses import dataclass, replace

import pandas as pd

from qualcode.errors import InputError, located

CODES_COLUMN = "codes"
EVIDENCE_COLUMN = "evidence"
SCORE_PREFIX = "score_"


@dataclass(frozen=True)
class CodedAnswers:
    """A coded table, its column roles and which answers have content.

    ``substantive`` is a bool Series aligned with ``frame``: False for answers without content
    ("", "-", "vet ej", ...), as :attr:`qualcode.io.AnswerTable.substantive` decides.
    """

    frame: pd.DataFrame
    substantive: pd.Series
    id_column: str = "id"
    text_column: str = "text"
    question_column: str | None = None
    respondent_column: str | None = None
    source: str = "<table>"
    sentences: tuple | None = None   # per answer its sentences' (start, end), once analysed

    def __post_init__(self):
        if CODES_COLUMN not in self.frame.columns:
            raise InputError(located(self.source, f"no '{CODES_COLUMN}' column; this is not a "
                                     "coded table: run 'qualcode code' on it first"))
        if self.frame.empty:
            raise InputError(located(self.source, "the table has no answers; nothing to count"))

    @classmethod
    def from_table(cls, table, frame=None, source="<table>"):
        """Wrap an :class:`~qualcode.io.AnswerTable` (or the coded ``frame`` made from it)."""
        frame = table.frame if frame is None else frame
        return cls(frame.reset_index(drop=True), pd.Series(list(table.substantive)),
                   table.id_column, table.text_column, table.question_column,
                   table.respondent_column, source)

    @property
    def code_ids(self):
        """The code ids of the table: its ``score_<id>`` columns, else the ids in ``codes``."""
        scored = [c[len(SCORE_PREFIX):] for c in self.frame.columns if c.startswith(SCORE_PREFIX)]
        if scored:
            return scored
        seen = dict.fromkeys(code for codes in self.code_lists for code in codes)
        return list(seen)

    @property
    def code_lists(self):
        """The codes applied to each answer, as lists of ids."""
        return [[code for code in str(value).split(";") if code.strip()] if pd.notna(value) else []
                for value in self.frame[CODES_COLUMN]]

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

    @property
    def attribute_columns(self):
        """The respondent attributes: every column that is neither a role nor coding output."""
        roles = {self.id_column, self.text_column, self.question_column, self.respondent_column,
                 CODES_COLUMN, EVIDENCE_COLUMN}
        return [c for c in self.frame.columns if c not in roles and not c.startswith(SCORE_PREFIX)]

    def with_sentences(self):
        """A copy that knows every answer's sentence offsets (one pass of the language pipeline)."""
        from qualcode.coding.analysed import analyse_answers  # spaCy only when quotes are wanted
        from qualcode.scale import DEFAULT_CHUNK

        texts = self.frame[self.text_column].astype(str).tolist()
        sentences = []
        for start in range(0, len(texts), DEFAULT_CHUNK):  # only a chunk's analyses in memory
            sentences += [answer.sentences for answer in analyse_answers(texts[start:start + DEFAULT_CHUNK])]
        return replace(self, sentences=tuple(sentences))

    def scores(self, code_id):
        """The ``score_<id>`` column as floats (1.0 where the table has no such column)."""
        column = SCORE_PREFIX + code_id
        if column not in self.frame.columns:
            return pd.Series(1.0, index=self.frame.index)
        return pd.to_numeric(self.frame[column], errors="coerce").fillna(0.0)

    def evidence(self, row):
        """The parsed evidence JSON of one answer ({} when absent or unreadable)."""
        if EVIDENCE_COLUMN not in self.frame.columns:
            return {}
        try:
            value = json.loads(self.frame[EVIDENCE_COLUMN].iat[row] or "{}")
        except (TypeError, ValueError):
            return {}
        return value if isinstance(value, dict) else {}

    def check_column(self, column, option="--by"):
        """Raise InputError unless ``column`` is in the table."""
        require_column(self.frame, column, self.attribute_columns, self.source, option)


def require_column(frame, column, attribute_columns, source, option="--by"):
    """Raise InputError, naming the attribute columns, unless ``column`` is in ``frame``."""
    if column not in frame.columns:
        known = ", ".join(attribute_columns) or "none"
        raise InputError(located(source, f"{option} {column}: no such column; "
                                 f"attribute columns: {known}"))


def read_coded(path):
    """Read a coded table, with its column roles from ``<path>.meta.json`` when present."""
    from qualcode.io import column_roles, read_answers

    roles = column_roles(path)
    table = read_answers(path, id_column=roles.get("id") or "id",
                         text_column=roles.get("text") or "text",
                         question_column=roles.get("question"),
                         respondent_column=roles.get("respondent"))
    return CodedAnswers.from_table(table, source=str(path))


def subset(coded, mask):
    """The answers of ``coded`` where the bool sequence ``mask`` is True, roles kept."""
    keep = pd.Series(list(mask), dtype=bool).to_numpy()
    sentences = None if coded.sentences is None else tuple(
        spans for spans, kept in zip(coded.sentences, keep) if kept)
    return replace(coded, frame=coded.frame[keep].reset_index(drop=True),
                   substantive=coded.substantive[keep].reset_index(drop=True), sentences=sentences)
