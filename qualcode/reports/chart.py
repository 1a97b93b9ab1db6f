"""Bar charts of shares, as PNG bytes for embedding in HTML and DOCX and beside report.md."""
import io
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

from qualcode.reports.text import half_up_percent  # noqa: E402

BAR_COLOR = "#2f6f9f"
CLOSED_COLOR = "#5b7f95"
PARTS = ["#2f6f9f", "#e07b39", "#5a9a4f", "#8e6fb0", "#c9a227", "#3f9f9e", "#b05a6a", "#7a8a99"]
RESIDUAL_COLOR = "#b4bcc4"   # "Vet ej", "Annat": no colour of their own
BAR_HEIGHT_INCHES = 0.42
LABEL_WIDTH = 34   # characters per line of a bar's label


def share_chart(labels, respondents, percents, colors=None):
    """A horizontal bar chart, one bar per row, labelled "n (xx %)" with the whole ``percents``
    given (rounded as the report's tables round them); returns PNG bytes."""
    lines = sum(len(textwrap.wrap(str(label), LABEL_WIDTH)) or 1 for label in labels)
    height = 0.9 + BAR_HEIGHT_INCHES * max(len(labels), 1) + 0.12 * max(lines - len(labels), 0)
    figure, axes = plt.subplots(figsize=(7.5, height), dpi=110)
    return _png(figure, lambda: _bars(axes, labels, respondents, percents, colors))


def parts_chart(labels, respondents, percents, residual=()):
    """One horizontal bar split into the parts of a whole (a single-choice distribution), each
    part "xx %" and a legend "Label (n)" below; ``residual`` labels ("Vet ej") are grey."""
    figure, axes = plt.subplots(figsize=(7.5, 1.25 + 0.22 * ((len(labels) - 1) // 4)), dpi=110)

    def draw():
        left, colors = 0, iter(PARTS * (len(labels) // len(PARTS) + 1))
        for label, count, percent in zip(labels, respondents, percents):
            color = RESIDUAL_COLOR if label in residual else next(colors)
            axes.barh(0, percent, left=left, height=0.6, color=color, label=f"{label} ({count})",
                      edgecolor="white", linewidth=1)
            if percent >= 7:
                axes.text(left + percent / 2, 0, f"{percent} %", ha="center", va="center", fontsize=9,
                          color="#1d2733" if color == RESIDUAL_COLOR else "white")
            left += percent
        axes.set_xlim(0, max(100, left))
        axes.set_ylim(-0.45, 0.45)
        axes.axis("off")
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, 0.02), ncol=min(len(labels), 4),
                    frameon=False, fontsize=9, handlelength=1, handleheight=1)
    return _png(figure, draw)


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
            percents = [half_up_percent(n, b) for n, b in zip(part["respondents"], part["base"])]
            _bars(ax, part["label"].tolist(), part["respondents"].tolist(), percents, colors)
            ax.set_title(textwrap.fill(str(question), 80), fontsize=9, loc="left")
    return _png(figure, draw)


def _color(codebook, code_id):
    return codebook[code_id].color if codebook is not None and code_id in codebook else None


def _bars(axes, labels, respondents, percents, colors):
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, list(percents), height=0.65,
              color=[c or BAR_COLOR for c in (colors or [None] * len(labels))])
    axes.set_yticks(positions, [textwrap.fill(str(label), LABEL_WIDTH) for label in labels], fontsize=9)
    axes.set_xlim(0, 100)
    axes.xaxis.set_major_formatter(lambda value, _: f"{value:.0f} %")
    axes.tick_params(axis="x", labelsize=8)
    for position, count, percent in zip(positions, respondents, percents):
        axes.text(percent + 1, position, f"{count} ({percent} %)", va="center", fontsize=8)
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
