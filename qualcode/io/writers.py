"""Writing outputs whole or not at all, and never over an input.

Every writer goes through :func:`atomic_path`: the content is written to a temporary file in
the output's folder and moved into place with ``os.replace`` only when complete, so an error
or Ctrl-C leaves the previous file (or none), never half of one.
"""
import datetime as dt
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from qualcode.errors import InputError, located
from qualcode.io.cells import cell_text, is_missing
from qualcode.progress import explain

TABLE_SUFFIXES = (".csv", ".xlsx", ".jsonl", ".parquet", ".md")
MAX_XLSX_CELL_CHARS = 32_767


def check_output_path(path, inputs=(), suffixes=None):
    """Raise InputError (exit 2) unless ``path`` can be written without touching an input.

    Refuses a path that is one of ``inputs`` (also through links), a folder, a suffix not in
    ``suffixes`` (when given), and a folder that does not exist or cannot be written.
    """
    path = Path(path)
    for source in inputs:
        if _same_file(path, Path(source)):
            raise InputError(located(path, "this is an input file and would be overwritten; "
                                           "choose another output path (-o)"))
    if path.is_dir():
        raise InputError(located(path, "this is a folder; give a file name for the output"))
    if suffixes is not None and path.suffix.lower() not in suffixes:
        kind = f"{path.suffix!r} files" if path.suffix else "a file without an extension"
        raise InputError(located(path, f"cannot write {kind}; end the name in one of "
                                       f"{', '.join(suffixes)}"))
    _check_writable_folder(path)


def _same_file(path, source):
    if path.exists() and source.exists():
        return os.path.samefile(path, source)
    return path.resolve() == source.resolve()


def _check_writable_folder(path):
    folder = path.parent
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist; create it first"
        raise InputError(located(path, f"the output folder {str(folder)!r} {what}"))
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise InputError(located(path, f"cannot write in the folder {str(folder)!r} "
                                       f"({error.strerror}); choose another output path")) from None


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; move it onto ``path`` if the block succeeds.

    For writers that need a file name (matplotlib, python-docx, zip). The temporary file keeps
    ``path``'s extension and is removed on any exception, Ctrl-C included.
    """
    path = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=f".part{path.suffix}")
    except OSError as error:
        raise InputError(located(path, f"cannot write here ({error.strerror}); "
                                       "choose another output path")) from None
    os.close(handle)
    try:
        yield Path(temporary)
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    explain(f"Wrote {path}")


def _mode_for(path):
    """Keep an existing output's permissions; otherwise what the umask gives a new file."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_text(path, text, inputs=()):
    """Write ``text`` (UTF-8) to ``path`` atomically, refusing to overwrite an input."""
    check_output_path(path, inputs)
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


def write_table(frame, path, inputs=()):
    """Write ``frame`` atomically in the format of ``path``'s extension.

    .csv is UTF-8 with a byte-order mark (so Excel shows å, ä, ö right), comma-separated;
    .xlsx refuses cells longer than Excel's 32,767 characters; .jsonl is one JSON object a
    line; .parquet; .md is a pipe table for reports. Never overwrites one of ``inputs``.
    """
    path = Path(path)
    check_output_path(path, inputs, TABLE_SUFFIXES)
    writer = WRITERS[path.suffix.lower()]
    if path.suffix.lower() == ".xlsx":
        _check_xlsx_cells(frame, path)
    with atomic_path(path) as temporary:
        writer(frame, temporary)


def _write_csv(frame, path):
    """Excel's conventions: CRLF between rows, so any cell with a line break gets quoted."""
    frame.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def _write_jsonl(frame, path):
    frame.to_json(path, orient="records", lines=True, force_ascii=False, date_format="iso")


def _write_parquet(frame, path):
    frame.rename(columns=str).to_parquet(path, index=False)


def _write_markdown(frame, path):
    path.write_text(markdown_table(frame), encoding="utf-8")


def markdown_table(frame):
    """``frame`` as a Markdown pipe table; '|' escaped and line breaks as <br>."""
    def cell(value):
        text = cell_text(value)
        return text.replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")

    lines = ["| " + " | ".join(cell(c) for c in frame.columns) + " |",
             "|" + "|".join("---" for _ in frame.columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |"
              for row in frame.itertuples(index=False, name=None)]
    return "\n".join(lines) + "\n"


def _check_xlsx_cells(frame, path, first_row=2):
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


XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_SHEET_NAME_CHARS = 31
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_WIDTH = 80
XLSX_WIDTH_SAMPLE = 200  # values read to size a column


def write_workbook(sheets, path, inputs=()):
    """Write ``sheets`` as one .xlsx workbook, atomically.

    ``sheets`` maps each sheet's name to a DataFrame, or to a function returning DataFrames
    (chunks of one table, read as they are written). Rows stream to the file (openpyxl's
    write-only mode), so a sheet of a million answers costs little memory; rows beyond Excel's
    limit of 1,048,576 are left out. Text stays text (an answer "=)" is no formula; control
    characters are escaped), the header is bold and frozen, and columns are as wide as their
    first values.
    """
    path = Path(path)
    check_output_path(path, inputs, (".xlsx",))
    for frame in sheets.values():
        if isinstance(frame, pd.DataFrame):
            _check_xlsx_cells(frame, path)
    with atomic_path(path) as temporary:
        _write_sheets(sheets, temporary, path)


def _write_xlsx(frame, path):
    _write_sheets({"answers": frame}, path, path)


def _write_sheets(sheets, path, named):
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    for name, content in sheets.items():
        sheet = workbook.create_sheet(name[:XLSX_SHEET_NAME_CHARS])
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
            if not isinstance(content, pd.DataFrame):
                _check_xlsx_cells(frame, named, first_row)
            for row in frame.head(room).itertuples(index=False, name=None):
                sheet.append([cell(value) for value in row])
            room, first_row = room - min(room, len(frame)), first_row + len(frame)
    workbook.save(path)


def _cell_writer(sheet):
    """A function turning a value into what ``sheet`` stores: numbers and naive dates as
    they are, everything else as text cells (never formulas), control characters escaped."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils.escape import escape

    def cell(value):
        if hasattr(value, "item") and not isinstance(value, str):
            value = value.item()
        if is_missing(value):
            return None
        if isinstance(value, (bool, int, float)) or (
                isinstance(value, (dt.date, dt.datetime)) and getattr(value, "tzinfo", None) is None):
            return value
        written = WriteOnlyCell(sheet, XLSX_ILLEGAL.sub(lambda m: escape(m.group()), cell_text(value)))
        written.data_type = "s"
        return written

    return cell


def _columns(frame):
    """(name, values) of each column, by position: names may repeat (a method sheet's "")."""
    return [(column, frame.iloc[:, number]) for number, column in enumerate(frame.columns)]


def _xlsx_width(column, values):
    longest = max([len(str(column))] + [len(cell_text(v)) for v in values.head(XLSX_WIDTH_SAMPLE)])
    return min(XLSX_MAX_WIDTH, longest + 2)


WRITERS = {".csv": _write_csv, ".xlsx": _write_xlsx, ".jsonl": _write_jsonl,
           ".parquet": _write_parquet, ".md": _write_markdown}
