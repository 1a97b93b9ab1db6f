"""The sentences a report writes, in the codebook's language (see :mod:`qualcode.reports.words`):
no zero lines, no sentence starting with a digit, small numbers in words.

What comes from the data (a question, a label, a group, a column name, the codebook's name)
goes into a sentence through ``literal``, which a renderer sets to make it literal where
markup could hide in it (Markdown); the report's own words pass as they are."""
from pathlib import Path

from qualcode import __version__
from qualcode.reports.document import SMALL_BASE, model_name
from qualcode.reports.text import half_up_percent
from qualcode.reports.words import listing, long_date, number, numbers

MAX_NAMED_GROUPS = 4   # more hidden groups than this are counted, not named


def same(text):
    """The ``literal`` of renderers that escape whole texts themselves (HTML, DOCX)."""
    return text


def heading(section, literal=same):
    """"8. Upplever ni …?" (a question that carries its own label stands as it is)."""
    question = literal(section.question)
    return f"{section.number}. {question}" if section.number else question


def intro(report, literal=same):
    """What the report covers and how it was made, in two sentences."""
    words = report.words
    questions = len(report.all_sections()) if report.question_column else 0
    return words["intro"].format(
        answers=number(report.answers, words), respondents=number(report.respondents, words),
        questions=words["intro_questions"].format(n=number(questions, words)) if questions else "",
        codebook=literal(report.codebook.name), version=report.codebook.version, method=words["method"])


def closed_notes(report, table, literal=same):
    """The base of a closed column's shares, and what the reader must know to read them."""
    words = report.words
    notes = [words["closed_base_one"] if table.base == 1 else
             words["closed_base"].format(base=number(table.base, words))]
    if table.rounded_total is not None:
        notes.append(words["closed_rounding"].format(total=table.rounded_total))
    if table.multi:
        notes.append(words["closed_multi"])
        if table.choice.detected:
            notes.append(words["closed_detected"].format(column=literal(table.choice.column),
                                                         separator=literal(table.choice.separator)))
    if table.unanswered:
        total, missing = numbers([table.total, table.unanswered], words)
        notes.append(words["closed_unanswered"].format(total=total, n=missing))
    if 0 < table.base < SMALL_BASE:
        notes.append(small_base(table.base, words))
    return notes


def attribute_notes(report, table):
    """The base of a table of respondents by one of their attributes."""
    return [report.words["attribute_base"].format(base=number(table.base, report.words))]


def section_notes(report, section):
    """The denominators of a question's theme shares, in words, and a caution for a small base."""
    words = report.words
    if section.base == 0:
        if section.answered == 1:
            return [words["no_content_all_one"]]
        return [words["no_content_all"].format(answered=number(section.answered, words))]
    notes = [words["base_note_one"] if section.base == 1 else
             words["base_note"].format(base=number(section.base, words))]
    if section.uncoded == section.base:
        notes.append(words["nothing_coded"])
    elif section.uncoded == 1:
        notes.append(words["uncoded_note_one"])
    elif section.uncoded:
        notes.append(words["uncoded_note"].format(n=number(section.uncoded, words)))
    without = section.answered - section.base
    if without:
        answered, missing = numbers([section.answered, without], words)
        notes.append(words["no_content_note"].format(answered=answered, n=missing))
    if section.small_base:
        notes.append(small_base(section.base, words))
    return notes


def small_base(base, words):
    """The caution for a share of few respondents: how many points one respondent is worth."""
    return words["small_base"].format(points=number(half_up_percent(1, base), words))


def group_notes(report, section, literal=same):
    """What the group table shows, a caution for small groups, and which groups it leaves out."""
    words = report.words
    notes = [words["by_note"]]
    if min(section.group_bases.values()) < SMALL_BASE:
        notes.append(words["small_groups"])
    hidden = hidden_note(report, section, literal)
    return notes + ([hidden] if hidden else [])


def hidden_note(report, section, literal=same):
    """The sentence on the groups left out, true of each of them; None when none is."""
    words = report.words
    hidden = section.hidden
    if not hidden:
        return None
    smallest = number(report.min_group, words)
    if len(hidden) > MAX_NAMED_GROUPS:
        return words["hidden_counted"].format(n=number(len(hidden), words), min=smallest,
                                              min_digits=report.min_group)
    named = listing([f"”{literal(group)}”" for group in hidden], words)
    one = len(hidden) == 1
    groups = words["hidden_group_one" if one else "hidden_group_many"].format(groups=named)
    return words["hidden_named"].format(groups=groups, min=smallest, min_digits=report.min_group,
                                        which=words["hidden_which_one" if one else "hidden_which_many"])


def groups_withheld(report, section, literal=same):
    """The one sentence for a question whose every group is too small to show; None otherwise."""
    if section.by_group is not None or not section.grouped or not section.hidden or section.base == 0:
        return None
    return report.words["none_shown"].format(column=literal(report.by), min=number(report.min_group, report.words))


def group_heading(report, section, view, literal=same):
    """"Vad säger de som svarade ”Nej”?" (chose, for ticks; the group, for an attribute)."""
    return report.words[f"group_says_{section.group_kind}"].format(group=literal(view.group))


def group_summary(view, words, literal=same):
    """"Vanligast i gruppen: Kultur (fyra av åtta); …"."""
    themes = []
    for label, count in view.top:
        n, base = numbers([count, view.base], words)
        themes.append(f"{literal(label)} ({n} {words['of']} {base})")
    return words["group_top"].format(themes=listing(themes, words))


def method_paragraphs(report, literal=same):
    """The Metod section: what was done, with which model and codebook, when; how to read it."""
    words, metadata = report.words, report.metadata
    settings = metadata.get("settings", {})
    codebook = report.codebook
    with_content, answers = numbers([report.with_content, report.answers], words)
    paragraphs = [words["method_data"].format(answers=answers, respondents=number(report.respondents, words),
                                              with_content=with_content)]
    date = long_date(metadata.get("created", ""), words)
    paragraphs.append(words["method_coding"].format(
        date=words["method_date"].format(date=date) if date else "",
        qualcode=metadata.get("qualcode_version") or __version__, codebook=literal(codebook.name),
        version=codebook.version, codes=number(len(codebook.active_codes), words),
        how=_how(settings, words, literal))
        .replace("  ", " ") + " " + words["method_appendix"])
    paragraphs += [words["method_base"], words["method_quotes"]]
    if report.by:
        paragraphs.append(words["method_groups"].format(column=literal(report.by), min=number(report.min_group, words)))
    if report.anonymised:
        paragraphs.append(words["anonymised"])
    return paragraphs


def _how(settings, words, literal):
    """How the answers were compared with the themes; "" when the coding's settings are unknown."""
    if settings.get("model"):
        return words["how_trained"].format(model=literal(Path(str(settings["model"])).name))
    if settings.get("mode") == "fast":
        return words["how_fast"]
    if settings.get("mode") == "accurate":
        return words["how_accurate"].format(model=literal(model_name(settings.get("embedder"), words)))
    return ""
