"""The report laid out once as a sequence of blocks (headings, paragraphs, tables, figures,
quotes) that every renderer (Markdown, HTML, DOCX) draws in its own way.

A heading is laid out only when something follows it within its scope, so no renderer can
print an empty heading.
"""
from dataclasses import dataclass, field

import pandas as pd

from qualcode.reports import prose
from qualcode.reports.text import closed_table, labelled_cooccurrence, quote_source, theme_table


@dataclass
class Heading:
    level: int                  # 1 is the title
    text: str
    anchor: str | None = None   # the table of contents links main questions and the method


@dataclass
class Paragraph:
    text: str
    note: bool = True           # a note on the figures (smaller, grey in HTML)


@dataclass
class Table:
    frame: pd.DataFrame
    numeric: set = field(default_factory=set)   # column positions aligned right


@dataclass
class Figure:
    chart: object               # a reports.document.Chart
    alt: str


@dataclass
class Label:
    text: str                   # a theme's name above its quotes


@dataclass
class Quote:
    text: str                   # line breaks kept
    source: str


def blocks(report, literal=prose.same):
    """The whole report as blocks, in reading order; text from the data (questions, labels,
    groups, column names, quotes) passes through ``literal`` (see :mod:`qualcode.reports.prose`),
    tables are left to the renderer."""
    words = report.words
    out = [Heading(1, f"{words['title']}: {literal(report.codebook.name)}"),
           Paragraph(prose.intro(report, literal), note=False)]
    for table in report.attributes:
        column = literal(table.choice.column)
        out += [Heading(2, words["attribute_heading"].format(column=column)),
                _notes(prose.attribute_notes(report, table)), Figure(table.chart, column),
                Table(closed_table(table, words, table.choice.column.capitalize()), {1, 2})]
    for number, section in enumerate(report.sections, 1):
        out += _section(report, section, 2, literal, f"q{number}")
    out += [Heading(2, words["cooccurrence"], "cooccurrence"), Paragraph(words["cooccurrence_note"]),
            Table(labelled_cooccurrence(report), set(range(1, report.cooccurrence.shape[1] + 1))),
            Heading(2, words["method"], "method"),
            *[Paragraph(text, note=False) for text in prose.method_paragraphs(report, literal)],
            Heading(2, words["appendix"], "appendix"),
            Table(pd.DataFrame(report.settings, columns=[words["setting"], words["value"]]))]
    return without_empty_headings(out)


def without_empty_headings(laid_out):
    """The blocks less every heading that nothing follows within its scope (the next block is a
    heading of the same or a higher level, or there is none)."""
    kept = []
    for block in reversed(laid_out):
        if isinstance(block, Heading) and block.level > 1:
            following = kept[-1] if kept else None
            if following is None or (isinstance(following, Heading) and following.level <= block.level):
                continue
        kept.append(block)
    return kept[::-1]


def _section(report, section, level, literal, anchor=None):
    words = report.words
    title = (prose.heading(section, literal) if level == 2 else
             words["follow_up"].format(question=literal(section.question)))
    out = [Heading(level, title, anchor)]
    several = len(section.closed) > 1
    for table in section.closed:
        name = (words["closed_heading_column"].format(column=literal(table.choice.column)) if several
                else words["closed_heading"])
        out += [Heading(level + 1, name), _notes(prose.closed_notes(report, table, literal)),
                Figure(table.chart, name), Table(closed_table(table, words), {1, 2})]
    if section.closed:
        out.append(Heading(level + 1, words["themes_heading"]))
    out.append(_notes(prose.section_notes(report, section)))
    if section.chart is not None:
        out += [Figure(section.chart, words["share"]), Table(theme_table(section, words), {1, 2})]
    if len(section.quotes):
        out.append(Heading(level + 1, words["quotes"]))
        out += _quotes(section.quotes, words, literal)
    out += _groups(report, section, level + 1, literal)
    for follow_up in section.follow_ups:
        out += _section(report, follow_up, level + 1, literal)
    return out


def _groups(report, section, level, literal):
    words = report.words
    withheld = prose.groups_withheld(report, section, literal)
    if withheld:
        return [Paragraph(withheld)]
    if section.by_group is None:
        return []
    out = [Heading(level, words["by_heading"].format(column=literal(report.by))),
           _notes(prose.group_notes(report, section, literal)),
           Table(section.by_group, set(range(1, section.by_group.shape[1])))]
    for view in section.groups:
        out += [Heading(level + 1, prose.group_heading(report, section, view, literal)),
                Paragraph(prose.group_summary(view, words, literal), note=False),
                *_quotes(view.quotes, words, literal)]
    return out


def _notes(sentences):
    """Notes on the figures as one paragraph."""
    return Paragraph(" ".join(sentences))


def _quotes(quotes, words, literal):
    out = []
    for label, rows in quotes.groupby("label", sort=False):
        out.append(Label(literal(label)))
        out += [Quote(literal(row.quote), literal(quote_source(row, words))) for row in rows.itertuples()]
    return out
