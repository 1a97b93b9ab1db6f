"""``qualcode code``: tag every answer with the codebook's codes, scores and evidence."""
import warnings
from pathlib import Path

import click

from qualcode.cli.options import answer_options, verbosity_options
from qualcode.progress import explain, say

CODED_SUFFIXES = (".csv", ".xlsx", ".jsonl", ".parquet")


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
@answer_options
@verbosity_options
def code_command(answers, codebook_path, output, mode, embedder, threshold, seed, model_path, triage, reading):
    """Code answers against a codebook."""
    from qualcode.codebook import load_codebook
    from qualcode.coding import code_table, coding_metadata, meta_path
    from qualcode.coding.table import metadata_json
    from qualcode.io import check_output_path, read_answers, write_table, write_text

    check_output_path(output, (answers, codebook_path), CODED_SUFFIXES)
    codebook = load_codebook(codebook_path)
    table = read_answers(answers, **reading)
    explain(f"read {len(table.texts)} answers from {answers}; coding with {mode} mode, embedder {embedder}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if model_path is None:
            coded = code_table(table, codebook, embedder=embedder, mode=mode, threshold=threshold, seed=seed)
        else:
            coded = code_with_model(table, codebook, model_path)
    if triage is not None:
        coded["needs_review"] = review_mask(coded, codebook, None if model_path else threshold, triage)
    for warning in caught:
        say(f"Warning: {answers}: {warning.message}")
    settings = {"mode": mode, "embedder": embedder, "threshold": threshold, "seed": seed,
                "model": str(model_path) if model_path else None, "triage": triage}
    write_table(coded, output, inputs=(answers, codebook_path))
    write_text(meta_path(output), metadata_json(coding_metadata(codebook, table, settings)),
               inputs=(answers, codebook_path))
    coded_count = int((coded["codes"] != "").sum())
    say(f"Coded {len(coded)} answers ({coded_count} with at least one code) -> {output}")


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
