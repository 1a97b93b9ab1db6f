"""Bar charts of theme shares, as PNG bytes for embedding in HTML and DOCX."""
import io
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

BAR_COLOR = "#2f6f9f"
BAR_HEIGHT_INCHES = 0.42


def share_chart(labels, respondents, shares, colors=None):
    """A horizontal bar chart, one bar per theme, labelled "n (xx %)"; returns PNG bytes."""
    figure, axes = plt.subplots(figsize=(7.5, 0.9 + BAR_HEIGHT_INCHES * max(len(labels), 1)), dpi=110)
    return _png(figure, lambda: _bars(axes, labels, respondents, shares, colors))


def counts_chart(counts, codebook=None):
    """One bar chart panel per question of a :func:`count_codes` table (overall rows only)."""
    from qualcode.reports.counts import NO_CONTENT, UNCODED

    themes = counts[~counts["code"].isin([UNCODED, NO_CONTENT]) & (counts["respondents"] > 0)]
    if "group" in themes:
        themes = themes[themes["group"] == counts["group"].iat[0]]
    panels = list(themes.groupby("question", sort=False)) if "question" in themes else [("", themes)]
    heights = [0.9 + BAR_HEIGHT_INCHES * max(len(part), 1) for _, part in panels]
    figure, axes = plt.subplots(len(panels), 1, figsize=(7.5, sum(heights)), dpi=110,
                                height_ratios=heights, squeeze=False)

    def draw():
        for ax, (question, part) in zip(axes[:, 0], panels):
            part = part.sort_values("respondents", ascending=False, kind="stable")
            colors = [_color(codebook, code) for code in part["code"]]
            _bars(ax, part["label"].tolist(), part["respondents"].tolist(), part["share"].tolist(), colors)
            ax.set_title(textwrap.fill(str(question), 80), fontsize=9, loc="left")
    return _png(figure, draw)


def _color(codebook, code_id):
    return codebook[code_id].color if codebook is not None and code_id in codebook else None


def _bars(axes, labels, respondents, shares, colors):
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, [100 * s for s in shares], height=0.65,
              color=[c or BAR_COLOR for c in (colors or [None] * len(labels))])
    axes.set_yticks(positions, [textwrap.fill(label, 34) for label in labels], fontsize=9)
    axes.set_xlim(0, 100)
    axes.xaxis.set_major_formatter(lambda value, _: f"{value:.0f} %")
    axes.tick_params(axis="x", labelsize=8)
    for position, count, share in zip(positions, respondents, shares):
        axes.text(100 * share + 1, position, f"{count} ({100 * share:.0f} %)", va="center", fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)


def _png(figure, draw):
    """Run ``draw``, then return the figure as PNG bytes and free it."""
    try:
        draw()
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)
