"""``qualcode code``: tag every answer with the codebook's codes, scores and evidence."""
import warnings
from pathlib import Path

import click

from qualcode.cli.options import answer_options, verbosity_options
from qualcode.progress import explain, say



@click.command("code")
@click.argument("answers", type=click.Path(path_type=Path))
@click.option("--codebook", "codebook_path", required=True, type=click.Path(path_type=Path),
              help="Codebook YAML file.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="Coded table to write (.csv, .xlsx, .jsonl, .parquet); a .meta.json sidecar goes beside it.")
@click.option("--mode", type=click.Choice(["accurate", "fast"]), default="accurate", show_default=True,
              help="'fast' skips embeddings: keyword matching plus self-training on word features.")
@click.option("--embedder", default="default", show_default=True,
              help="'default' (offline multilingual E5) or 'sentence-transformers:PATH' (a local model folder).")
@click.option("--threshold", type=float, default=None,
              help="Global decision threshold in [0, 1] (default 0.5; a code's own threshold wins).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same coding).")
@click.option("--model", "model_path", type=click.Path(path_type=Path), default=None,
              help="A model from 'qualcode train' (trained with this codebook) to code with.")
@click.option("--triage", type=click.FloatRange(0, 1), default=None,
              help="Add a column needs_review: True where the least certain code decision is below this "
                   "certainty (see the 'level' column of 'qualcode evaluate').")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes that analyse and code chunks of answers side by side (same result as 1).")
@click.option("--chunk-size", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Answers coded and written at a time; large CSV and Parquet files are also read in chunks.")
@click.option("--sample-size", type=click.IntRange(min=1), default=20_000, show_default=True,
              help="The coder learns from a seeded random sample of this many answers (from all of them "
                   "when there are fewer: the result is then that of coding the whole table at once).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="'dask' codes a partitioned Parquet data set (a folder) on a Dask cluster.")
@click.option("--scheduler", default=None,
              help="With --engine dask: the scheduler's address, e.g. tcp://10.0.0.5:8786 "
                   "(default: a local cluster of --jobs worker processes).")
@answer_options
@verbosity_options
def code_command(answers, codebook_path, output, mode, embedder, threshold, seed, model_path, triage,
                 jobs, chunk_size, sample_size, engine, scheduler, reading):
    """Code answers against a codebook (large files in chunks; on a Dask cluster with --engine dask)."""
    from qualcode.codebook import load_codebook
    from qualcode.coding import coding_metadata
    from qualcode.coding.table import CODED_SUFFIXES
    from qualcode.io import check_table_output, output_set, read_answers, sidecar_path

    scaling = {"jobs": jobs, "chunk_size": chunk_size, "sample_size": sample_size}
    settings = {"mode": mode, "embedder": embedder, "threshold": threshold, "seed": seed}
    if engine == "dask":
        return code_on_dask(answers, codebook_path, output, settings, scaling, scheduler, reading)
    check_table_output(output, (answers, codebook_path), CODED_SUFFIXES)
    codebook = load_codebook(codebook_path)
    if model_path is None:
        return code_in_chunks(answers, codebook_path, codebook, output, settings, scaling, triage, reading)
    table = read_answers(answers, **reading)
    explain(f"read {len(table.texts)} answers from {answers}; coding with {mode} mode, embedder {embedder}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        coded = code_with_model(table, codebook, model_path)
    if triage is not None:
        coded["needs_review"] = review_mask(coded, codebook, None, triage)
    for warning in caught:
        say(f"Warning: {answers}: {warning.message}")
    settings.update(model=str(model_path), triage=triage)
    with output_set([output, sidecar_path(output)], (answers, codebook_path)) as outputs:
        outputs.write_table(output, coded, verbatim=True)
        outputs.write_sidecar(output, coding_metadata(codebook, table, settings))
    coded_count = int((coded["codes"] != "").sum())
    say(f"Coded {len(coded)} answers ({coded_count} with at least one code) -> {output}")


def code_in_chunks(answers, codebook_path, codebook, output, settings, scaling, triage, reading):
    """Fit on a sample, then code and write ``scaling["chunk_size"]`` answers at a time."""
    from qualcode.scale import code_file

    def annotate(coded):
        if triage is not None:
            coded["needs_review"] = review_mask(coded, codebook, settings["threshold"], triage)
        return coded

    explain(f"coding {answers} with {settings['mode']} mode, embedder {settings['embedder']}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows, coded_count = code_file(answers, codebook, output, reading, settings, annotate=annotate,
                                      recorded={"model": None, "triage": triage},
                                      inputs=(answers, codebook_path), **scaling)
    for warning in caught:
        say(f"Warning: {answers}: {warning.message}")
    say(f"Coded {rows} answers ({coded_count} with at least one code) -> {output}")


def code_on_dask(answers, codebook_path, output, settings, scaling, scheduler, reading):
    """Code a partitioned Parquet data set on a Dask cluster (see qualcode.scale.dask_engine)."""
    from qualcode.codebook import load_codebook
    from qualcode.scale.dask_engine import code_dataset

    codebook = load_codebook(codebook_path)
    rows, coded_count = code_dataset(answers, codebook, output, reading, settings, scheduler=scheduler,
                                     inputs=(answers, codebook_path), **scaling)
    say(f"Coded {rows} answers ({coded_count} with at least one code) -> {output}")


def code_with_model(table, codebook, model_path):
    """Code with a model trained by ``qualcode train`` on top of ``codebook``."""
    from qualcode.coding import coded_frame
    from qualcode.learn import TrainedModel

    model = TrainedModel.load(model_path, codebook)
    return coded_frame(table.frame, model.code(table.texts), model.codes_)


def review_mask(coded, codebook, threshold, level):
    """The needs_review column: answers whose least certain decision is below ``level``."""
    from qualcode.coding import code_thresholds
    from qualcode.learn import needs_review

    codes = [code for code in codebook.codes if code.status != "suggested"]
    return needs_review(coded, [code.id for code in codes], code_thresholds(codes, threshold), level)
