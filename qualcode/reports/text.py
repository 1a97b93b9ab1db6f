"""Small text helpers shared by the renderers."""
import pandas as pd


def percent(share):
    """0.456 -> "46 %" (Swedish and SI spacing); "" for a missing share."""
    return "" if share is None or pd.isna(share) else f"{100 * share:.0f} %"


def theme_table(section, words):
    """A question's themes as a table for people: theme, respondents, share; commonest first,
    themes nobody raised left out (counts.csv has them)."""
    themes = section.themes[section.themes["respondents"] > 0].sort_values(
        "respondents", ascending=False, kind="stable")
    return pd.DataFrame({words["theme"]: themes["label"], words["respondents"]: themes["respondents"],
                         words["share"]: themes["share"].map(percent)})


def quote_line(row, words):
    """A quote with who said it: “text” (respondent R07, id N123)."""
    return f"”{row.quote}” ({words['respondent']} {row.respondent}, id {row.id})"


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
            lines.append(f"  ”{row.quote}”\n    {row.respondent}, {row.id}, score {row.score:.2f}{where}")
        lines.append("")
    return "\n".join(lines)
