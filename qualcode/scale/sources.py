"""Answers read chunk by chunk: large CSV and Parquet files stream, anything else is read whole.

A long-format CSV or Parquet file larger than :data:`STREAM_FROM_BYTES` that has an id column
is read :data:`chunk_size` rows at a time (pandas / pyarrow), so memory stays bounded however
many answers it holds. Every other input (workbooks, JSON Lines, wide tables, files without an
id column, CSV with title rows or a two-row header) goes through :func:`qualcode.io.read_answers`
whole and is then handed out in chunks: the same rows, the same column roles.
"""
import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from qualcode.errors import InputError, located
from qualcode.io import AnswerTable, read_answers
from qualcode.io.cells import cell_text
from qualcode.io.columns import require_column
from qualcode.io.grid import rows_to_sheet
from qualcode.io.readers import DELIMITER_NAMES, sniff_delimiter
from qualcode.progress import explain

STREAM_FROM_BYTES = 64 * 2**20
HEAD_BYTES = 256 * 2**10  # read to find the header, the delimiter and the column roles
CSV_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
PARQUET_SUFFIXES = (".parquet", ".pq")


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
    suffix = path.suffix.lower()
    return (suffix in CSV_SUFFIXES + PARQUET_SUFFIXES and not reading.get("wide")
            and path.is_file() and path.stat().st_size >= STREAM_FROM_BYTES)


def whole_source(table, chunk_size):
    """An :class:`AnswerSource` handing out the rows of an AnswerTable already in memory."""
    def chunks():
        for start in range(0, len(table.frame), chunk_size):
            yield start, table.frame.iloc[start:start + chunk_size]

    return AnswerSource(table, chunks)


def _streamed_source(path, reading, chunk_size):
    if path.suffix.lower() in PARQUET_SUFFIXES:
        return _parquet_source(path, reading, chunk_size)
    return _csv_source(path, reading, chunk_size)


def _csv_source(path, reading, chunk_size):
    head = _head_text(path, reading.get("encoding"))
    if head is None:
        return None
    skip = 1 if head[:4].lower() == "sep=" and head[5:6] in "\r\n" else 0
    given = reading.get("delimiter")
    delimiter = DELIMITER_NAMES.get(given.lower(), given) if given else head[4] if skip else sniff_delimiter(head, path)
    records = _head_records(head, delimiter, skip) if len(delimiter) == 1 else []
    if not records:
        return None  # let qualcode.io read it (and name what is wrong)
    sheet = rows_to_sheet(records, path, ragged_is_error=False)
    if sheet.positions[0] != 2 or any(not c.strip() for c in records[0]) or len(set(records[0])) < len(records[0]):
        return None  # title rows, a two-row header or odd column names: let qualcode.io read it
    table = head_table(sheet.frame, path, reading)
    if table is None:
        return None
    options = dict(sep=delimiter, encoding=reading.get("encoding") or "utf-8-sig", dtype=str,
                   keep_default_na=False, na_filter=False, skiprows=skip, chunksize=chunk_size)

    def chunks():
        explain(f"{path}: read in chunks of {chunk_size:,} rows")
        try:
            with pd.read_csv(path, **options) as reader:
                yield from _checked(path, table, ((i * chunk_size, f) for i, f in enumerate(reader)), 2 + skip)
        except (pd.errors.ParserError, UnicodeDecodeError) as error:
            raise InputError(located(path, f"cannot be read as a delimited table ({error}); "
                                           "check --delimiter, --encoding and the quoting")) from None

    return AnswerSource(table, chunks)


def _parquet_source(path, reading, chunk_size):
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises many types for damaged files
        raise InputError(located(path, f"cannot read this Parquet file ({error})")) from None
    if not parquet.metadata.num_rows:
        return None
    head = cells(next(parquet.iter_batches(batch_size=100)).to_pandas())
    table = head_table(head, path, reading)
    if table is None:
        return None

    def chunks():
        explain(f"{path}: read in chunks of {chunk_size:,} rows")
        batches = pq.ParquetFile(path).iter_batches(batch_size=chunk_size)
        frames = ((i * chunk_size, cells(batch.to_pandas())) for i, batch in enumerate(batches))
        yield from _checked(path, table, frames, 1)

    return AnswerSource(table, chunks)


def _head_records(head, delimiter, skip):
    """The complete records of the head (the last line may be cut); [] when it does not parse."""
    try:
        return list(csv.reader(io.StringIO(head.rsplit("\n", 1)[0], newline=""), delimiter=delimiter))[skip:]
    except csv.Error:
        return []


def _head_text(path, encoding):
    """The first bytes of ``path`` as text, or None when they are not UTF-8 (nor ``encoding``)."""
    with path.open("rb") as handle:
        data = handle.read(HEAD_BYTES)
    if encoding:
        return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        cut = error.start >= len(data) - 3  # a character cut at the end of the head
        return data[:error.start].decode("utf-8-sig") if cut else None


def head_table(frame, path, reading):
    """Column roles from the first rows, as qualcode.io names them; None without an id column."""
    columns = [str(c).strip() for c in frame.columns]
    id_column = reading.get("id_column")
    if id_column not in columns:
        return None
    text = require_column(columns, reading.get("text_column") or "text", "--text-column", path)
    question = _role(columns, reading.get("question_column"), "question", "--question-column", path)
    respondent = _role(columns, reading.get("respondent_column"), "respondent", "--respondent-column", path)
    attributes = [c for c in columns if c not in {id_column, text, question, respondent}]
    return AnswerTable(frame.set_axis(columns, axis=1), id_column, text, question, respondent, attributes, {}, path)


def _role(columns, given, default, option, path):
    if given:
        return require_column(columns, given, option, path)
    return default if default in columns else None


def cells(frame):
    """Every cell as the text a spreadsheet shows (as qualcode.io reads Parquet)."""
    return pd.DataFrame({str(c): [cell_text(v) for v in frame[c].tolist()] for c in frame.columns}, dtype="str")


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
