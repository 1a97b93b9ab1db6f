"""A report as data: per question the closed answers, the theme counts, charts, group
differences and quotes, and the method in words.

:func:`build_report` computes everything once; the renderers (Markdown, HTML, DOCX, XLSX)
only lay it out, and :mod:`qualcode.reports.prose` writes its sentences.
"""
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from qualcode import __version__
from qualcode.embed import is_default
from qualcode.progress import progress
from qualcode.reports.chart import CLOSED_COLOR, parts_chart, share_chart
from qualcode.reports.choices import (PER_QUESTION, PER_RESPONDENT, ChoiceColumn, column_kind,
                                      detect_separator, tabulate)
from qualcode.reports.counts import NO_CONTENT, UNCODED, choice_column, count_facts
from qualcode.reports.outline import outline
from qualcode.reports.quotes import Quoter
from qualcode.reports.text import digits, half_up_percent
from qualcode.reports.words import RESIDUAL_ANSWERS, long_date, words_for

TOP_THEMES_PER_GROUP = 3
CHART_FOLDER = "report-charts"   # beside report.md, which shows the charts from there
# Below 20 respondents one respondent moves a share by more than five percentage points.
SMALL_BASE = 20


@dataclass
class Chart:
    """A chart: the PNG, and its file name in :data:`CHART_FOLDER` beside report.md."""

    name: str
    png: bytes


@dataclass
class GroupView:
    """What one group (e.g. those who answered "Nej") says: its commonest themes and quotes."""

    group: str
    base: int
    top: list          # [(label, respondents)]
    quotes: pd.DataFrame


@dataclass
class QuestionSection:
    """One question: its closed answers, theme counts, chart, group breakdown, quotes and
    follow-up questions."""

    question: str
    number: str | None          # "8"; None for a follow-up or a question that carries its own label
    themes: pd.DataFrame        # code, label, respondents, base, share (every code)
    shown_themes: pd.DataFrame  # the themes someone raised, commonest first
    base: int                   # respondents who answered with content
    answered: int               # respondents with a row for the question
    uncoded: int
    chart: Chart | None
    quotes: pd.DataFrame
    closed: list = field(default_factory=list)          # ClosedTable per closed column
    by_group: pd.DataFrame | None = None   # theme x shown group, cells "n (xx %)"
    hidden: list = field(default_factory=list)          # groups too small to show
    group_bases: dict = field(default_factory=dict)     # shown group -> respondents with content
    groups: list = field(default_factory=list)          # GroupView per shown group
    group_kind: str = "closed"  # closed (one answer), multi (ticks) or attribute (a respondent's)
    follow_ups: list = field(default_factory=list)
    grouped: bool = False       # whether the question has values in the --by column at all

    @property
    def small_base(self):
        return 0 < self.base < SMALL_BASE


@dataclass
class Report:
    """Everything a rendered report shows."""

    title: str
    words: dict
    sections: list
    counts: pd.DataFrame
    quotes: pd.DataFrame
    cooccurrence: pd.DataFrame
    settings: list              # [(name, value)]: the appendix
    answers: int                # answers reported on
    respondents: int
    with_content: int
    question_column: str | None
    codebook: object
    metadata: dict = field(default_factory=dict)
    by: str | None = None
    min_group: int = 5
    anonymised: bool = False
    attributes: list = field(default_factory=list)      # ClosedTable per respondent attribute

    def all_sections(self):
        """Every section, follow-ups after their main question."""
        return [s for section in self.sections for s in (section, *section.follow_ups)]

    @property
    def charts(self):
        """Every chart the report shows, in reading order."""
        closed = [table.chart for table in self.attributes]
        for section in self.all_sections():
            closed += [table.chart for table in section.closed] + [section.chart]
        return [chart for chart in closed if chart is not None]

    @property
    def closed(self):
        """Every closed column tabulated, as one table (closed.csv)."""
        rows = [(table.question or "", table.choice.column, alternative, n, table.base, share)
                for table in [*self.attributes, *(t for s in self.all_sections() for t in s.closed)]
                for alternative, n, share in table.table[["alternative", "respondents", "share"]].itertuples(index=False)]
        return pd.DataFrame(rows, columns=self.words["closed_columns"])


