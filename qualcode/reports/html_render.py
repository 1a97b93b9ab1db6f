"""The report as one self-contained HTML file (styles inline, charts as base64 PNG)."""
import base64
from html import escape

from qualcode.reports.layout import Figure, Heading, Label, Paragraph, Quote, Table, blocks

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;max-width:56rem;
margin:2rem auto;padding:0 1.2rem;color:#1d2733;line-height:1.5}
h1{font-size:1.7rem;border-bottom:3px solid #2f6f9f;padding-bottom:.3rem}
h2{font-size:1.3rem;margin-top:2.6rem;border-bottom:1px solid #ccd6e0;padding-bottom:.2rem}
h3{font-size:1.08rem;margin-top:1.6rem}h4,h5,h6{font-size:1rem;margin:1.2rem 0 .3rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.92rem}
th,td{border-bottom:1px solid #dde3ea;padding:.3rem .7rem;text-align:left;vertical-align:top}
th{background:#f1f5f9}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#52606d;font-size:.92rem}img{max-width:100%;height:auto;display:block;margin:.4rem 0}
p.label{font-weight:600;margin:1rem 0 .2rem}
blockquote{margin:.5rem 0;padding:.4rem .9rem;border-left:4px solid #2f6f9f;background:#f7fafc}
blockquote footer{color:#52606d;font-size:.85rem;margin-top:.2rem}
nav ul{columns:2;font-size:.92rem;list-style:none;padding-left:0}nav li{margin:0 0 .35rem;break-inside:avoid}
"""


def render_html(report):
    """The whole report as one HTML document with nothing to fetch."""
    laid_out = blocks(report)
    body = []
    for n, block in enumerate(laid_out):
        body.append(_block(block))
        if n == 1:   # after the title and the introduction
            body.append(_contents(report, laid_out))
    language = report.codebook.language if report.codebook is not None else "sv"
    return (f"<!DOCTYPE html>\n<html lang='{escape(language)}'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{escape(report.title)}</title><style>{STYLE}</style></head>"
            f"<body>{''.join(body)}</body></html>\n")


def _contents(report, laid_out):
    """The table of contents: every anchored heading (the questions, the method, the appendix)."""
    items = "".join(f"<li><a href='#{block.anchor}'>{escape(block.text)}</a></li>"
                    for block in laid_out if isinstance(block, Heading) and block.anchor)
    return f"<nav><h2>{escape(report.words['contents'])}</h2><ul>{items}</ul></nav>"


def _block(block):
    if isinstance(block, Heading):
        anchor = f" id='{escape(block.anchor)}'" if block.anchor else ""
        return f"<h{block.level}{anchor}>{escape(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f"<p class='note'>{escape(block.text)}</p>" if block.note else f"<p>{escape(block.text)}</p>"
    if isinstance(block, Table):
        return _table(block.frame, block.numeric)
    if isinstance(block, Figure):
        data = base64.b64encode(block.chart.png).decode("ascii")
        return f"<img alt='{escape(block.alt)}' src='data:image/png;base64,{data}'>"
    if isinstance(block, Label):
        return f"<p class='label'>{escape(block.text)}</p>"
    if isinstance(block, Quote):
        text = escape(block.text).replace("\n", "<br>")
        return f"<blockquote>”{text}”<footer>{escape(block.source)}</footer></blockquote>"
    raise TypeError(f"no HTML for {type(block).__name__}")


def _table(frame, numeric=frozenset()):
    head = "".join(f"<th{' class=n' if i in numeric else ''}>{escape(str(c))}</th>"
                   for i, c in enumerate(frame.columns))
    rows = "".join("<tr>" + "".join(
        f"<td{' class=n' if i in numeric else ''}>{escape('' if v is None else str(v))}</td>"
        for i, v in enumerate(row)) + "</tr>" for row in frame.itertuples(index=False, name=None))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
