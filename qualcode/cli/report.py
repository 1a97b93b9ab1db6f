"""``qualcode counts``, ``quotes`` and ``report``: what analysts deliver, thin over
:mod:`qualcode.reports`."""
from pathlib import Path

import click

from qualcode.cli.options import answer_options, coding_options, verbosity_options
from qualcode.progress import echo, say

TABLE_SUFFIXES = (".csv", ".xlsx", ".md")
CODEBOOK_OPTION = click.option("--codebook", "codebook_path", type=click.Path(path_type=Path),
                               help="Codebook YAML: labels, parent roll-up and the report's language.")


def _output_option(what):
    return click.option("-o", "--output", type=click.Path(path_type=Path),
                        help=f"Write {what} to this file (.csv, .xlsx, .md) instead of printing.")


def _load(coded_path, codebook_path, outputs):
    """Check the output paths, then read the coded table and the optional codebook."""
    from qualcode.codebook import load_codebook
    from qualcode.io import check_output_path
    from qualcode.reports import read_coded

    inputs = [p for p in (coded_path, codebook_path) if p is not None]
    for output in outputs:
        check_output_path(output, inputs, TABLE_SUFFIXES if output == outputs[0] else None)
    codebook = load_codebook(codebook_path) if codebook_path is not None else None
    coded = read_coded(coded_path)
    unknown = [code for code in coded.code_ids if codebook is not None and code not in codebook]
    if unknown:
        say(f"Warning: {coded_path}: codes not in {codebook_path} are left out: {', '.join(unknown)}")
    return coded, codebook, inputs


def _show(frame, output, inputs):
    """Print ``frame`` as a readable table, or write it to ``output``."""
    from qualcode.io import write_table

    if output is None:
        echo(frame.to_string(index=False, max_colwidth=70))
    else:
        write_table(frame, output, inputs)
        say(f"Wrote {output}")


@click.command("counts")
@click.argument("coded_path", metavar="CODED", type=click.Path(path_type=Path))
@CODEBOOK_OPTION
@click.option("--by", default=None, help="Also count per value of this column (e.g. municipality, role).")
@click.option("--min-group", type=click.IntRange(min=1), default=5, show_default=True,
              help="Suppress groups with fewer respondents than this (shown as '<N').")
@_output_option("the counts; the co-occurrence table and a bar chart go beside it")
@verbosity_options
def counts_command(coded_path, codebook_path, by, min_group, output):
    """Count respondents per code, overall and per group."""
    from qualcode.io import output_set
    from qualcode import api
    from qualcode.reports import cooccurrence, displayed_counts
    from qualcode.reports.chart import counts_chart

    paths = [] if output is None else [output, output.with_name(f"{output.stem}.cooccurrence{output.suffix}"),
                                       output.with_suffix(".png")]
    coded, codebook, inputs = _load(coded_path, codebook_path, paths)
    counts = api.counts(coded, codebook, by=by, min_group=min_group)
    matrix = cooccurrence(coded, codebook).reset_index()
    if output is None:
        _show(displayed_counts(counts), None, inputs)
        echo("")
        echo(matrix.to_string(index=False))
        return
    table, side_table, chart = paths
    with output_set(paths, inputs) as outputs:  # the counts and their side files land together
        outputs.write_table(table, displayed_counts(counts))
        outputs.write_table(side_table, matrix)
        outputs.write_bytes(chart, counts_chart(counts, codebook))
    for path in paths:
        say(f"Wrote {path}")


@click.command("quotes")
@click.argument("coded_path", metavar="CODED", type=click.Path(path_type=Path))
@CODEBOOK_OPTION
@click.option("--per-code", type=click.IntRange(min=1), default=3, show_default=True,
              help="Quotes per code.")
@click.option("--anonymise", is_flag=True, help="Mask names, e-mail, phone numbers and personnummer.")
@_output_option("the quotes")
@verbosity_options
def quotes_command(coded_path, codebook_path, per_code, anonymise, output):
    """Pick representative, different quotes per code."""
    from qualcode import api
    from qualcode.reports.text import quotes_text

    coded, codebook, inputs = _load(coded_path, codebook_path, [] if output is None else [output])
    quotes = api.quotes(coded, codebook, per_code, anonymise)
    if output is None:
        echo(quotes_text(quotes))
    else:
        _show(quotes, output, inputs)


@click.command("report")
@click.argument("answers", required=False, type=click.Path(path_type=Path))
@click.option("--codebook", "codebook_path", type=click.Path(path_type=Path),
              help="Codebook YAML file (with --project: the project's own unless given).")
@click.option("--project", "project_path", type=click.Path(path_type=Path),
              help="Report a review project (.qcproj) instead: the analysts' codes where they decided, "
                   "the machine's elsewhere.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the report files (created when missing; only its report files are replaced).")
@click.option("--by", default=None, help="Compare groups by this column (e.g. municipality, closed_answer).")
@click.option("--min-group", type=click.IntRange(min=1), default=5, show_default=True,
              help="Suppress groups with fewer respondents than this (shown as '<N').")
@click.option("--per-code", type=click.IntRange(min=1), default=3, show_default=True,
              help="Quotes per code and question.")
@click.option("--multi-choice", "multi_choice", multiple=True, metavar="COLUMN[:SEP]",
              help="A column of multi-choice ticks joined by SEP (default ';'), tabulated per "
                   "alternative; repeatable. A --by column joined by ';' or '|' is found without it.")
@click.option("--follow-up", "follow_up", multiple=True, metavar="QUESTION",
              help="A follow-up question (its text, or its number in file order), shown under the "
                   "question before it; repeatable. Labels such as 5.9b or Q9_1 are found without it.")
@click.option("--anonymise", is_flag=True, help="Mask names, e-mail, phone numbers and personnummer in every file.")
@coding_options
@answer_options
@verbosity_options
def report_command(answers, codebook_path, project_path, output, by, min_group, per_code, multi_choice, follow_up,
                   anonymise, coding, reading):
    """Code answers (or take a review project's codes) and write counts, closed answers, quotes and a readable
    report into a folder."""
    from qualcode.api import report_file

    if project_path is not None:
        _report_project(answers, codebook_path, project_path, output, coding, by=by, min_group=min_group,
                        per_code=per_code, anonymised=anonymise, multi_choice=multi_choice, follow_up=follow_up)
        return
    if answers is None or codebook_path is None:
        raise click.UsageError("give ANSWERS and --codebook, or --project P.qcproj")
    report = report_file(answers, codebook_path, output, reading=reading, by=by, min_group=min_group,
                         per_code=per_code, anonymise=anonymise, multi_choice=multi_choice,
                         follow_up=follow_up, **coding)
    say(f"Report on {report.answers} answers -> {output / 'report.html'}")


def _report_project(answers, codebook_path, project_path, output, coding, **options):
    from qualcode.workspace import Project
    from qualcode.workspace.export import report_project

    if answers is not None:
        raise click.UsageError("give ANSWERS or --project, not both: the project holds its answers")
    given = [key for key in ("mode", "embedder", "threshold", "seed", "model") if coding.get(key) is not None]
    if given:
        raise click.UsageError(f"--{given[0]} does not apply with --project: the report uses the project's codes")
    with Project(project_path, write=False) as project:
        if codebook_path is not None:
            project.check_codebook(codebook_path)
        _, summary = report_project(project, output, **options)
    say(f"Report on {summary['answers']} answers ({summary['reviewed']} reviewed by analysts, "
        f"{summary['machine']} with the machine's codes alone) -> {output / 'report.html'}")
