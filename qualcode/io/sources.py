"""Answers handed out chunk by chunk: large files stream, anything else is read whole.

A long-format file larger than :data:`STREAM_FROM_BYTES` whose format reads in chunks (CSV,
Parquet: see :mod:`qualcode.io.formats`) and that has an id column is read ``chunk_size`` rows
at a time, so memory stays bounded however many answers it holds. Every other input
(workbooks, JSON Lines, wide tables, files without an id column, CSV with title rows or a
two-row header) goes through :func:`qualcode.io.read_answers` whole and is then handed out in
chunks: the same rows, the same column roles.
"""
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from qualcode.errors import InputError, located
from qualcode.io.answers import AnswerTable, read_answers, table_from_sheet
from qualcode.io.formats import format_of
from qualcode.io.grid import Sheet

STREAM_FROM_BYTES = 64 * 2**20


@dataclass
class AnswerSource:
    """Answers with known column roles, handed out as DataFrames of at most ``chunk_size`` rows.

    ``table`` is an :class:`AnswerTable` over the first rows only (its roles and source serve
    the coded table's sidecar); :meth:`chunks` may be called more than once.
    """

    table: AnswerTable
    read_chunks: object  # () -> iterator of (first row number, DataFrame)

    def chunks(self):
        """Yield (index of the chunk's first row, DataFrame of input columns as strings)."""
        return self.read_chunks()

    @property
    def text_column(self):
        return self.table.text_column


def open_answers(path, reading, chunk_size):
    """The :class:`AnswerSource` for ``path`` read with ``reading`` (the CLI's answer options)."""
    path = Path(path)
    streamed = _streamed_source(path, reading, chunk_size) if _streamable(path, reading) else None
    return streamed or whole_source(read_answers(path, **reading), chunk_size)


def _streamable(path, reading):
    found = format_of(path)
    return (found is not None and found.stream is not None and not reading.get("wide")
            and path.is_file() and path.stat().st_size >= STREAM_FROM_BYTES)


def whole_source(table, chunk_size):
    """An :class:`AnswerSource` handing out the rows of an AnswerTable already in memory."""
    def chunks():
        for start in range(0, len(table.frame), chunk_size):
            yield start, table.frame.iloc[start:start + chunk_size]

    return AnswerSource(table, chunks)


def _streamed_source(path, reading, chunk_size):
    stream = format_of(path).stream(path, reading, chunk_size)
    if stream is None:
        return None
    table = head_table(stream.head, path, reading, stream.first_row)
    if table is None:
        return None
    return AnswerSource(table, lambda: _checked(path, table, stream.chunks(), stream.first_row))


def head_table(frame, path, reading, first_row=1):
    """The column roles, as :func:`qualcode.io.read_answers` gives them, from the first rows
    ``frame`` of a file read in chunks; None without the id column (the file is read whole)."""
    frame = frame.set_axis([str(c).strip() for c in frame.columns], axis=1)
    if reading.get("id_column") not in frame.columns:
        return None
    sheet = Sheet(frame, list(range(first_row, first_row + len(frame))))
    return table_from_sheet(sheet, path, reading.get("id_column"), reading.get("text_column") or "text",
                      reading.get("question_column"), reading.get("respondent_column"))


def _checked(path, table, frames, first_row):
    """Chunks with stripped column names and string cells; ids non-empty and unique."""
    seen = []
    for start, frame in frames:
        frame = frame.set_axis([str(c).strip() for c in frame.columns], axis=1).fillna("")
        ids = frame[table.id_column]
        empty = ids.str.strip().eq("").to_numpy()
        if empty.any():
            raise InputError(located(path, "this answer has no id; every row needs one",
                                     row=start + int(empty.argmax()) + first_row, field=table.id_column))
        seen.append(pd.util.hash_pandas_object(ids, index=False).to_numpy())
        yield start, frame
    _refuse_repeated_ids(path, table.id_column, np.concatenate(seen) if seen else np.array([]), first_row)


def _refuse_repeated_ids(path, column, hashes, first_row):
    order = np.argsort(hashes, kind="stable")
    repeated = np.flatnonzero(hashes[order][1:] == hashes[order][:-1])
    if len(repeated):
        rows = sorted(int(order[i]) + first_row for i in (repeated[0], repeated[0] + 1))
        raise InputError(located(path, f"column {column!r}: ids must be unique, but rows {rows[0]} and "
                                       f"{rows[1]} have the same id; fix the file or choose another --id-column"))
