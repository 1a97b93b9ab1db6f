"""Reading each kind of table file into a :class:`~qualcode.io.grid.Sheet` of strings, whole,
or (large CSV and Parquet files) as a :class:`Stream` of chunks.

Every cell becomes a string, unchanged as the analyst sees it: ids keep their leading zeros,
empty cells become "", whole numbers stored as floats lose the ".0" Excel never showed.
:mod:`qualcode.io.formats` says which reader reads which file.
"""
import csv
import difflib
import errno
import io
import json
import os
import re
import warnings
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import pandas as pd

from qualcode.errors import InputError, located
from qualcode.io.archives import refuse_zip_bomb
from qualcode.io.cells import cell_text, text_frame
from qualcode.io.decode import SIGNATURES, decode_text
from qualcode.io.grid import Sheet, empty_file, rows_to_sheet, unique_names
from qualcode.progress import explain

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
SNIFFED_RECORDS = 50
SHEET_NAMESPACE = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OOXML_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")
HEAD_BYTES = 256 * 2**10  # read to find a streamed file's header, delimiter and column roles
HEAD_ROWS = 100  # rows of a streamed Parquet file read to find its column roles
MAX_WHOLE_CELLS = 100_000_000  # cells of a file read at once (each becomes a Python string)


@dataclass
class Stream:
    """A file read in chunks: its first rows (string cells) and, on each call of ``chunks()``,
    (index of the chunk's first row, DataFrame of string cells) pairs. ``first_row`` is the
    number the analyst sees for the first data row (2 below a CSV header)."""

    head: pd.DataFrame
    chunks: object
    first_row: int


def read_delimited(path, delimiter=None, encoding=None):
    """Read CSV/TSV text: encoding and delimiter detected unless given; Excel's 'sep=' honoured."""
    given = delimiter_option(delimiter, path) if delimiter else None
    text = decode_text(_read_bytes(path), path, encoding)
    first_line, _, rest = text.partition("\n")
    first_line = first_line.rstrip("\r")
    stated = None
    if len(first_line) == 5 and first_line.lower().startswith("sep="):
        stated, text = first_line[4], rest
    delimiter = given or stated or sniff_delimiter(text, path)
    explain(f"{path}: delimiter {delimiter!r}")
    return rows_to_sheet(_parse_records(text, delimiter, path), path)


def stream_delimited(path, options, chunk_size):
    """A :class:`Stream` of a CSV file with a plain one-row header (pandas reads the chunks), or
    None when its head does not decode as UTF-8 (nor ``encoding``) or it has title rows, a
    two-row header or blank or repeated column names: :func:`read_delimited` reads those."""
    given = delimiter_option(options.get("delimiter"), path) if options.get("delimiter") else None
    encoding = options.get("encoding")
    head = _head_text(path, encoding)
    if head is None:
        return None
    skip = 1 if head[:4].lower() == "sep=" and head[5:6] in "\r\n" else 0
    delimiter = given or (head[4] if skip else sniff_delimiter(head, path))
    records = _head_records(head, delimiter, skip)
    if not records:
        return None
    sheet = rows_to_sheet(records, path, ragged_is_error=False)
    header = records[0]
    if sheet.positions[0] != 2 or any(not c.strip() for c in header) or len(set(header)) < len(header):
        return None
    settings = dict(sep=delimiter, encoding=encoding or "utf-8-sig", dtype=str, keep_default_na=False,
                    na_filter=False, skiprows=skip, chunksize=chunk_size)

    def chunks():
        explain(f"{path}: read in chunks of {chunk_size:,} rows")
        try:
            with pd.read_csv(path, **settings) as reader:
                yield from ((i * chunk_size, frame) for i, frame in enumerate(reader))
        except (pd.errors.ParserError, UnicodeDecodeError) as error:
            raise InputError(located(path, f"cannot be read as a delimited table ({error}); "
                                           "check --delimiter, --encoding and the quoting")) from None

    return Stream(sheet.frame, chunks, 2 + skip)


def _head_records(head, delimiter, skip):
    """The complete records of the head (the last line may be cut); [] when it does not parse."""
    try:
        return list(csv.reader(io.StringIO(head.rsplit("\n", 1)[0], newline=""), delimiter=delimiter))[skip:]
    except csv.Error:
        return []


