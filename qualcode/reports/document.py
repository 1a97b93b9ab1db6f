"""A report as data: per question the theme counts, a chart, group differences and quotes.

:func:`build_report` computes everything once; the renderers (Markdown, HTML, DOCX, XLSX)
only lay it out.
"""
from dataclasses import dataclass, field

import pandas as pd

from qualcode import __version__
from qualcode.progress import progress
from qualcode.reports.chart import share_chart
from qualcode.reports.counts import NO_CONTENT, UNCODED, count_facts
from qualcode.reports.quotes import select_quotes
from qualcode.reports.text import percent
from qualcode.reports.words import words_for

TOP_THEMES_PER_GROUP = 3


@dataclass
class GroupView:
    """What one group (e.g. those who answered "Nej") says: its commonest themes and quotes."""

    group: str
    base: int
    top: list          # [(label, respondents, share)]
    quotes: pd.DataFrame


@dataclass
class QuestionSection:
    """One question: its theme counts, chart, group breakdown and quotes."""

    question: str
    themes: pd.DataFrame        # code, label, respondents, base, share (codes only)
    base: int
    answered: int
    uncoded: int
    chart: bytes | None        # PNG; None when no theme was raised
    quotes: pd.DataFrame
    by_group: pd.DataFrame | None = None   # label x shown group, cells "n (xx %)"
    hidden_groups: int = 0                  # groups under min_group, left out of by_group
    groups: list = field(default_factory=list)


@dataclass
class Report:
    """Everything a rendered report shows."""

    title: str
    words: dict
    sections: list
    counts: pd.DataFrame
    quotes: pd.DataFrame
    cooccurrence: pd.DataFrame
    method: list                # [(name, value)]
    answers: int                # answers reported on
    question_column: str | None
    codebook: object
    by: str | None = None
    min_group: int = 5
    anonymised: bool = False


def build_report(collected, codebook, min_group=5, per_code=3, anonymised=False, settings=None):
    """Compute a :class:`Report` from coded answers collected for it
    (:class:`~qualcode.reports.collect.Collected`) and their codebook."""
    words = words_for(codebook)
    by = collected.by
    counts = count_facts(collected.facts, collected.codes, codebook, by, min_group,
                         collected.question_column is not None)
    candidates = collected.candidates
    questions = candidates.questions if collected.question_column else None
    names = list(dict.fromkeys(collected.facts["question"]))
    sections = []
    with progress(names, "Counting and quoting per question") as bar:
        for question in bar:
            part = candidates.subset(questions == question) if questions is not None else candidates
            sections.append(_section(part, question, counts, codebook, by, min_group, per_code,
                                     anonymised, words))
    quotes = pd.concat([s.quotes for s in sections], ignore_index=True)
    return Report(
        title=f"{words['title']}: {codebook.name}", words=words, sections=sections,
        counts=counts, quotes=quotes, cooccurrence=collected.cooccurrence,
        method=_method(collected, codebook, settings, min_group, by, words), answers=collected.answers,
        question_column=collected.question_column, codebook=codebook, by=by, min_group=min_group,
        anonymised=anonymised)


def _section(part, question, counts, codebook, by, min_group, per_code, anonymised, words):
    rows = counts[counts["question"] == question] if "question" in counts else counts
    overall = rows[rows["group"] == words["all"]] if by else rows
    themes = overall[~overall["code"].isin([UNCODED, NO_CONTENT])]
    special = overall.set_index("code")
    shown = themes[themes["respondents"] > 0].sort_values("respondents", ascending=False, kind="stable")
    colors = [codebook[c].color if c in codebook else None for c in shown["code"]]
    by_group, hidden = _by_group(rows, shown["label"], words, min_group) if by else (None, 0)
    return QuestionSection(
        question=question, themes=themes.reset_index(drop=True),
        base=int(special.at[UNCODED, "base"]), answered=int(special.at[NO_CONTENT, "base"]),
        uncoded=int(special.at[UNCODED, "respondents"]),
        chart=share_chart(shown["label"].tolist(), shown["respondents"].tolist(),
                          shown["share"].fillna(0).tolist(), colors) if len(shown) else None,
        quotes=_by_theme_order(select_quotes(part, codebook, per_code, anonymised), shown["code"]),
        by_group=by_group, hidden_groups=hidden,
        groups=_group_views(part, rows, codebook, by, anonymised, words) if by else [])


def _by_theme_order(quotes, codes):
    """The quotes ordered like the theme table: commonest theme first."""
    order = {code: n for n, code in enumerate(codes)}
    return quotes.sort_values("code", key=lambda c: c.map(order).fillna(len(order)), kind="stable")


def _by_group(rows, labels, words, min_group):
    """Themes (``labels``, in that order) by group, "n (xx %)" per cell, for the groups large
    enough to show, or None; and the number of groups too small to show ("<N" in the counts)."""
    grouped = rows[(rows["group"] != words["all"]) & ~rows["code"].isin([UNCODED, NO_CONTENT])]
    shown = grouped[grouped["base"].notna()]
    hidden = grouped.loc[grouped["base"].isna(), "group"].nunique()
    if labels.empty or set(shown["group"]) <= {words["no_value"]}:
        return None, hidden
    cells = [f"{r.respondents} ({percent(r.share)})" if pd.notna(r.share) else str(r.respondents)
             for r in shown.itertuples()]
    table = shown.assign(cell=cells).pivot_table(index="label", columns="group", values="cell",
                                                 aggfunc="first", sort=False).reindex(labels)
    bases = shown.drop_duplicates("group").set_index("group")["base"]
    table.columns = [f"{group} (n={bases[group]})" for group in table.columns]
    table.index.name = words["theme"]
    return table.reset_index(), hidden


def _group_views(part, rows, codebook, by, anonymised, words):
    """Per shown group with content: its commonest themes and one quote for each of them."""
    views = []
    grouped = rows[(rows["group"] != words["all"]) & rows["base"].notna() & (rows["base"] > 0)
                   & ~rows["code"].isin([UNCODED, NO_CONTENT]) & (rows["group"] != words["no_value"])]
    for group, themes in grouped.groupby("group", sort=True):
        top = themes[themes["respondents"] > 0].nlargest(TOP_THEMES_PER_GROUP, "respondents", keep="first")
        if top.empty:
            continue
        members = part.subset(part.frame[by].fillna("").astype(str) == group)
        quotes = select_quotes(members, codebook, 1, anonymised)
        views.append(GroupView(group, int(themes["base"].iat[0]),
                               list(zip(top["label"], top["respondents"], top["share"])),
                               quotes[quotes["code"].isin(top["code"])].drop_duplicates("id")))
    return views


def _method(collected, codebook, settings, min_group, by, words):
    """The method facts: codebook identity, settings and the denominators."""
    facts = [
        (words["codebook"], f"{codebook.name} ({words['version']} {codebook.version}, "
                            f"{words['hash']} {codebook.content_hash[:12]})"),
        (words["answers"], f"{collected.answers} ({collected.with_content} {words['with_content']}), "
                           f"{collected.respondents} {words['respondents'].lower()}"),
        (words["settings"], ", ".join(f"{k}={v}" for k, v in (settings or {}).items()) or words["none"]),
        ("qualcode", __version__),
    ]
    if by:
        facts.append((words["group"], words["groups_fact"].format(by=by, min=min_group)))
    return facts
