"""The table formats qualcode reads and writes, in one registry.

Each :class:`Format` says, for its file extensions, how a file is read whole (into a
:class:`~qualcode.io.grid.Sheet` of strings), read in chunks (a
:class:`~qualcode.io.readers.Stream`, for large files), written whole and appended chunk by
chunk. Everything that reads or writes a table file asks :func:`format_of` which to use.
"""
from dataclasses import dataclass
from pathlib import Path

from qualcode.errors import InputError, located
from qualcode.io.escape import restore_column, restore_formula
from qualcode.io.grid import check_cell_sizes
from qualcode.io.readers import (read_delimited, read_json_lines, read_parquet, read_workbook,
                                 require_file, stream_delimited, stream_parquet)
from qualcode.io.sidecar import formulas_neutralised
from qualcode.io.writers import (check_xlsx_cells, csv_appender, jsonl_appender, parquet_appender, whole,
                                 write_markdown, write_xlsx)


@dataclass(frozen=True)
class Format:
    """One table format: the extensions it is read from and written to, and its functions.

    ``read(path, options)`` gives a Sheet; ``stream(path, options, chunk_size)`` a Stream or
    None (then the file is read whole); ``append(path, verbatim)`` is a context manager
    yielding ``append(frame)``; ``write(frame, path, verbatim)`` writes a whole table.
    ``check(frame, target)`` raises InputError for a table the format cannot hold.
    ``options`` are the reading options of :func:`qualcode.io.read_answers` (``sheet``,
    ``delimiter``, ``encoding``).
    """

    name: str
    suffixes: tuple
    written: tuple = ()
    read: object = None
    stream: object = None
    append: object = None
    write: object = None
    check: object = None


FORMATS = (
    Format("CSV", (".csv", ".tsv", ".txt", ".tab"), (".csv",),
           read=lambda path, options: read_delimited(path, options.get("delimiter"), options.get("encoding")),
           stream=stream_delimited, append=csv_appender, write=whole(csv_appender)),
    Format("Excel workbook", (".xlsx", ".xlsm"), (".xlsx",),
           read=lambda path, options: read_workbook(path, options.get("sheet")), write=write_xlsx,
           check=check_xlsx_cells),
    Format("JSON Lines", (".jsonl", ".ndjson"), (".jsonl",),
           read=lambda path, options: read_json_lines(path, options.get("encoding")),
           append=jsonl_appender, write=whole(jsonl_appender)),
    Format("Parquet", (".parquet", ".pq"), (".parquet",),
           read=lambda path, options: read_parquet(path), stream=stream_parquet,
           append=parquet_appender, write=whole(parquet_appender)),
    Format("Markdown", (".md",), (".md",), write=write_markdown),
)
READABLE = tuple(suffix for f in FORMATS if f.read for suffix in f.suffixes)
WRITABLE = tuple(suffix for f in FORMATS for suffix in f.written)
APPENDABLE = tuple(suffix for f in FORMATS if f.append for suffix in f.written)


def format_of(path, writing=False):
    """The :class:`Format` of ``path`` by its extension (among those written, when
    ``writing``), or None."""
    suffix = Path(path).suffix.lower()
    return next((f for f in FORMATS if suffix in (f.written if writing else f.suffixes)), None)


def read_sheet(path, sheet=None, delimiter=None, encoding=None):
    """Read ``path`` (.csv .tsv .txt .xlsx .jsonl .parquet) into a Sheet of string cells.

    ``sheet`` (a name, or a number counted from 1) picks the workbook sheet; ``delimiter`` and
    ``encoding`` override the detection for delimited text. A CSV whose sidecar says that its
    formula-like cells were neutralised (a report's coded.csv) is read as it was before.
    Raises InputError for bad input.
    """
    path = Path(path)
    require_file(path)
    found = format_of(path)
    if found is None or found.read is None:
        raise InputError(located(
            path, f"unknown file type {path.suffix or '(no extension)'!r}; qualcode reads "
                  f"{', '.join(READABLE)}; save the answers as one of them"))
    result = found.read(path, {"sheet": sheet, "delimiter": delimiter, "encoding": encoding})
    check_cell_sizes(result, path)
    if formulas_neutralised(path):
        result.frame = result.frame.apply(restore_column).set_axis(
            [restore_formula(column) for column in result.frame.columns], axis=1)
    return result