def _head_text(path, encoding):
    """The first bytes of ``path`` as text, or None when they are not UTF-8 (nor ``encoding``)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(HEAD_BYTES)
    except OSError as error:
        raise _unreadable(path, error) from None
    if encoding:
        return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        cut = error.start >= len(data) - 3  # a character cut at the end of the head
        return data[:error.start].decode("utf-8-sig") if cut else None


def sniff_delimiter(text, path):
    """The delimiter among , ; tab | that splits the first records most consistently."""
    preferred = ("\t",) if Path(path).suffix.lower() in (".tsv", ".tab") else ()
    candidates = preferred + tuple(d for d in DELIMITERS if d not in preferred)
    scores = {d: _consistency(text, d) for d in candidates}
    best = max(candidates, key=lambda d: (scores[d], -candidates.index(d)))
    return best if scores[best] > (0, 1) else candidates[0]


def _consistency(text, delimiter):
    """(share of records as wide as the header, header width), or (0, 0) when unparsable."""
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        records = [record for record in islice(reader, SNIFFED_RECORDS) if record]
    except csv.Error:
        return (0, 0)
    if not records or len(records[0]) < 2:
        return (0, 0)
    width = len(records[0])
    same = sum(len(record) == width for record in records[1:])
    return (same / max(len(records) - 1, 1), width)


def delimiter_option(delimiter, path):
    """The delimiter the analyst gave (--delimiter): one of , ; tab | (or their names)."""
    chosen = DELIMITER_NAMES.get(delimiter.lower(), delimiter)
    if chosen not in DELIMITERS:
        raise InputError(located(
            path, f"--delimiter {delimiter!r} is not one qualcode reads; give one of , ; tab |"
                  " (or leave it out to detect it)"))
    return chosen


def _parse_records(text, delimiter, path):
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as error:
        raise InputError(located(
            path, f"a quotation mark is not closed or is followed by text ({error}); "
                  "fix the quoting in that row or check --delimiter",
            row=len(records) + 1)) from None
    return records


def read_workbook(path, sheet=None):
    """Read one sheet of an .xlsx workbook (the first unless ``sheet`` names or numbers one)."""
    import openpyxl  # imported here: loading it costs time every other command can save

    _refuse_non_workbook(path)
    refuse_zip_bomb(path, "open it in Excel and save it again, or export the answers as CSV")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            name = _sheet_name(workbook.sheetnames, sheet, path)
            explain(f"{path}: sheet {name!r} of {len(workbook.sheetnames)}")
            worksheet = workbook[name]
            worksheet.reset_dimensions()
            rows = [[_unescaped(cell_text(value)) for value in row]
                    for row in worksheet.iter_rows(min_row=1, min_col=1, values_only=True)]
            merged, unsaved = _merged_and_unsaved(workbook, worksheet)
        finally:
            workbook.close()
    except InputError:
        raise
    except Exception as error:  # a damaged workbook fails in zipfile, XML or openpyxl code
        raise InputError(located(
            path, f"cannot be opened as an Excel workbook ({type(error).__name__}: {error}); "
                  "open it in Excel and save it again")) from None
    if unsaved:
        cells = "1 cell holds" if len(unsaved) == 1 else f"{len(unsaved)} cells hold"
        warnings.warn(located(path, f"sheet {name!r}: {cells} a formula whose value was never saved "
                                    f"(the first is {unsaved[0]}), read as empty; "
                                    "open the workbook in Excel and save it again"), stacklevel=2)
    return rows_to_sheet(rows, path, ragged_is_error=False, merged=merged)


def _merged_and_unsaved(workbook, worksheet):
    """The sheet's merged ranges as (first row, first column, last row, last column), and the
    cells holding a formula without a saved value (which openpyxl reads as empty), from the
    sheet's XML (openpyxl's read-only mode gives neither)."""
    from lxml import etree
    from openpyxl.utils.cell import range_boundaries

    archive, part = getattr(workbook, "_archive", None), getattr(worksheet, "_worksheet_path", None)
    if archive is None or part is None:
        return [], []
    cell, formula, value, row, merge = (f"{{{SHEET_NAMESPACE}}}{tag}" for tag in ("c", "f", "v", "row", "mergeCell"))
    merged, unsaved = [], []
    with archive.open(part) as source:
        for _, element in etree.iterparse(source, events=("end",), tag=(cell, row, merge),
                                          resolve_entities=False, no_network=True):
            if element.tag == merge:
                first_column, first_row, last_column, last_row = range_boundaries(element.get("ref"))
                merged.append((first_row, first_column, last_row, last_column))
            elif element.tag == cell and element.find(formula) is not None and _unsaved(element.find(value), element):
                unsaved.append(element.get("r"))
            elif element.tag == row:
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
    return merged, unsaved


def _unescaped(text):
    """Text as Excel shows it: OOXML escapes (``_x001B_`` for ESC, ``_x005F_`` for "_") decoded."""
    return OOXML_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text) if "_x" in text else text


def _unsaved(value, cell):
    """Whether a formula cell lacks its saved value: no <v>, or an empty one that is not an
    empty text result (t="str")."""
    return value is None or (not value.text and cell.get("t") != "str")


def _refuse_non_workbook(path):
    head = _head(path)
    if head.startswith(b"PK\x03\x04"):
        return
    what = next((what for signature, what in SIGNATURES if head.startswith(signature)), None)
    raise InputError(located(path, f"this is not an .xlsx workbook but {what}" if what else
                             "this is not an .xlsx workbook; open it in Excel and save it as .xlsx"))


def _sheet_name(names, sheet, path):
    if sheet is None or sheet == "":
        return names[0]
    if str(sheet) in names:
        return str(sheet)
    listed = ", ".join(repr(name) for name in names)
    if str(sheet).strip().lstrip("-").isdigit():
        number = int(sheet)
        if 1 <= number <= len(names):
            return names[number - 1]
        raise InputError(located(
            path, f"there is no sheet number {number} (sheets are counted from 1); "
                  f"the workbook has {len(names)}: {listed}"))
    raise InputError(located(path, f"there is no sheet {sheet!r}; the sheets are {listed}"))


def read_json_lines(path, encoding=None):
    """Read JSON Lines: one object per line, keys are columns (missing keys become "")."""
    text = decode_text(_read_bytes(path), path, encoding)
    records, lines = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        records.append(_json_object(line, number, path))
        lines.append(number)
    if not records:
        raise empty_file(path)
    columns = list(dict.fromkeys(key for record in records for key in record))
    cells = [[cell_text(record.get(column)) for column in columns] for record in records]
    names = unique_names([cell_text(column) for column in columns])
    return Sheet(pd.DataFrame(cells, columns=names, dtype="str"), lines, unit="line")


def _json_object(line, number, path):
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(located(
            path, f"not valid JSON ({error.msg} at column {error.colno}); each line must be "
                  "one JSON object", line=number)) from None
    if not isinstance(record, dict):
        raise InputError(located(
            path, f"a JSON {type(record).__name__} where an object {{...}} was expected; "
                  "each line must be one answer as a JSON object", line=number))
    return record


def read_parquet(path):
    """Read a Parquet file; record 1 is reported as row 1. A file holding more than
    MAX_WHOLE_CELLS cells (by its metadata: Parquet packs repeated values into next to nothing)
    is refused before it is read."""
    import pyarrow.parquet as pq

    _refuse_non_parquet(path)
    try:
        metadata = pq.read_metadata(path)
        if metadata.num_rows * max(metadata.num_columns, 1) > MAX_WHOLE_CELLS:
            raise InputError(located(path, f"it holds {metadata.num_rows:,} rows of {metadata.num_columns} "
                                           f"columns, more than the {MAX_WHOLE_CELLS:,} cells read at once; split "
                                           "it, or code it with 'qualcode code --engine dask'"))
        frame = pd.read_parquet(path)
    except InputError:
        raise
    except Exception as error:  # pyarrow raises many types for damaged files
        raise InputError(located(path, f"cannot read this Parquet file ({error})")) from None
    if not frame.columns.size or not len(frame):
        raise InputError(located(path, "the file has no answers"))
    return frame_sheet(frame)


def frame_sheet(frame):
    """A DataFrame as a Sheet of the texts a spreadsheet would show; record 1 is row 1."""
    return Sheet(text_frame(frame), list(range(1, len(frame) + 1)))


def stream_parquet(path, options, chunk_size):
    """A :class:`Stream` of a Parquet file's record batches (None when it has no rows)."""
    import pyarrow.parquet as pq

    _refuse_non_parquet(path)
    try:
        parquet = pq.ParquetFile(path)
        if not parquet.metadata.num_rows:
            return None
        head = text_frame(next(parquet.iter_batches(batch_size=HEAD_ROWS)).to_pandas())
    except Exception as error:  # pyarrow raises many types for damaged files
        raise InputError(located(path, f"cannot read this Parquet file ({error})")) from None

    def chunks():
        explain(f"{path}: read in chunks of {chunk_size:,} rows")
        batches = pq.ParquetFile(path).iter_batches(batch_size=chunk_size)
        yield from ((i * chunk_size, text_frame(batch.to_pandas())) for i, batch in enumerate(batches))

    return Stream(head, chunks, 1)


