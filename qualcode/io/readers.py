"""Reading a table file of any supported kind into a :class:`~qualcode.io.grid.Sheet` of strings.

Every cell becomes a string, unchanged as the analyst sees it: ids keep their leading zeros,
empty cells become "", whole numbers stored as floats lose the ".0" Excel never showed.
"""
import csv
import difflib
import io
import json
from itertools import islice
from pathlib import Path

import pandas as pd

from qualcode.errors import InputError, located
from qualcode.io.cells import cell_text
from qualcode.io.decode import SIGNATURES, decode_text
from qualcode.io.grid import Sheet, check_cell_sizes, empty_file, rows_to_sheet
from qualcode.progress import explain

DELIMITED = (".csv", ".tsv", ".txt", ".tab")
WORKBOOKS = (".xlsx", ".xlsm")
JSON_LINES = (".jsonl", ".ndjson")
PARQUET = (".parquet", ".pq")
READABLE = DELIMITED + WORKBOOKS + JSON_LINES + PARQUET
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
SNIFFED_RECORDS = 50


def read_sheet(path, sheet=None, delimiter=None, encoding=None):
    """Read ``path`` (.csv .tsv .txt .xlsx .jsonl .parquet) into a Sheet of string cells.

    ``sheet`` (a name, or a number counted from 1) picks the workbook sheet; ``delimiter`` and
    ``encoding`` override the detection for delimited text. Raises InputError for bad input.
    """
    path = Path(path)
    _require_file(path)
    suffix = path.suffix.lower()
    if suffix in DELIMITED:
        result = read_delimited(path, delimiter, encoding)
    elif suffix in WORKBOOKS:
        result = read_workbook(path, sheet)
    elif suffix in JSON_LINES:
        result = read_json_lines(path, encoding)
    elif suffix in PARQUET:
        result = read_parquet(path)
    else:
        raise InputError(located(
            path, f"unknown file type {path.suffix or '(no extension)'!r}; qualcode reads "
                  f"{', '.join(READABLE)}; save the answers as one of them"))
    check_cell_sizes(result, path)
    return result


def read_delimited(path, delimiter=None, encoding=None):
    """Read CSV/TSV text: encoding and delimiter detected unless given; Excel's 'sep=' honoured."""
    text = decode_text(_read_bytes(path), path, encoding)
    first_line, _, rest = text.partition("\n")
    first_line = first_line.rstrip("\r")
    if len(first_line) == 5 and first_line.lower().startswith("sep="):
        delimiter, text = delimiter or first_line[4], rest
    delimiter = _delimiter_option(delimiter, path) if delimiter else sniff_delimiter(text, path)
    explain(f"{path}: delimiter {delimiter!r}")
    return rows_to_sheet(_parse_records(text, delimiter, path), path)


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


def _delimiter_option(delimiter, path):
    delimiter = DELIMITER_NAMES.get(delimiter.lower(), delimiter)
    if len(delimiter) != 1:
        raise InputError(located(
            path, f"--delimiter must be one character (or 'tab'), not {delimiter!r}"))
    return delimiter


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
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            name = _sheet_name(workbook.sheetnames, sheet, path)
            explain(f"{path}: sheet {name!r} of {len(workbook.sheetnames)}")
            worksheet = workbook[name]
            worksheet.reset_dimensions()
            rows = [[cell_text(value) for value in row]
                    for row in worksheet.iter_rows(min_row=1, min_col=1, values_only=True)]
        finally:
            workbook.close()
    except InputError:
        raise
    except Exception as error:  # a damaged workbook fails in zipfile, XML or openpyxl code
        raise InputError(located(
            path, f"cannot be opened as an Excel workbook ({type(error).__name__}: {error}); "
                  "open it in Excel and save it again")) from None
    return rows_to_sheet(rows, path, ragged_is_error=False)


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
    cells = [[_json_cell(record.get(column)) for column in columns] for record in records]
    return Sheet(pd.DataFrame(cells, columns=columns, dtype="str"), lines, unit="line")


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


def _json_cell(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return cell_text(value)


def read_parquet(path):
    """Read a Parquet file; record 1 is reported as row 1."""
    if not _head(path).startswith(b"PAR1"):
        raise InputError(located(path, "this is not a Parquet file; check the file or its extension"))
    try:
        frame = pd.read_parquet(path)
    except Exception as error:  # pyarrow raises many types for damaged files
        raise InputError(located(path, f"cannot read this Parquet file ({error})")) from None
    if not frame.columns.size or not len(frame):
        raise InputError(located(path, "the file has no answers"))
    return frame_sheet(frame)


def frame_sheet(frame):
    """A DataFrame as a Sheet of the texts a spreadsheet would show; record 1 is row 1."""
    cells = {str(column): [cell_text(value) for value in frame[column].tolist()]
             for column in frame.columns}
    return Sheet(pd.DataFrame(cells, dtype="str", index=range(len(frame))), list(range(1, len(frame) + 1)))


def _require_file(path):
    if path.is_dir():
        raise InputError(located(path, "this is a folder; give the answer file inside it"))
    if not path.exists():
        raise InputError(located(path, "no such file; check the path" + _nearby_hint(path)))


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