def build_report(collected, codebook, min_group=5, per_code=3, anonymised=False, metadata=None,
                 multi_choice=(), follow_up=(), rules=None):
    """Compute a :class:`Report` from coded answers collected for it
    (:class:`~qualcode.reports.collect.Collected`) and their codebook.

    ``metadata`` is what produced the coding (the coded table's sidecar: settings, time);
    ``multi_choice`` the :class:`ChoiceColumn` of each multi-choice column; ``follow_up`` the
    follow-up questions by text or number (see :func:`~qualcode.reports.outline.outline`);
    ``rules`` the :class:`~qualcode.reports.quotes.QuoteRules` quotes are checked against.
    """
    words = words_for(codebook)
    facts = collected.facts
    choices = _choices(collected, multi_choice)
    by_choice = choices.get(collected.by)
    counts = count_facts(facts, collected.codes, codebook, collected.by, min_group,
                         collected.question_column is not None, by_choice.separator if by_choice else None)
    kinds = {column: column_kind(facts, _values_column(column, collected.by)) for column in choices}
    attributes = [_closed(facts, choices[c], collected.by, None, f"respondents-{_slug(c)}")
                  for c in choices if kinds[c] == PER_RESPONDENT]
    context = _Context(collected, codebook, counts, words, choices, kinds, per_code, anonymised, rules)
    entries = outline(dict.fromkeys(facts["question"]), follow_up)
    with progress(entries, "Counting and quoting per question") as bar:
        sections = [_section(entry, context, str(n)) for n, entry in enumerate(bar, 1)]
    quotes = pd.concat([s.quotes for section in sections for s in (section, *section.follow_ups)], ignore_index=True)
    metadata = metadata or {}
    return Report(
        title=f"{words['title']}: {codebook.name}", words=words, sections=sections, counts=counts,
        quotes=quotes, cooccurrence=collected.cooccurrence,
        settings=_settings(codebook, metadata, collected.by, min_group, choices, follow_up, words),
        answers=collected.answers, respondents=collected.respondents, with_content=collected.with_content,
        question_column=collected.question_column, codebook=codebook, metadata=metadata, by=collected.by,
        min_group=min_group, anonymised=anonymised,
        attributes=[table for table in attributes if table is not None])


@dataclass
class _Context:
    collected: object
    codebook: object
    counts: pd.DataFrame
    words: dict
    choices: dict
    kinds: dict
    per_code: int
    anonymised: bool
    rules: object


def _choices(collected, multi_choice):
    """The closed columns: the multi-choice ones as given, and ``by`` (multi-choice when its
    values are joined by a separator qualcode recognises)."""
    choices = {choice.column: choice for choice in multi_choice}
    by = collected.by
    if by is not None and by not in choices:
        separator = detect_separator(collected.facts["group"].unique())
        choices[by] = ChoiceColumn(by, separator, detected=separator is not None)
    return choices


def _values_column(column, by):
    return "group" if column == by else choice_column(column)


def _closed(facts, choice, by, question, name):
    """The :class:`ClosedTable` of one closed column among ``facts``, with its chart."""
    column = _values_column(choice.column, by)
    table = tabulate(facts[column], facts["respondent"], choice, question)
    if table is None:
        return None
    labels, counts, percents = (table.table[c].tolist() for c in ("alternative", "respondents", "percent"))
    if table.multi:
        png = share_chart(labels, counts, percents, [CLOSED_COLOR] * len(labels))
    else:
        png = parts_chart(labels, counts, percents, [label for label in labels if label.casefold() in RESIDUAL_ANSWERS])
    table.chart = Chart(f"{name}.png", png)
    return table


def _section(entry, context, key, used=None):
    """The :class:`QuestionSection` of one question (and, within it, of its follow-ups: a
    sentence quoted under the question is not quoted again under its follow-ups)."""
    collected, words, by = context.collected, context.words, context.collected.by
    question = entry.question
    counts = context.counts
    rows = counts[counts["question"] == question] if "question" in counts else counts
    overall = rows[rows["group"] == words["all"]] if by else rows
    themes = overall[~overall["code"].isin([UNCODED, NO_CONTENT])].reset_index(drop=True)
    special = overall.set_index("code")
    shown = themes[themes["respondents"] > 0].sort_values("respondents", ascending=False, kind="stable")
    facts = collected.facts[collected.facts["question"] == question]
    closed = [_closed(facts, context.choices[c], by, question, f"{key}-{_slug(c)}")
              for c in context.choices if context.kinds[c] == PER_QUESTION]
    candidates = collected.candidates
    part = (candidates.subset(candidates.questions == question) if collected.question_column else candidates)
    quoter = Quoter(part, context.codebook, context.rules, anonymised=context.anonymised,
                    used=set() if used is None else used)
    theme_codes = list(zip(shown["code"], shown["label"]))
    section = QuestionSection(
        question=question, number=entry.number, themes=themes, shown_themes=shown.reset_index(drop=True),
        base=int(special.at[UNCODED, "base"]), answered=int(special.at[NO_CONTENT, "base"]),
        uncoded=int(special.at[UNCODED, "respondents"]), chart=_theme_chart(shown, context.codebook, key),
        quotes=quoter.quotes(context.per_code, theme_codes), closed=[t for t in closed if t is not None])
    if by:
        _add_groups(section, rows, facts, part, quoter, context)
    section.follow_ups = [_section(follow, context, f"{key}-{n}", quoter.used)
                          for n, follow in enumerate(entry.follow_ups, 1)]
    return section


def _theme_chart(shown, codebook, key):
    if shown.empty:
        return None
    colors = [codebook[c].color if c in codebook else None for c in shown["code"]]
    percents = [half_up_percent(n, b) for n, b in zip(shown["respondents"], shown["base"])]
    return Chart(f"{key}-themes.png", share_chart(shown["label"].tolist(), shown["respondents"].tolist(),
                                                        percents, colors))


