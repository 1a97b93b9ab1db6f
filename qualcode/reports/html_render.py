"""The report as one self-contained HTML file (styles inline, charts as base64 PNG)."""
import base64
from html import escape

from qualcode.reports.markdown_render import group_notes, group_summary, has_groups, section_note
from qualcode.reports.text import labelled_cooccurrence, theme_table

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;max-width:56rem;
margin:2rem auto;padding:0 1.2rem;color:#1d2733;line-height:1.5}
h1{font-size:1.7rem;border-bottom:3px solid #2f6f9f;padding-bottom:.3rem}
h2{font-size:1.3rem;margin-top:2.6rem;border-bottom:1px solid #ccd6e0;padding-bottom:.2rem}
h3{font-size:1.08rem;margin-top:1.6rem}h4{font-size:1rem;margin:1.2rem 0 .3rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.92rem}
th,td{border-bottom:1px solid #dde3ea;padding:.3rem .7rem;text-align:left;vertical-align:top}
th{background:#f1f5f9}td.n{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#52606d;font-size:.92rem}img{max-width:100%;height:auto}
blockquote{margin:.5rem 0;padding:.4rem .9rem;border-left:4px solid #2f6f9f;background:#f7fafc}
blockquote footer{color:#52606d;font-size:.85rem;margin-top:.2rem}
nav ol{columns:2;font-size:.92rem}dt{font-weight:600}dd{margin:0 0 .5rem 0}
"""


def render_html(report):
    """The whole report as one HTML document with nothing to fetch."""
    words = report.words
    body = [f"<h1>{escape(report.title)}</h1>", _contents(report)]
    for number, section in enumerate(report.sections, 1):
        body.append(_section(report, section, number))
    body += [f"<h2 id='cooccurrence'>{escape(words['cooccurrence'])}</h2>",
             f"<p class='note'>{escape(words['cooccurrence_note'])}</p>",
             _table(labelled_cooccurrence(report), numeric=set(range(1, report.cooccurrence.shape[1] + 1))), _method(report)]
    language = report.codebook.language if report.codebook is not None else "sv"
    return (f"<!DOCTYPE html>\n<html lang='{escape(language)}'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{escape(report.title)}</title><style>{STYLE}</style></head>"
            f"<body>{''.join(body)}</body></html>\n")


def _contents(report):
    items = "".join(f"<li><a href='#q{n}'>{escape(s.question)}</a></li>"
                    for n, s in enumerate(report.sections, 1))
    items += f"<li><a href='#method'>{escape(report.words['method'])}</a></li>"
    return f"<nav><h2>{escape(report.words['contents'])}</h2><ol>{items}</ol></nav>"


def _section(report, section, number):
    words = report.words
    parts = [f"<h2 id='q{number}'>{escape(section.question)}</h2>",
             f"<p class='note'>{escape(section_note(report, section))}</p>"]
    if section.chart:
        chart = base64.b64encode(section.chart).decode("ascii")
        parts += [f"<img alt='{escape(words['share'])}' src='data:image/png;base64,{chart}'>",
                  _table(theme_table(section, words), numeric={1, 2})]
    if has_groups(section):
        parts.append(f"<h3>{escape(words['by_heading'].format(column=report.by))}</h3>")
        parts += [f"<p class='note'>{escape(note)}</p>" for note in group_notes(report, section)]
        if section.by_group is not None:
            parts.append(_table(section.by_group, numeric=set(range(1, section.by_group.shape[1]))))
        for view in section.groups:
            parts += [f"<h4>{escape(words['group_says'].format(group=view.group))}</h4>",
                      f"<p>{escape(group_summary(view, words))}</p>",
                      "".join(_quote(row, words) for row in view.quotes.itertuples())]
    if len(section.quotes):
        parts.append(f"<h3>{escape(words['quotes'])}</h3>")
        for label, quotes in section.quotes.groupby("label", sort=False):
            parts += [f"<h4>{escape(label)}</h4>", "".join(_quote(r, words) for r in quotes.itertuples())]
    return "".join(parts)


def _quote(row, words):
    return (f"<blockquote>”{escape(row.quote)}”<footer>{escape(words['respondent'])} "
            f"{escape(str(row.respondent))}, id {escape(str(row.id))}</footer></blockquote>")


def _table(frame, numeric=frozenset()):
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(
        f"<td{' class=n' if i in numeric else ''}>{escape('' if v is None else str(v))}</td>"
        for i, v in enumerate(row)) + "</tr>" for row in frame.itertuples(index=False, name=None))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _method(report):
    words = report.words
    facts = "".join(f"<dt>{escape(name)}</dt><dd>{escape(str(value))}</dd>" for name, value in report.method)
    notes = [words["method_base"], words["method_quotes"]] + ([words["anonymised"]] if report.anonymised else [])
    return (f"<h2 id='method'>{escape(words['method'])}</h2><dl>{facts}</dl>" +
            "".join(f"<p class='note'>{escape(n)}</p>" for n in notes))
