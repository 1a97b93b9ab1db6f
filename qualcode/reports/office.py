"""The report as Word (DOCX) and Excel (XLSX) files (written into the report's output set)."""
import io

import pandas as pd

from qualcode.io.escape import xml_text
from qualcode.reports.counts import displayed_counts
from qualcode.reports.layout import Figure, Heading, Label, Paragraph, Quote, Table, blocks
from qualcode.reports.text import labelled_cooccurrence


def write_docx(report, path):
    """Write the report as a Word document: headings, tables, charts and quotes. Text XML
    cannot hold (control characters from answers) is made visible."""
    from docx import Document

    document = Document()
    for block in blocks(report, literal=xml_text):
        _docx_block(document, block)
    document.save(path)


def _docx_block(document, block):
    from docx.shared import Cm, Pt, RGBColor

    if isinstance(block, Heading):
        document.add_heading(block.text, level=0 if block.level == 1 else min(block.level - 1, 9))
    elif isinstance(block, Paragraph):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(block.text)
        if block.note:
            run.font.size, run.font.color.rgb = Pt(9.5), RGBColor(0x52, 0x60, 0x6D)
    elif isinstance(block, Table):
        _docx_table(document, block.frame, block.numeric)
    elif isinstance(block, Figure):
        document.add_picture(io.BytesIO(block.chart.png), width=Cm(16))
    elif isinstance(block, Label):
        document.add_paragraph().add_run(block.text).bold = True
    elif isinstance(block, Quote):
        paragraph = document.add_paragraph(style="Quote")
        for n, line in enumerate(f"”{block.text}”".split("\n")):
            if n:
                paragraph.add_run().add_break()
            paragraph.add_run(line)
        source = paragraph.add_run(f" ({block.source})")
        source.italic = False
        source.font.size = Pt(9)
    else:
        raise TypeError(f"no DOCX for {type(block).__name__}")


def _docx_table(document, frame, numeric=frozenset()):
    """A table 16 cm wide: numbers in narrow right-aligned columns, the first column taking the
    rest, not bold (the style's first-column emphasis is turned off)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table = document.add_table(rows=1, cols=len(frame.columns))
    table.style = "Light List Accent 1"
    table.autofit = False
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is not None:   # Word reads the attribute, LibreOffice the bit mask (0x0080: first column)
        look.set(qn("w:firstColumn"), "0")
        look.set(qn("w:val"), f"{int(look.get(qn('w:val'), '04A0'), 16) & ~0x0080:04X}")
    narrow = min(3.5, 12.0 / max(len(numeric), 1))
    widths = [Cm(narrow) if i in numeric else Cm(max(16.0 - narrow * len(numeric), 4.0) / max(len(frame.columns) - len(numeric), 1))
              for i in range(len(frame.columns))]
    rows = [list(map(str, frame.columns))] + [["" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
                                              for v in values] for values in frame.itertuples(index=False, name=None)]
    for column, width in zip(table.columns, widths):
        column.width = width
    for n, values in enumerate(rows):
        cells = table.rows[0].cells if n == 0 else table.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, values)):
            cell.width = widths[i]
            cell.text = xml_text(value)
            if i in numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def report_sheets(report, answers):
    """The report's tables as the sheets of its workbook: answers with codes (a DataFrame, or a
    function yielding its chunks), counts, closed answers (when there are any), quotes,
    co-occurrence, codebook and the settings."""
    words = report.words
    sheets = {words["sheet_answers"]: answers,
              words["sheet_counts"]: displayed_counts(report.counts, report.min_group)}
    closed = report.closed
    if len(closed):
        sheets[words["sheet_closed"]] = closed
    sheets.update({
        words["sheet_quotes"]: report.quotes,
        words["sheet_cooccurrence"]: labelled_cooccurrence(report),
        words["sheet_codebook"]: codebook_frame(report.codebook, words),
        words["sheet_method"]: pd.DataFrame(report.settings, columns=[words["setting"], words["value"]]),
    })
    return sheets


def codebook_frame(codebook, words):
    """The codebook as a table: id, label, parent, description."""
    return pd.DataFrame([(c.id, c.label, c.parent or "", c.description) for c in codebook.codes],
                        columns=["id", words["label"], words["parent"], words["description"]])