def _refuse_non_parquet(path):
    if not _head(path).startswith(b"PAR1"):
        raise InputError(located(path, "this is not a Parquet file; check the file or its extension"))


def require_file(path):
    """Raise InputError unless ``path`` is a file (naming a close name when it does not exist)."""
    if path.is_dir():
        raise InputError(located(path, "this is a folder; give the answer file inside it"))
    try:
        path.stat()
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise InputError(located(path, "this link leads back to itself (a loop of symbolic links); "
                                           "give the file itself")) from None
        if path.is_symlink():
            raise InputError(located(path, f"this link points to {os.readlink(path)!r}, which does not "
                                           "exist; give the file itself")) from None
        raise InputError(located(path, "no such file; check the path" + _nearby_hint(path))) from None


def _nearby_hint(path):
    folder = path.parent if path.parent.is_dir() else None
    names = [p.name for p in folder.iterdir() if p.is_file()] if folder else []
    close = difflib.get_close_matches(path.name, names, n=1, cutoff=0.8)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _head(path, size=8):
    try:
        with path.open("rb") as file:
            return file.read(size)
    except OSError as error:
        raise _unreadable(path, error) from None


def _read_bytes(path):
    try:
        return path.read_bytes()
    except OSError as error:
        raise _unreadable(path, error) from None


def _unreadable(path, error):
    return InputError(located(path, f"cannot be read ({error.strerror}); check its permissions"))
