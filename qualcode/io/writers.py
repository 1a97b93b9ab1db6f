"""Writing a table in each format, to a path it is given (:mod:`qualcode.io.outputs` makes that
path a staged one, so the output appears whole or not at all).

CSV, JSON Lines and Parquet are appended chunk by chunk; a table written at once is one chunk,
so both give the same bytes. CSV is UTF-8 with a byte-order mark (Excel shows å, ä, ö right),
comma-separated, CRLF between rows; its text cells that a spreadsheet would run as formulas are
neutralised unless the table is data to be read back (``verbatim``). .xlsx holds text as text
cells, never formulas; Markdown is a pipe table for reports.
"""
import datetime as dt
import re
from contextlib import contextmanager

import pandas as pd

from qualcode.errors import InputError, located
from qualcode.io.cells import cell_text, is_missing
from qualcode.io.escape import markdown_text, neutralise_column, neutralise_formula

MAX_XLSX_CELL_CHARS = 32_767
# characters XML cannot hold, and text that looks like OOXML's escape of one (_x001B_), which Excel
# would decode: both are written as OOXML escapes, so Excel shows the text as it was
XLSX_ESCAPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")
XLSX_UNWRITABLE = re.compile("[\ud800-\udfff\ufffe\uffff]")
XLSX_SHEET_NAME_CHARS = 31
XLSX_MAX_ROWS = 1_048_576
XLSX_SHEET_NAME_ILLEGAL = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
XLSX_MAX_WIDTH = 80
XLSX_WIDTH_SAMPLE = 200  # values read to size a column


@contextmanager
def csv_appender(path, verbatim=False):
    """Yield ``append(frame)``, which adds rows (the header first) to a CSV file."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        def append(frame):
            if not verbatim:
                frame = neutralised(frame)
            frame.to_csv(handle, index=False, header=handle.tell() == 0, lineterminator="\r\n")
        yield append


def neutralised(frame):
    """``frame`` with its header and text cells made inert for spreadsheets (OWASP)."""
    safe = frame
    for number in range(frame.shape[1]):
        values = frame.iloc[:, number]
        neutral = neutralise_column(values)
        if neutral is not values:
            safe = safe.copy() if safe is frame else safe
            safe.isetitem(number, neutral)
    columns = [neutralise_formula(c) if isinstance(c, str) else c for c in frame.columns]
    if columns != list(frame.columns):
        safe = safe.set_axis(columns, axis=1)
    return safe


@contextmanager
def jsonl_appender(path, verbatim=True):
    """Yield ``append(frame)``, which adds one JSON object a row to a JSON Lines file."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        def append(frame):
            text = frame.to_json(orient="records", lines=True, force_ascii=False, date_format="iso")
            handle.write(text if text.endswith("\n") or not text else text + "\n")
        yield append


@contextmanager
def parquet_appender(path, verbatim=True):
    """Yield ``append(frame)``, which adds a row group to a Parquet file (columns as the first)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    try:
        def append(frame):
            nonlocal writer
            table = pa.Table.from_pandas(frame.rename(columns=str), preserve_index=False,
                                         schema=writer.schema if writer else None)
            writer = writer or pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
        yield append
    finally:
        if writer is not None:
            writer.close()


def whole(appender):
    """A writer of a whole frame made of an appender: the frame as its one chunk."""
    def write(frame, path, verbatim=False):
        with appender(path, verbatim) as append:
            append(frame)
    return write


def write_markdown(frame, path, verbatim=False):
    """``frame`` as a Markdown pipe table (see :func:`markdown_table`)."""
    path.write_text(markdown_table(frame), encoding="utf-8")


def markdown_table(frame):
    """``frame`` as a Markdown pipe table: text literal (no HTML, no links), '|' escaped and
    line breaks as <br>."""
    def cell(value):
        text = markdown_text(cell_text(value))
        return text.replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")

    lines = ["| " + " | ".join(cell(c) for c in frame.columns) + " |",
             "|" + "|".join("---" for _ in frame.columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |"
              for row in frame.itertuples(index=False, name=None)]
    return "\n".join(lines) + "\n"


def check_xlsx_cells(frame, path, first_row=2):
    """Raise InputError naming the first cell longer than Excel's 32,767 characters (rows counted
    from ``first_row``, the row of the frame's first row in the sheet)."""
    for column, values in _columns(frame):
        if values.dtype.kind in "biufcmM":
            continue
        lengths = values.map(lambda v: len(v) if isinstance(v, str) else 0)
        if lengths.gt(MAX_XLSX_CELL_CHARS).any():
            index = int(lengths.to_numpy().argmax())
            raise InputError(located(
                path, f"a cell has {lengths.iloc[index]:,} characters, more than the "
                      f"{MAX_XLSX_CELL_CHARS:,} Excel can hold; write .csv instead",
                row=index + first_row, field=str(column)))


