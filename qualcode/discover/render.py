"""Readable outputs of a discovery: themes.md, themes.html, suggestions.md and the 2-D map."""
import base64
import html

import numpy as np

from qualcode.discover.represent import shortened
from qualcode.io.escape import markdown_text as md

MAX_QUOTE_CHARS = 400
SHOWN_CODES = 3
SHOWN_UNTHEMED = 30  # unthemed units listed in themes.md/.html (clusters.csv lists them all)
UNTHEMED_TITLE = "Unthemed"
SHOWN_GROUPS = 8  # groups named per theme in themes.md/.html (themes_by.csv has them all)


def theme_sections(discovery):
    """Per theme, the plain facts every renderer shows: title, size line, relation line, quotes."""
    model = discovery.model
    total = len(model.units_)
    counts = discovery.group_counts()
    sections = []
    for theme in model.themes_:
        relation = discovery.relations[theme.id] if discovery.coded else None
        sections.append({
            "title": f"{theme.id + 1}. {theme.name}",
            "size": _size(theme, total, discovery.unit_word),
            "groups": "" if counts is None else _groups(counts[counts.theme == theme.id + 1], discovery.by),
            "terms": ", ".join(theme.terms),
            "relation": _relation_line(relation, discovery),
            "quotes": [(shortened(model.units_[i].text, MAX_QUOTE_CHARS), discovery.unit_ids[i])
                       for i in theme.quotes],
        })
    return sections


def unthemed_section(discovery):
    """The units far from every theme: title, size line and up to ``SHOWN_UNTHEMED`` of them
    (those closest to a theme first, as the ones most worth a look)."""
    model = discovery.model
    unthemed = np.flatnonzero(model.labels_ < 0)
    if not len(unthemed):
        return None
    order = unthemed[np.argsort(model.distances_[unthemed], kind="stable")][:SHOWN_UNTHEMED]
    answers = len({model.units_[i].answer for i in unthemed})
    size = f"{len(unthemed)} {discovery.unit_word} ({len(unthemed) / len(model.units_):.0%})"
    size += "" if discovery.unit_word == "answers" else f" from {answers} answers"
    return {"title": UNTHEMED_TITLE, "size": f"{size}, far from every theme or in none big enough",
            "quotes": [(shortened(model.units_[i].text, MAX_QUOTE_CHARS), discovery.unit_ids[i]) for i in order]}


def _groups(rows, column):
    """"By municipality: Luleå 12 (30%), Kiruna 5 (8%), ...": answers per group, with the share
    of that group's answers, largest first."""
    shown = [f"{row[column]} {row.answers} ({row.share:.0%})" for _, row in rows.head(SHOWN_GROUPS).iterrows()]
    more = f", {len(rows) - SHOWN_GROUPS} more groups" if len(rows) > SHOWN_GROUPS else ""
    return f"By {column}: {', '.join(shown)}{more}"


def _size(theme, total, unit_word):
    size = f"{theme.size} {unit_word} ({theme.size / total:.0%})"
    return size if unit_word == "answers" else f"{size} from {theme.answers} answers"


def _relation_line(relation, discovery):
    if relation is None:
        return ""
    shares = ", ".join(f"{_label(code, discovery)} {share:.0%}" for code, share in relation.shares[:SHOWN_CODES])
    coded = f"coded now: {shares or 'nothing'}; uncoded {relation.uncoded:.0%}"
    if relation.candidate:
        return f"{coded}. Mostly uncoded: candidate new code `{discovery.candidate_ids[relation.theme]}`."
    if relation.overlap is None:
        return f"{coded}. Spread over several codes."
    return f"{coded}. Overlaps `{relation.overlap}`."


def _label(code_id, discovery):
    codebook = discovery.codebook
    return f"{codebook[code_id].label} ({code_id})" if codebook is not None and code_id in codebook else code_id


def themes_markdown(discovery, map_name):
    """themes.md: a summary, the map and one section per theme."""
    lines = [f"# Themes in {md(discovery.source)}", "", md(discovery.summary), "",
             f"![Map of the {discovery.unit_word}]({map_name})", ""]
    for section in theme_sections(discovery):
        lines += [f"## {md(section['title'])}", "", f"- Size: {section['size']}", f"- Words: {md(section['terms'])}"]
        if section["groups"]:
            lines.append(f"- {md(section['groups'])}")
        if section["relation"]:
            lines.append(f"- Codebook: {md(section['relation'])}")
        lines.append("")
        lines += [f"> {md(quote)} ({md(str(answer_id))})\n" for quote, answer_id in section["quotes"]]
    unthemed = unthemed_section(discovery)
    if unthemed:
        lines += [f"## {unthemed['title']}", "", f"- Size: {unthemed['size']}", ""]
        lines += [f"> {md(quote)} ({md(str(answer_id))})\n" for quote, answer_id in unthemed["quotes"]]
    return "\n".join(lines)


def themes_html(discovery, png):
    """themes.html: the same content as themes.md with the map embedded as a PNG."""
    escape = html.escape
    image = base64.b64encode(png).decode("ascii")
    parts = [
        "<!DOCTYPE html>", '<html lang="sv"><head><meta charset="utf-8">',
        f"<title>Themes in {escape(discovery.source)}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto;padding:1em}"
        "blockquote{border-left:3px solid #ccc;margin:.4em 0;padding-left:.8em;color:#333}"
        ".meta{color:#555}</style></head><body>",
        f"<h1>Themes in {escape(discovery.source)}</h1>", f"<p>{escape(discovery.summary)}</p>",
        f'<img alt="Map of the {discovery.unit_word}" src="data:image/png;base64,{image}" style="max-width:100%">',
    ]
    for section in theme_sections(discovery):
        parts += [f"<h2>{escape(section['title'])}</h2>",
                  f"<p class=\"meta\">Size: {escape(section['size'])}<br>Words: {escape(section['terms'])}"
                  + (f"<br>{escape(section['groups'])}" if section["groups"] else "")
                  + (f"<br>Codebook: {escape(section['relation'])}" if section["relation"] else "") + "</p>"]
        parts += [f"<blockquote>{escape(quote)} <small>({escape(str(answer_id))})</small></blockquote>"
                  for quote, answer_id in section["quotes"]]
    unthemed = unthemed_section(discovery)
    if unthemed:
        parts += [f"<h2>{unthemed['title']}</h2>", f"<p class=\"meta\">Size: {escape(unthemed['size'])}</p>"]
        parts += [f"<blockquote>{escape(quote)} <small>({escape(str(answer_id))})</small></blockquote>"
                  for quote, answer_id in unthemed["quotes"]]
    parts.append("</body></html>")
    return "\n".join(parts)


def suggestions_markdown(discovery):
    """suggestions.md: candidate new codes and keywords missing from existing codes."""
    lines = [f"# Codebook suggestions from {md(discovery.source)}", "",
             "Review these, then compare the draft with `qualcode codebook diff` "
             "(candidate codes have `status: suggested` and are not applied until made active).", "",
             "## Candidate new codes", ""]
    candidates = [(theme, discovery.candidate_ids[theme.id]) for theme in discovery.model.themes_
                  if theme.id in discovery.candidate_ids]
    lines += [f"- `{code_id}`: {md(theme.name)} ({theme.answers} answers; theme {theme.id + 1})"
              for theme, code_id in candidates] or ["None: most answers of every theme carry a code."]
    lines += ["", "## Keywords missing from existing codes", ""]
    lines += [f"- `{code_id}` ({md(discovery.codebook[code_id].label)}): {md(', '.join(words))}"
              for code_id, words in discovery.missing.items()] or ["None found."]
    return "\n".join(lines) + "\n"


def _distinct(index):
    """Colour index in tab20 that uses the 10 dark shades before their light twins."""
    return (2 * index) % 20 + (index // 10) % 2


def map_png(model, dpi=110):
    """A scatter plot of the units on the model's 2-D map, coloured by theme, as PNG bytes."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(9, 6.5))
    points, labels = model.map_, model.labels_
    size = 6 if len(points) > 2000 else 18
    colours = plt.get_cmap("tab20")
    outside = points[labels < 0]
    if len(outside):
        axes.scatter(outside[:, 0], outside[:, 1], color="#cccccc", s=size, alpha=0.5, linewidths=0,
                     label=UNTHEMED_TITLE.lower())
    for theme in model.themes_:
        inside = points[labels == theme.id]
        axes.scatter(inside[:, 0], inside[:, 1], color=colours(_distinct(theme.id)), s=size, alpha=0.6,
                     linewidths=0, label=f"{theme.id + 1}. {theme.name}")
        x, y = inside.mean(axis=0)
        axes.annotate(str(theme.id + 1), (x, y), fontsize=9, fontweight="bold", ha="center", va="center",
                      bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "alpha": 0.8, "lw": 0})
    axes.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, markerscale=2, frameon=False)
    axes.set_xticks([])
    axes.set_yticks([])
    axes.set_title("Themes on a 2-D map of the embeddings (PCA)")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()
