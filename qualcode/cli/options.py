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
from pathlib import Path

import click

from qualcode.progress import NORMAL, QUIET, VERBOSE, set_verbosity
from qualcode.scale import DEFAULT_SAMPLE

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


def option_group(options, keys, name):
    """A decorator adding ``options`` to a command, which gets their values as one dict
    argument ``name`` (``{key: value}`` for ``keys``)."""
    def decorate(command):
        @functools.wraps(command)
        def grouped(*args, **kwargs):
            kwargs[name] = {key: kwargs.pop(key) for key in keys}
            return command(*args, **kwargs)

        for option in reversed(options):
            grouped = option(grouped)
        return grouped

    return decorate


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


CODING_OPTIONS = (
    click.option("--mode", type=click.Choice(["accurate", "fast"]), default=None,
                 help="'accurate' (default) or 'fast': fast skips embeddings (keyword matching plus "
                      "self-training on word features)."),
    click.option("--embedder", default=None,
                 help="'default' (offline multilingual E5) or 'sentence-transformers:PATH' (a local model folder)."),
    click.option("--threshold", type=click.FloatRange(0, 1), default=None,
                 help="Global decision threshold in [0, 1] (default 0.5; a code's own threshold wins)."),
    click.option("--seed", type=int, default=None, help="Random seed (same seed, same coding; default 0)."),
    click.option("--model", "model", type=click.Path(path_type=Path), default=None,
                 help="A model from 'qualcode train' (trained with this codebook) to code with."),
    click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
                 help="Processes that analyse and code chunks of answers side by side (same result as 1)."),
    click.option("--chunk-size", type=click.IntRange(min=1), default=None,
                 help="Answers coded and written at a time (default 10,000); large CSV and Parquet files "
                      "are also read in chunks."),
    click.option("--sample-size", type=click.IntRange(min=1), default=DEFAULT_SAMPLE, show_default=True,
                 help="The coder learns from a seeded random sample of this many answers (from all of them "
                      "when there are fewer: the result is then that of coding the whole table at once)."),
)
CODING_KEYS = ("mode", "embedder", "threshold", "seed", "model", "jobs", "chunk_size", "sample_size")


# how to read an answers file: the command gets ``reading`` (keyword arguments of qualcode.io.read_answers)
answer_options = option_group(ANSWER_OPTIONS, READING_KEYS, "reading")
# how to code: the command gets ``coding`` (keyword arguments of qualcode.api.code_file)
coding_options = option_group(CODING_OPTIONS, CODING_KEYS, "coding")
