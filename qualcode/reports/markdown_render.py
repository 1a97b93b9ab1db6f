"""The report as Markdown; its charts are PNG files in the folder beside it. Text from answers,
labels and column names is literal (no HTML, no links), through
:func:`qualcode.io.escape.markdown_text`; the report's own words are not escaped."""
from qualcode.io.escape import markdown_text
from qualcode.io.writers import markdown_table
from qualcode.reports.document import CHART_FOLDER
from qualcode.reports.layout import Figure, Heading, Label, Paragraph, Quote, Table, blocks


def render_markdown(report):
    """The whole report as one Markdown document; figures link the chart files by name."""
    lines = []
    for block in blocks(report, literal=markdown_text):
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
        return [f"![{block.alt}]({CHART_FOLDER}/{block.chart.name})", ""]
    if isinstance(block, Label):
        return [f"**{block.text}**", ""]
    if isinstance(block, Quote):
        lines = f"”{block.text}” ({block.source})".split("\n")
        return ["> " + "  \n> ".join(lines), ""]
    raise TypeError(f"no Markdown for {type(block).__name__}")
