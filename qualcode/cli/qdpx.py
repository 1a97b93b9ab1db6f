"""``qualcode export-qdpx``: a coded table, or a review project, as a REFI-QDA project."""
from pathlib import Path

import click

from qualcode.progress import echo

PATH = click.Path(path_type=Path)


@click.command("export-qdpx")
@click.argument("coded", required=False, type=PATH)
@click.option("--codebook", "codebook_path", type=PATH,
              help="The codebook YAML that coded the table (with --project: the project's own).")
@click.option("--project", "project_path", type=PATH,
              help="Export a review project (.qcproj) instead: the codes as they stand, each under the name of "
                   "the analyst who decided it (qualcode's where the machine's codes stand).")
@click.option("-o", "--output", required=True, type=PATH, help="REFI-QDA project (.qdpx) to write.")
@click.option("--unit", type=click.Choice(["sentence", "answer"]), default="sentence",
              show_default=True,
              help="Code the sentence that carries the evidence, or the whole answer.")
def export_qdpx_command(coded, codebook_path, project_path, output, unit):
    """Export a coded table (from 'qualcode code') or a review project as a .qdpx for NVivo, ATLAS.ti, MAXQDA, QualCoder."""
    from qualcode.codebook import load_codebook
    from qualcode.coding import read_coded
    from qualcode.io import atomic_path, check_output_path, sidecar_path
    from qualcode.reports.qdpx import build_qdpx

    if project_path is not None:
        if coded is not None:
            raise click.UsageError("give CODED or --project, not both")
        archive, answers = _project_archive(project_path, codebook_path, output, unit)
    else:
        if coded is None or codebook_path is None:
            raise click.UsageError("give CODED and --codebook, or --project P.qcproj")
        check_output_path(output, inputs=(coded, sidecar_path(coded), codebook_path), suffixes=(".qdpx",))
        codebook = load_codebook(codebook_path)
        table = read_coded(coded)
        archive, answers = build_qdpx(table, codebook, unit=unit), len(table.frame)
    with atomic_path(output) as temporary:
        temporary.write_bytes(archive)
    echo(f"Wrote {output}: {answers} answers as text sources")


def _project_archive(project_path, codebook_path, output, unit):
    from qualcode.io import check_output_path
    from qualcode.reports.qdpx import build_qdpx
    from qualcode.workspace import Project
    from qualcode.workspace.export import coded_answers, coders_by_answer

    check_output_path(output, inputs=(project_path,), suffixes=(".qdpx",))
    with Project(project_path, write=False) as project:
        if codebook_path is not None:
            project.check_codebook(codebook_path)
        archive = build_qdpx(coded_answers(project), project.codebook, unit=unit, project_name=project_path.stem,
                             coders=coders_by_answer(project))
        return archive, len(project)
