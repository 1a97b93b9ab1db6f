"""Options shared by every command, so that all commands read answers and talk alike.

Usage::

    @click.command()
    @click.argument("answers", type=click.Path(path_type=Path))
    @answer_options
    @verbosity_options
    def code(answers, reading):
        table = read_answers(answers, **reading)

``answer_options`` gathers its options into one ``reading`` argument (a dict of keyword
arguments for :func:`qualcode.io.read_answers`); ``verbosity_options`` sets the verbosity of
:mod:`qualcode.progress` and passes nothing on.
"""
import functools

import click

from qualcode.progress import NORMAL, QUIET, VERBOSE, set_verbosity

ANSWER_OPTIONS = (
    click.option("--id-column", default="id", show_default=True,
                 help="Column that identifies each answer (wide: each respondent). "
                      "Without a column 'id', rows are numbered as in Excel."),
    click.option("--text-column", default="text", show_default=True,
                 help="Column with the free-text answer (long format)."),
    click.option("--question-column", default=None,
                 help="Column naming the question (default: 'question' when present)."),
    click.option("--respondent-column", default=None,
                 help="Column naming the respondent (default: 'respondent' when present, "
                      "else each row is its own respondent)."),
    click.option("--wide", is_flag=True,
                 help="One row per respondent and one column per question."),
    click.option("--questions", default=None,
                 help="With --wide: question columns, e.g. 'Q5,Q8,Q11', 'Q*' or 're:^F\\d+'."),
    click.option("--sheet", default=None,
                 help="Workbook sheet, by name or number (from 1; default: the first)."),
    click.option("--delimiter", default=None,
                 help="CSV delimiter: , ; tab or | (default: detected)."),
    click.option("--encoding", default=None,
                 help="Text encoding, e.g. utf-8, utf-16, cp1252 (default: detected)."),
)
READING_KEYS = ("id_column", "text_column", "question_column", "respondent_column", "wide",
                "questions", "sheet", "delimiter", "encoding")


def answer_options(command):
    """Add the options that say how to read an answers file; the command gets ``reading``."""
    @functools.wraps(command)
    def with_reading(*args, **kwargs):
        kwargs["reading"] = {key: kwargs.pop(key) for key in READING_KEYS}
        return command(*args, **kwargs)

    for option in reversed(ANSWER_OPTIONS):
        with_reading = option(with_reading)
    return with_reading


def _set_verbosity(ctx, param, value):
    """Set the verbosity from both flags on every run (--quiet wins over --verbose)."""
    ctx.meta[f"qualcode.{param.name}"] = value
    quiet, verbose = ctx.meta.get("qualcode.quiet"), ctx.meta.get("qualcode.verbose")
    set_verbosity(QUIET if quiet else VERBOSE if verbose else NORMAL)


def verbosity_options(command):
    """Add --quiet/-q (errors only) and --verbose/-v (explain each step)."""
    command = click.option("-v", "--verbose", is_flag=True, expose_value=False, is_eager=True,
                           callback=_set_verbosity, help="Explain what is being done.")(command)
    command = click.option("-q", "--quiet", is_flag=True, expose_value=False, is_eager=True,
                           callback=_set_verbosity, help="Print nothing but errors.")(command)
    return command
