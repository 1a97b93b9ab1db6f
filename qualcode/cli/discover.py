"""``qualcode discover``: themes in the answers, related to the codebook, with a codebook draft."""
from pathlib import Path

import click

from qualcode.cli.options import answer_options, verbosity_options
from qualcode.progress import explain, say


def _clusters(ctx, param, value):
    """Accept 'auto' or a whole number of at least 1."""
    if value == "auto":
        return value
    if value.isdigit() and int(value) >= 1:
        return int(value)
    raise click.BadParameter(f"{value!r}: give a number of themes (1 or more) or 'auto'")


@click.command("discover")
@click.argument("answers", type=click.Path(path_type=Path))
@click.option("--codebook", "codebook_path", type=click.Path(path_type=Path), default=None,
              help="Codebook YAML: relate themes to its codes (answers are coded with it unless "
                   "the table already has a 'codes' column) and suggest new codes and keywords.")
@click.option("--uncoded-only", is_flag=True,
              help="Discover themes only among answers that carry no code.")
@click.option("--unit", type=click.Choice(["answer", "sentence"]), default="answer", show_default=True,
              help="Cluster whole answers or their sentences (long answers often hold several themes).")
@click.option("--clusters", default="auto", show_default=True, callback=_clusters,
              help="Number of themes, or 'auto' to choose it from the data (then answers far from "
                   "every theme are listed as unthemed, and no theme is a catch-all).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same themes).")
@click.option("--mode", type=click.Choice(["auto", "accurate", "fast"]), default="auto", show_default=True,
              help="'accurate' embeds with --embedder (E5), 'fast' uses LSA over the answers' words and "
                   "fast coding; 'auto' is accurate unless E5 would take more than about a minute "
                   "(answers embedded before are cached and cost nothing; a named --embedder stays).")
@click.option("--embedder", default="default", show_default=True,
              help="'default' (offline multilingual E5) or 'sentence-transformers:PATH' (a local model folder).")
@click.option("--question", multiple=True,
              help="Discover among the answers to this question only (a value of the question column); "
                   "repeat it to take several questions together.")
@click.option("--by", default=None,
              help="Count each theme's answers per value of this column (e.g. municipality); "
                   "writes themes_by.csv and a 'By' line per theme.")
@click.option("-o", "--output", "output_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for clusters.csv, themes.md/.html, map.png, suggested_codebook.yaml, suggestions.md "
                   "(and themes_by.csv with --by).")
@answer_options
@verbosity_options
def discover_command(answers, codebook_path, uncoded_only, unit, clusters, seed, mode, embedder, question,
                     by, output_dir, reading):
    """Find themes in answers and draft codebook suggestions."""
    from qualcode.codebook import load_codebook
    from qualcode.discover.run import check_output_dir, discover, write_discovery
    from qualcode.io import read_answers

    inputs = tuple(path for path in (answers, codebook_path) if path is not None)
    check_output_dir(output_dir, inputs)
    codebook = load_codebook(codebook_path) if codebook_path is not None else None
    table = read_answers(answers, **reading)
    explain(f"read {len(table)} answers from {answers}; clustering {unit}s, clusters={clusters}, seed {seed}")
    discovery = discover(table, codebook=codebook, uncoded_only=uncoded_only, unit=unit, clusters=clusters,
                         seed=seed, embedder=embedder, mode=mode, question=list(question), by=by)
    write_discovery(discovery, output_dir, inputs)
    candidates = len(discovery.candidate_ids)
    unthemed = int((discovery.model.labels_ < 0).sum())
    say(f"{discovery.model.n_clusters_} themes, {unthemed} {unit}s unthemed ({candidates} candidate new codes; "
        f"embedding: {discovery.embedding}) -> {output_dir}")
