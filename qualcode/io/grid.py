"""From rows of cells, as a spreadsheet shows them, to a table of strings with named columns.

Shared by the CSV and XLSX readers, so both treat title rows, two-row headers (SurveyMonkey,
merged header cells), blank and repeated column names, blank rows and ragged rows alike.
Row numbers are those the analyst sees in Excel: the first row of the file is row 1.
"""
import re
from dataclasses import dataclass

import pandas as pd
from openpyxl.utils import get_column_letter

from qualcode.errors import InputError, located
from qualcode.progress import explain

MAX_CELL_CHARS = 100_000
NUMBER_OR_DATE = re.compile(r"[\d\s.,:/+\-]+")
TITLE_ROWS_SEARCHED = 10


@dataclass
class Sheet:
    """A table read from a file: string cells, plus where each row is in the file."""

    frame: pd.DataFrame
    positions: list  # the row (or line) number of each frame row, as the analyst sees it
    unit: str = "row"  # "row" for spreadsheets and CSV, "line" for JSONL

    def locate(self, path, index, message, field=None):
        """``located`` for the frame row at ``index``, in the file's own numbering."""
        return located(path, message, field=field, **{self.unit: self.positions[index]})


def rows_to_sheet(rows, path, ragged_is_error=True, merged=()):
    """Build a :class:`Sheet` from ``rows`` (lists of str; row 1 first), finding the header.

    ``merged`` holds a workbook's merged cell ranges as (first row, first column, last row,
    last column), counted from 1: below the header, every cell of a merged range takes the
    value of its first cell (a respondent merged over the rows of their answers).
    Raises InputError for an empty table, a header without rows, and, when
    ``ragged_is_error``, for a row with more or fewer cells than the header.
    """
    numbered = [(number, row) for number, row in enumerate(rows, start=1) if any(map(str.strip, row))]
    if not numbered:
        raise empty_file(path)
    start = _header_index(numbered)
    header_number, header = numbered[start]
    body = numbered[start + 1:]
    if start:
        explain(f"{path}: title rows above the header skipped; the header is row {header_number}")
    if body and _continues_header(header, body[0][1]):
        explain(f"{path}: rows {header_number} and {body[0][0]} form a two-row header")
        header = _merge_header_rows(header, body[0][1])
        header_number, body = body[0][0], body[1:]
    if merged:
        body = _filled_down(rows, header_number, merged)
    if not body:
        raise InputError(located(
            path, "the file has a header but no answers below it", row=header_number))
    if ragged_is_error:
        _refuse_ragged(header, body, path)
    return _sheet(header, body)


def _filled_down(rows, header_number, merged):
    """The rows below the header with the merged ranges below it filled from their first cell."""
    rows = [list(row) for row in rows]
    for first_row, first_column, last_row, last_column in merged:
        if first_row <= header_number or first_row > len(rows):
            continue
        top = rows[first_row - 1]
        value = top[first_column - 1] if first_column <= len(top) else ""
        for number in range(first_row, min(last_row, len(rows)) + 1):
            row = rows[number - 1]
            row.extend([""] * (last_column - len(row)))
            row[first_column - 1:last_column] = [value] * (last_column - first_column + 1)
    return [(number, row) for number, row in enumerate(rows, start=1)
            if number > header_number and any(map(str.strip, row))]


def empty_file(path):
    """The error for a file with nothing in it."""
    return InputError(located(path, "the file is empty; export the answers again"))


def check_cell_sizes(sheet, path):
    """Raise InputError naming the first cell longer than MAX_CELL_CHARS characters."""
    for column in sheet.frame.columns:
        lengths = sheet.frame[column].str.len()
        too_long = lengths.gt(MAX_CELL_CHARS)
        if too_long.any():
            index = int(too_long.to_numpy().argmax())
            raise InputError(sheet.locate(
                path, index,
                f"a cell has {lengths.iloc[index]:,} characters, more than the "
                f"{MAX_CELL_CHARS:,} an answer may have; is a quotation mark left open?",
                field=column))


def _header_index(numbered):
    """Skip title rows above the header: rows with one filled cell before a wider row."""
    for index, (_, row) in enumerate(numbered[:TITLE_ROWS_SEARCHED]):
        if _filled(row) >= 2:
            return index
    return 0


def _filled(row):
    return sum(1 for cell in row if cell.strip())


def _continues_header(header, row):
    """True when ``row`` is the second line of a two-row header (merged or SurveyMonkey).

    Such a row names the columns under the blank header cells (the options of a question merged
    over several columns) and holds no number or date. Where the header also has columns of its
    own (a name not followed by blank cells), a second header row leaves at least one of them,
    and its first column, blank (SurveyMonkey's "Respondent ID", a vertically merged "id"): a
    data row fills its id. Otherwise a blank header cell is a blank column.
    """
    last = max(i for i, cell in enumerate(header) if cell.strip())
    width = max(len(header), len(row))
    header, row = _padded(header, width), _padded(row, width)
    blanks = [i for i in range(width) if not header[i].strip()]
    merged = {i for i in range(width) if not header[i].strip() or (i + 1 < width and not header[i + 1].strip())}
    own = [i for i in range(last + 1) if i not in merged]
    return (
        any(row[i].strip() for i in blanks)
        and all(row[i].strip() for i in blanks if i < last)
        and not any(NUMBER_OR_DATE.fullmatch(cell) for cell in row if cell.strip())
        and (not own or (any(not row[i].strip() for i in own) and (0 in merged or not row[0].strip())))
    )


def _padded(row, width):
    return list(row) + [""] * (width - len(row))


def _merge_header_rows(top, sub):
    """Name each column from both rows: 'Question - Option' under a merged question cell."""
    width = max(len(top), len(sub))
    top, sub = _padded(top, width), _padded(sub, width)
    spans, current = [], ""
    for cell in top:
        current = cell.strip() or current
        spans.append(current)
    names = []
    for span, lower in zip(spans, (cell.strip() for cell in sub)):
        if not span:
            names.append(lower)
        elif lower and spans.count(span) > 1:
            names.append(f"{span} - {lower}")
        else:
            names.append(span)
    return names


def _refuse_ragged(header, body, path):
    width = len(header)
    for number, row in body:
        extra = row[width:]
        if len(row) < width or any(cell.strip() for cell in extra):
            raise InputError(located(
                path, f"this row has {len(row)} cells but the header has {width}; "
                      "check the delimiter (--delimiter) and that quotation marks are closed",
                row=number))


def _sheet(header, body):
    width = max(len(header), *(len(row) for _, row in body))
    header = _padded(header, width)
    cells = [_padded(row, width) for _, row in body]
    kept = [i for i in range(width) if header[i].strip() or any(row[i] for row in cells)]
    names = unique_names([header[i].strip().lstrip("\ufeff") or f"column {get_column_letter(i + 1)}"
                     for i in kept])
    frame = pd.DataFrame([[row[i] for i in kept] for row in cells], columns=names, dtype="str")
    return Sheet(frame, [number for number, _ in body])


def unique_names(names):
    """Number repeated column names: 'Kommentar', 'Kommentar (2)', ..."""
    seen, unique = {}, []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique
