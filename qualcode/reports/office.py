"""The report as Word (DOCX) and Excel (XLSX) files (written into the report's output set)."""
import io

import pandas as pd

from qualcode.io.escape import xml_text
from qualcode.reports.counts import displayed_counts
from qualcode.reports.markdown_render import group_notes, group_summary, has_groups, section_note
from qualcode.reports.text import labelled_cooccurrence, quote_line, theme_table


def write_docx(report, path):
    """Write the report as a Word document: headings, tables, charts and quotes."""
    from docx import Document
    from docx.shared import Cm

    words = report.words
    document = Document()
    _heading(document, report.title, 0)
    for section in report.sections:
        _heading(document, section.question, 1)
        _paragraph(document, section_note(report, section))
        if section.chart:
            document.add_picture(io.BytesIO(section.chart), width=Cm(16))
            _docx_table(document, theme_table(section, words))
        if has_groups(section):
            _heading(document, words["by_heading"].format(column=report.by), 2)
            for note in group_notes(report, section):
                _paragraph(document, note)
            if section.by_group is not None:
                _docx_table(document, section.by_group)
            for view in section.groups:
                _heading(document, words["group_says"].format(group=view.group), 3)
                _paragraph(document, group_summary(view, words))
                for row in view.quotes.itertuples():
                    _paragraph(document, quote_line(row, words), "Quote")
        if len(section.quotes):
            _heading(document, words["quotes"], 2)
            for label, quotes in section.quotes.groupby("label", sort=False):
                _heading(document, label, 3)
                for row in quotes.itertuples():
                    _paragraph(document, quote_line(row, words), "Quote")
    _heading(document, words["cooccurrence"], 1)
    _paragraph(document, words["cooccurrence_note"])
    _docx_table(document, labelled_cooccurrence(report))
    _heading(document, words["method"], 1)
    for name, value in report.method:
        _paragraph(document, f"{name}: {value}", "List Bullet")
    for note in [words["method_base"], words["method_quotes"]] + ([words["anonymised"]] if report.anonymised else []):
        _paragraph(document, note)
    document.save(path)


def _heading(document, text, level):
    document.add_heading(xml_text(str(text)), level=level)


def _paragraph(document, text, style=None):
    """A paragraph; text XML cannot hold (control characters from answers) made visible."""
    document.add_paragraph(xml_text(str(text)), style=style)


def _docx_table(document, frame):
    table = document.add_table(rows=1, cols=len(frame.columns))
    table.style = "Light List Accent 1"
    for cell, name in zip(table.rows[0].cells, frame.columns):
        cell.text = xml_text(str(name))
    for values in frame.itertuples(index=False, name=None):
        for cell, value in zip(table.add_row().cells, values):
            cell.text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else xml_text(str(value))


def report_sheets(report, answers):
    """The report's tables as the sheets of its workbook: answers with codes (a DataFrame, or a
    function yielding its chunks), counts, quotes, co-occurrence, codebook and method."""
    words = report.words
    return {
        words["sheet_answers"]: answers,
        words["sheet_counts"]: displayed_counts(report.counts, report.min_group),
        words["sheet_quotes"]: report.quotes,
        words["sheet_cooccurrence"]: labelled_cooccurrence(report),
        words["sheet_codebook"]: codebook_frame(report.codebook, words),
        words["sheet_method"]: pd.DataFrame(report.method, columns=["", ""]),
    }


def codebook_frame(codebook, words):
    """The codebook as a table: id, label, parent, description."""
    return pd.DataFrame([(c.id, c.label, c.parent or "", c.description) for c in codebook.codes],
                        columns=["id", words["label"], words["parent"], words["description"]])
