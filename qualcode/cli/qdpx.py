"""``qualcode export-qdpx``: a coded table as a REFI-QDA project for other QDA tools."""
from pathlib import Path

import click

from qualcode.progress import echo

PATH = click.Path(path_type=Path)


@click.command("export-qdpx")
@click.argument("coded", type=PATH)
@click.option("--codebook", "codebook_path", required=True, type=PATH,
              help="The codebook YAML that coded the table.")
@click.option("-o", "--output", required=True, type=PATH, help="REFI-QDA project (.qdpx) to write.")
@click.option("--unit", type=click.Choice(["sentence", "answer"]), default="sentence",
              show_default=True,
              help="Code the sentence that carries the evidence, or the whole answer.")
def export_qdpx_command(coded, codebook_path, output, unit):
    """Export a coded table (from 'qualcode code') as a .qdpx for NVivo, ATLAS.ti, MAXQDA, QualCoder."""
    from qualcode.codebook import load_codebook
    from qualcode.coding import read_coded
    from qualcode.reports.qdpx import build_qdpx
    from qualcode.io import atomic_path, check_output_path, sidecar_path

    check_output_path(output, inputs=(coded, sidecar_path(coded), codebook_path), suffixes=(".qdpx",))
    codebook = load_codebook(codebook_path)
    table = read_coded(coded)
    archive = build_qdpx(table, codebook, unit=unit)
    with atomic_path(output) as temporary:
        temporary.write_bytes(archive)
    echo(f"Wrote {output}: {len(table.frame)} answers as text sources")
