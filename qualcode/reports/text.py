"""Small text helpers shared by the renderers: percentages, tables and quote lines."""
import pandas as pd

from qualcode.reports.words import THOUSANDS


def half_up_percent(count, base):
    """``count`` of ``base`` in whole percent, halves rounded up: 1 of 8 -> 13."""
    return (200 * int(count) + int(base)) // (2 * int(base)) if base else 0


def digits(n, words):
    """A count in a table: 4 974 in Swedish (no-break space), 4,974 in English."""
    return f"{int(n):,}".replace(",", THOUSANDS[words["language"]])


def percent_of(count, base):
    """"13 %" for 1 of 8; "" without a base."""
    return f"{half_up_percent(count, base)} %" if base else ""


def theme_table(section, words):
    """A question's themes as a table for people: theme, respondents, share; commonest first,
    themes nobody raised left out (counts.csv has them)."""
    themes = section.shown_themes
    return pd.DataFrame({words["theme"]: themes["label"],
                         words["respondents"]: [digits(n, words) for n in themes["respondents"]],
                         words["share"]: [percent_of(n, b) for n, b in zip(themes["respondents"], themes["base"])]})


def closed_table(closed, words, heading=None):
    """A closed column's alternatives as a table for people: answer (or ``heading``),
    respondents, share."""
    table = closed.table
    return pd.DataFrame({heading or words["answer"]: table["alternative"],
                         words["respondents"]: [digits(n, words) for n in table["respondents"]],
                         words["share"]: [f"{p} %" for p in table["percent"]]})


def quote_source(row, words):
    """Who said it: "respondent R07, id N123" ("id N123" when each answer is its own respondent)."""
    if str(row.respondent) == str(row.id):
        return f"id {row.id}"
    return f"{words['respondent']} {row.respondent}, id {row.id}"


def labelled_cooccurrence(report):
    """The co-occurrence matrix for people: rows "1 Label", columns numbered to match."""
    labels = {code.id: code.label for code in report.codebook.codes} if report.codebook else {}
    ids = list(report.cooccurrence.index)
    matrix = report.cooccurrence.copy()
    matrix.index = [f"{n} {labels.get(code_id, code_id)}" for n, code_id in enumerate(ids, 1)]
    matrix.columns = [str(n) for n in range(1, len(ids) + 1)]
    matrix.index.name = report.words["theme"]
    return matrix.reset_index()


def quotes_text(quotes):
    """Quotes for the terminal: per code its label, then each quote with who said it."""
    lines = []
    for (code, label), rows in quotes.groupby(["code", "label"], sort=False):
        lines.append(f"{label} ({code})" if label != code else code)
        for row in rows.itertuples():
            where = f", {row.question}" if "question" in quotes.columns else ""
            quote = row.quote.replace("\n", "\n   ")
            lines.append(f"  ”{quote}”\n    {row.respondent}, {row.id}, score {row.score:.2f}{where}")
        lines.append("")
    return "\n".join(lines)
