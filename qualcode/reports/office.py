"""The report as Word (DOCX) and Excel (XLSX) files, written atomically."""
import io

import pandas as pd

from qualcode.io import atomic_path, write_workbook
from qualcode.reports.counts import displayed_counts
from qualcode.reports.markdown_render import group_notes, group_summary, has_groups, section_note
from qualcode.reports.text import labelled_cooccurrence, quote_line, theme_table



def write_docx(report, path):
    """Write the report as a Word document: headings, tables, charts and quotes."""
    from docx import Document
    from docx.shared import Cm

    words = report.words
    document = Document()
    document.add_heading(report.title, level=0)
    for section in report.sections:
        document.add_heading(section.question, level=1)
        document.add_paragraph(section_note(report, section))
        if section.chart:
            document.add_picture(io.BytesIO(section.chart), width=Cm(16))
            _docx_table(document, theme_table(section, words))
        if has_groups(section):
            document.add_heading(words["by_heading"].format(column=report.by), level=2)
            for note in group_notes(report, section):
                document.add_paragraph(note)
            if section.by_group is not None:
                _docx_table(document, section.by_group)
            for view in section.groups:
                document.add_heading(words["group_says"].format(group=view.group), level=3)
                document.add_paragraph(group_summary(view, words))
                for row in view.quotes.itertuples():
                    document.add_paragraph(quote_line(row, words), style="Quote")
        if len(section.quotes):
            document.add_heading(words["quotes"], level=2)
            for label, quotes in section.quotes.groupby("label", sort=False):
                document.add_heading(label, level=3)
                for row in quotes.itertuples():
                    document.add_paragraph(quote_line(row, words), style="Quote")
    document.add_heading(words["cooccurrence"], level=1)
    document.add_paragraph(words["cooccurrence_note"])
    _docx_table(document, labelled_cooccurrence(report))
    document.add_heading(words["method"], level=1)
    for name, value in report.method:
        document.add_paragraph(f"{name}: {value}", style="List Bullet")
    for note in [words["method_base"], words["method_quotes"]] + ([words["anonymised"]] if report.anonymised else []):
        document.add_paragraph(note)
    with atomic_path(path) as temporary:
        document.save(temporary)


def _docx_table(document, frame):
    table = document.add_table(rows=1, cols=len(frame.columns))
    table.style = "Light List Accent 1"
    for cell, name in zip(table.rows[0].cells, frame.columns):
        cell.text = str(name)
    for values in frame.itertuples(index=False, name=None):
        for cell, value in zip(table.add_row().cells, values):
            cell.text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def write_xlsx(report, path, answers, inputs=()):
    """Write the report's tables as sheets: answers with codes, counts, quotes, co-occurrence,
    codebook and method."""
    words = report.words
    write_workbook({
        words["sheet_answers"]: answers,
        words["sheet_counts"]: displayed_counts(report.counts, report.min_group),
        words["sheet_quotes"]: report.quotes,
        words["sheet_cooccurrence"]: labelled_cooccurrence(report),
        words["sheet_codebook"]: codebook_frame(report.codebook, words),
        words["sheet_method"]: pd.DataFrame(report.method, columns=["", ""]),
    }, path, inputs)


def codebook_frame(codebook, words):
    """The codebook as a table: id, label, parent, description."""
    return pd.DataFrame([(c.id, c.label, c.parent or "", c.description) for c in codebook.codes],
                        columns=["id", words["label"], words["parent"], words["description"]])
