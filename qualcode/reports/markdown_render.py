"""The report as Markdown; text from answers, labels and column names is literal (no HTML, no
links), through :func:`qualcode.io.escape.markdown_text`."""
from qualcode.io.escape import markdown_text as md
from qualcode.io.writers import markdown_table
from qualcode.reports.text import labelled_cooccurrence, percent, quote_line, theme_table


def render_markdown(report):
    """The whole report as one Markdown document."""
    words = report.words
    lines = [f"# {md(report.title)}", ""]
    for section in report.sections:
        lines += [f"## {md(section.question)}", "", section_note(report, section), ""]
        if section.chart:
            lines.append(markdown_table(theme_table(section, words)))
        if has_groups(section):
            lines += [f"### {md(words['by_heading'].format(column=report.by))}", ""]
            lines += [line for note in group_notes(report, section) for line in (note, "")]
            if section.by_group is not None:
                lines.append(markdown_table(section.by_group))
            for view in section.groups:
                lines += [f"#### {md(words['group_says'].format(group=view.group))}", "",
                          md(group_summary(view, words)), ""]
                lines += [f"> {md(quote_line(row, words))}\n" for row in view.quotes.itertuples()]
        if len(section.quotes):
            lines += [f"### {words['quotes']}", ""]
            for label, quotes in section.quotes.groupby("label", sort=False):
                lines += [f"**{md(label)}**", ""] + [f"> {md(quote_line(row, words))}\n" for row in quotes.itertuples()]
    lines += [f"## {words['cooccurrence']}", "", words["cooccurrence_note"], "",
              markdown_table(labelled_cooccurrence(report)), f"## {words['method']}", ""]
    lines += [f"- **{md(str(name))}**: {md(str(value))}" for name, value in report.method]
    lines += ["", words["method_base"], "", words["method_quotes"]]
    if report.anonymised:
        lines += ["", words["anonymised"]]
    return "\n".join(lines) + "\n"


def section_note(report, section):
    """The denominators of a question, in words."""
    words = report.words
    to_q = words["to_question"] if report.question_column else ""
    return (words["base_note"].format(base=section.base, to_q=to_q) + " " +
            words["no_content_note"].format(n=section.answered - section.base,
                                            answered=section.answered, uncoded=section.uncoded))


def group_summary(view, words):
    """"Most common: theme (n, xx %), ..." for one group."""
    themes = ", ".join(f"{label} ({count}, {percent(share)})" for label, count, share in view.top)
    return words["group_top"].format(themes=themes)


def has_groups(section):
    """Whether the question has a group breakdown to show (a table or a note on hidden groups)."""
    return section.by_group is not None or section.hidden_groups > 0


def group_notes(report, section):
    """What the group table shows, and how many groups are too small to show."""
    words = report.words
    notes = [words["by_note"]] if section.by_group is not None else []
    if section.hidden_groups:
        notes.append(words["hidden_note"].format(n=section.hidden_groups, min=report.min_group))
    return notes
