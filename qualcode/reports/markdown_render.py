"""The report as Markdown; its charts are PNG files beside it (see :attr:`Report.charts`)."""
from qualcode.io.writers import markdown_table
from qualcode.reports.layout import Figure, Heading, Label, Paragraph, Quote, Table, blocks


def render_markdown(report):
    """The whole report as one Markdown document; figures link the chart files by name."""
    lines = []
    for block in blocks(report):
        lines += _block(block)
    return "\n".join(lines).rstrip("\n") + "\n"


def _block(block):
    if isinstance(block, Heading):
        return [f"{'#' * block.level} {block.text}", ""]
    if isinstance(block, Paragraph):
        return [block.text, ""]
    if isinstance(block, Table):
        return [markdown_table(block.frame)]
    if isinstance(block, Figure):
        return [f"![{block.alt}]({block.chart.name})", ""]
    if isinstance(block, Label):
        return [f"**{block.text}**", ""]
    if isinstance(block, Quote):
        lines = f"”{block.text}” ({block.source})".split("\n")
        return ["> " + "  \n> ".join(lines), ""]
    raise TypeError(f"no Markdown for {type(block).__name__}")