def write_xlsx(frame, path, verbatim=False):
    """``frame`` as a workbook of one sheet, "answers"."""
    write_sheets({"answers": frame}, path, path)


def write_sheets(sheets, path, named):
    """Write ``sheets`` as one .xlsx workbook at ``path`` (errors name ``named``, the output).

    ``sheets`` maps each sheet's name to a DataFrame, or to a function returning DataFrames
    (chunks of one table, read as they are written). Rows stream to the file (openpyxl's
    write-only mode), so a sheet of a million answers costs little memory; rows beyond Excel's
    limit of 1,048,576 are left out. Text stays text (an answer "=)" is no formula; control
    characters are escaped), the header is bold and frozen, and columns are as wide as their
    first values.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    for name, content in sheets.items():
        sheet = workbook.create_sheet(_sheet_name(name))
        sheet.freeze_panes = "A2"
        cell = _cell_writer(sheet)
        room, first_row = XLSX_MAX_ROWS - 1, 2
        for number, frame in enumerate([content] if isinstance(content, pd.DataFrame) else content()):
            if number == 0:
                for position, (column, values) in enumerate(_columns(frame), 1):
                    sheet.column_dimensions[get_column_letter(position)].width = _xlsx_width(column, values)
                header = [cell(str(column)) for column in frame.columns]
                for heading in header:
                    heading.font = Font(bold=True)
                sheet.append(header)
            check_xlsx_cells(frame, named, first_row)
            for row in frame.head(room).itertuples(index=False, name=None):
                sheet.append([cell(value) for value in row])
            room, first_row = room - min(room, len(frame)), first_row + len(frame)
    workbook.save(path)


def _sheet_name(name):
    """A name Excel accepts for a sheet: at most 31 characters, none of []:*?/\\ or controls."""
    return XLSX_SHEET_NAME_ILLEGAL.sub("_", str(name))[:XLSX_SHEET_NAME_CHARS].strip("'") or "Sheet"


def _cell_writer(sheet):
    """A function turning a value into what ``sheet`` stores: numbers and naive dates as
    they are, everything else as text cells (never formulas), control characters escaped."""
    from openpyxl.cell import WriteOnlyCell

    def cell(value):
        if hasattr(value, "item") and not isinstance(value, str):
            value = value.item()
        if is_missing(value):
            return None
        if isinstance(value, (bool, int, float)) or (
                isinstance(value, (dt.date, dt.datetime)) and getattr(value, "tzinfo", None) is None):
            return value
        written = WriteOnlyCell(sheet, xlsx_text(cell_text(value)))
        written.data_type = "s"
        return written

    return cell


def xlsx_text(text):
    """``text`` as an .xlsx cell holds it: control characters as OOXML escapes (``_x001B_``,
    which Excel shows as the character), surrogates and non-characters as U+FFFD."""
    text = XLSX_UNWRITABLE.sub("\ufffd", text)
    return XLSX_ESCAPED.sub(lambda match: f"_x{ord(match.group()):04X}_", text)


def _columns(frame):
    """(name, values) of each column, by position: names may repeat (a method sheet's "")."""
    return [(column, frame.iloc[:, number]) for number, column in enumerate(frame.columns)]


def _xlsx_width(column, values):
    longest = max([len(str(column))] + [len(cell_text(v)) for v in values.head(XLSX_WIDTH_SAMPLE)])
    return min(XLSX_MAX_WIDTH, longest + 2)
