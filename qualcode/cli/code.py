"""``qualcode code``: tag every answer with the codebook's codes, scores and evidence."""
import warnings
from pathlib import Path

import click

from qualcode.cli.options import answer_options, coding_options, verbosity_options
from qualcode.progress import explain, say


@click.command("code")
@click.argument("answers", type=click.Path(path_type=Path))
@click.option("--codebook", "codebook_path", required=True, type=click.Path(path_type=Path),
              help="Codebook YAML file.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="Coded table to write (.csv, .xlsx, .jsonl, .parquet); a .meta.json sidecar goes beside it.")
@coding_options
@click.option("--triage", type=click.FloatRange(0, 1), default=None,
              help="Add a column needs_review: True where the least certain code decision is below this "
                   "certainty (see the 'level' column of 'qualcode evaluate').")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="'dask' codes a partitioned Parquet data set (a folder) on a Dask cluster.")
@click.option("--scheduler", default=None,
              help="With --engine dask: the scheduler's address, e.g. tcp://10.0.0.5:8786 "
                   "(default: a local cluster of --jobs worker processes).")
@answer_options
@verbosity_options
def code_command(answers, codebook_path, output, coding, triage, engine, scheduler, reading):
    """Code answers against a codebook (large files in chunks; on a Dask cluster with --engine dask)."""
    from qualcode.api import code_file

    explain(f"coding {answers} (options: {', '.join(f'{k}={v}' for k, v in coding.items() if v is not None)})")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows, coded_count = code_file(answers, codebook_path, output, reading=reading, engine=engine,
                                      scheduler=scheduler, triage=triage, **coding)
    for warning in caught:
        say(f"Warning: {answers}: {warning.message}")
    say(f"Coded {rows} answers ({coded_count} with at least one code) -> {output}")
