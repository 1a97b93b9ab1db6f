"""``qualcode evaluate``, ``agree``, ``queue`` and ``train``: the analyst's loop of checking the
machine, measuring agreement, choosing what to code next and teaching the machine."""
from pathlib import Path

import click

from qualcode.cli.options import answer_options, verbosity_options
from qualcode.progress import echo, say

FEW_POSITIVES = 3  # below this many coded examples a code is said to stay close to the codebook

ID_OPTION = click.option("--id-column", default=None,
                         help="Column that identifies the answers (default: from the coded table's "
                              ".meta.json, else 'id').")
REPORT_OUTPUT = click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
                             help="Also write the report: .csv (per-code table), .xlsx (every table, "
                                  "disagreements with their text) or .json; with -q it is then not printed.")


def _report(make_report, output, inputs):
    """Check ``-o`` first, then build the report, print it (unless it goes to a file with
    --quiet) and write it when asked."""
    from qualcode.io import check_output_path
    from qualcode.learn.evaluate import REPORT_SUFFIXES
    from qualcode.progress import QUIET, verbosity

    if output is not None:
        check_output_path(output, inputs=inputs, suffixes=REPORT_SUFFIXES)
    report = make_report()
    if output is None or verbosity() > QUIET:
        echo(report.to_text(), nl=False)
    if output is not None:
        report.write(output, inputs=inputs)
        say(f"Wrote {output}")


@click.command("evaluate")
@click.argument("coded", type=click.Path(path_type=Path))
@click.option("--gold", "gold_path", required=True, type=click.Path(path_type=Path),
              help="The analyst's codes: a table with columns id and codes (ids separated by ';'), "
                   "or a coded table corrected in Excel.")
@ID_OPTION
@REPORT_OUTPUT
@verbosity_options
def evaluate_command(coded, gold_path, id_column, output):
    """Check a coded table against the analyst's codes: per-code precision, recall, F1, kappa,
    alpha; confused codes; disagreements; how many answers the machine may code alone."""
    from qualcode.coding import read_coded
    from qualcode.learn import evaluate

    _report(lambda: evaluate(read_coded(coded, id_column, text_required=False),
                             read_coded(gold_path, id_column, text_required=False)),
            output, (coded, gold_path))


@click.command("agree")
@click.argument("first", type=click.Path(path_type=Path))
@click.argument("second", type=click.Path(path_type=Path))
@ID_OPTION
@REPORT_OUTPUT
@verbosity_options
def agree_command(first, second, id_column, output):
    """Intercoder agreement of two coders' tables (id + codes) on the answers both coded:
    per code % agreement, Cohen's kappa and Krippendorff's alpha."""
    from qualcode.coding import read_coded
    from qualcode.learn import agree

    _report(lambda: agree(read_coded(first, id_column, text_required=False),
                          read_coded(second, id_column, text_required=False)), output, (first, second))


@click.command("queue")
@click.argument("coded", type=click.Path(path_type=Path))
@click.option("-n", "count", type=int, default=20, show_default=True, help="How many answers to list.")
@click.option("--diversity", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="0: strictly the most uncertain answers; higher: fewer near-duplicates among them.")
@click.option("--embedder", default="default", show_default=True,
              help="'default' (offline multilingual E5) or 'sentence-transformers:PATH', as used to code.")
@ID_OPTION
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write the queue as a table (.csv, .xlsx, .jsonl, .md) to code in Excel.")
@verbosity_options
def queue_command(coded, count, diversity, embedder, id_column, output):
    """List the answers the machine is least sure of (and that differ from each other): coding
    these next teaches it the most."""
    from qualcode.io import check_output_path, write_table
    from qualcode.coding import read_coded
    from qualcode.learn import select_queue

    if output is not None:
        check_output_path(output, inputs=(coded,))
    queue = select_queue(read_coded(coded, id_column, text_required=False), count, embedder=embedder, diversity=diversity)
    if output is None:
        for row in queue.itertuples(index=False):
            echo(f"{row.rank:>3}. {row.id}  uncertainty {row.uncertainty:.2f}  codes: {row.codes or '-'}  "
                       f"borderline: {row.borderline}\n     {row.text}")
    else:
        write_table(queue, output, inputs=(coded,))
        say(f"Wrote {len(queue)} answers to code next -> {output}")


@click.command("train")
@click.argument("answers", type=click.Path(path_type=Path))
@click.option("--gold", "gold_path", required=True, type=click.Path(path_type=Path),
              help="The analyst's codes for some of the answers: columns id and codes (ids separated "
                   "by ';'), or a coded table corrected in Excel.")
@click.option("--codebook", "codebook_path", required=True, type=click.Path(path_type=Path),
              help="Codebook YAML file; the model only works with this exact codebook.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="Model file to write (.npz); use it with `qualcode code --model`.")
@click.option("--embedder", default="default", show_default=True,
              help="'default' (offline multilingual E5) or 'sentence-transformers:PATH'.")
@click.option("--mode", type=click.Choice(["accurate", "fast"]), default="accurate", show_default=True,
              help="Mode of the zero-shot coder underneath.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same model).")
@answer_options
@verbosity_options
def train_command(answers, gold_path, codebook_path, output, embedder, mode, seed, reading):
    """Learn from analyst-coded answers on top of the codebook; all ANSWERS (coded or not) are
    the corpus, the answers in GOLD the examples."""
    from qualcode.codebook import load_codebook
    from qualcode.io import check_output_path, read_answers
    from qualcode.coding import read_coded
    from qualcode.learn import train_from_gold

    inputs = (answers, gold_path, codebook_path)
    check_output_path(output, inputs=inputs, suffixes=(".npz",))
    codebook = load_codebook(codebook_path)
    table = read_answers(answers, **reading)
    gold = read_coded(gold_path, table.id_column, text_required=False)
    model = train_from_gold(table, gold, codebook, embedder=embedder, mode=mode, seed=seed)
    model.save(output, inputs=inputs)
    few = [code.id for code, count in zip(model.codes_, model.positives_) if count < FEW_POSITIVES]
    note = f"; few examples ({', '.join(few)}): these stay close to the codebook" if few else ""
    say(f"Trained on {model.labelled_} coded answers of {len(table)}{note} -> {output}")