def _add_groups(section, rows, facts, part, quoter, context):
    """The themes by group (shown groups only), the groups too small to show, and per shown
    group its commonest themes with a quote each (sentences not quoted yet)."""
    words, by = context.words, context.collected.by
    choice = context.choices[by]
    own = next((table for table in section.closed if table.choice.column == by), None)
    section.group_kind = ("attribute" if context.kinds[by] == PER_RESPONDENT else
                          "multi" if own is not None and own.multi else "closed")
    section.grouped = bool((facts["group"] != "").any())
    grouped = rows[(rows["group"] != words["all"]) & ~rows["code"].isin([UNCODED, NO_CONTENT])
                   & (rows["group"] != words["no_value"])]
    bases = grouped.drop_duplicates("group").set_index("group")["base"]
    order = _group_order(bases.index, section.closed, by)
    shown_groups = [g for g in order if pd.notna(bases[g]) and bases[g] > 0]
    section.hidden = [g for g in order if g not in shown_groups]
    labels = section.shown_themes["label"]
    if not shown_groups or labels.empty:
        return
    table = grouped[grouped["group"].isin(shown_groups)]
    cells = table.assign(cell=[f"{digits(n, words)} ({half_up_percent(n, b)} %)" if n else "0"
                               for n, b in zip(table["respondents"], table["base"])])
    matrix = cells.pivot_table(index="label", columns="group", values="cell", aggfunc="first", sort=False)
    counts = table.pivot_table(index="label", columns="group", values="respondents", aggfunc="first", sort=False)
    keep = [label for label in labels if counts.loc[label, shown_groups].astype(int).sum() > 0]
    matrix = matrix.reindex(index=keep, columns=shown_groups)
    section.group_bases = {group: int(bases[group]) for group in shown_groups}
    matrix.columns = [f"{group} (n={digits(section.group_bases[group], words)})" for group in shown_groups]
    matrix.index.name = words["theme"]
    section.by_group = matrix.reset_index()
    section.groups = _group_views(table, shown_groups, part, quoter, choice)


def _group_order(groups, closed, by):
    """Groups in the order of the question's own closed answers, else alphabetically."""
    own = next((table.table["alternative"].tolist() for table in closed if table.choice.column == by), [])
    position = {name: i for i, name in enumerate(own)}
    return sorted(groups, key=lambda g: (position.get(g, len(position)), str(g)))


def _group_views(table, shown_groups, part, quoter, choice):
    views = []
    members = [choice.alternatives(value) for value in part.frame[choice.column]]
    for group in shown_groups:
        themes = table[(table["group"] == group) & (table["respondents"] > 0)]
        top = themes.nlargest(TOP_THEMES_PER_GROUP, "respondents", keep="first")
        if top.empty:
            continue
        rows = [i for i, alternatives in enumerate(members) if group in alternatives]
        quotes = quoter.quotes(1, list(zip(top["code"], top["label"])), rows)
        views.append(GroupView(group, int(top["base"].iat[0]), list(zip(top["label"], top["respondents"])), quotes))
    return views


def _settings(codebook, metadata, by, min_group, choices, follow_up, words):
    """The appendix: every setting that produced the report, named for people."""
    names, settings = words["setting_names"], metadata.get("settings", {})
    mode = settings.get("mode")
    threshold = settings.get("threshold")
    rows = [(names["codebook"], codebook.name), (names["version"], str(codebook.version)),
            (names["hash"], codebook.content_hash[:12])]
    if mode:
        rows.append((names["mode"], words["mode_names"].get(mode, mode)))
    if mode == "accurate" or settings.get("embedder") not in (None, "default"):
        rows.append((names["embedder"], model_name(settings.get("embedder"), words)))
    if settings.get("model"):
        rows.append((names["model"], str(settings["model"])))
    if mode:
        rows.append((names["threshold"], words["default_threshold"] if threshold is None else str(threshold)))
    for key in ("seed", "fitted_on"):
        if settings.get(key) is not None:
            rows.append((names[key], str(settings[key])))
    created = long_date(metadata.get("created", ""), words, with_time=True)
    if created:
        rows.append((names["created"], created))
    if metadata.get("input"):
        rows.append((names["input"], str(metadata["input"])))
    review = metadata.get("review")          # a review project's report: who decided the codes
    if review:
        coders = ", ".join(f"{name} {count}" for name, count in review["coders"].items()) or "-"
        rows.append((names["review"], words["review_fact"].format(
            reviewed=review["reviewed"], machine=review["machine"], coders=coders)))
    rows.append((names["qualcode"], metadata.get("qualcode_version") or __version__))
    if by:
        rows += [(names["by"], by), (names["min_group"], str(min_group))]
    multi = [f"{c.column} (”{c.separator}”)" for c in choices.values() if c.separator]
    if multi:
        rows.append((names["multi_choice"], ", ".join(multi)))
    if follow_up:
        rows.append((names["follow_up"], ", ".join(map(str, follow_up))))
    return rows


def model_name(embedder, words):
    """The language model an ``embedder`` setting names, for people."""
    if embedder is None or is_default(embedder):
        return words["default_model"]
    return str(embedder).removeprefix("sentence-transformers:")


def _slug(text):
    """A file-name part: "svarsalternativ", "vem-driver" (ASCII, lower case)."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "column"
