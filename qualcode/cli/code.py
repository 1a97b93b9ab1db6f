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
@answer_options
@verbosity_options
def code_command(answers, codebook_path, output, mode, embedder, threshold, seed, reading):
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
        coded = code_table(table, codebook, embedder=embedder, mode=mode, threshold=threshold, seed=seed)
    for warning in caught:
        say(f"Warning: {answers}: {warning.message}")
    settings = {"mode": mode, "embedder": embedder, "threshold": threshold, "seed": seed}
    write_table(coded, output, inputs=(answers, codebook_path))
    write_text(meta_path(output), metadata_json(coding_metadata(codebook, table, settings)),
               inputs=(answers, codebook_path))
    coded_count = int((coded["codes"] != "").sum())
    say(f"Coded {len(coded)} answers ({coded_count} with at least one code) -> {output}")
