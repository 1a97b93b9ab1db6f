"""``qualcode codebook``: validate, show, compare, start, export and import codebooks."""
from pathlib import Path

import click

from qualcode.progress import echo

PATH = click.Path(path_type=Path)


@click.group("codebook")
def codebook_group():
    """Validate, show, diff, create, export (.qdc) and import (.qdc) codebooks."""


@codebook_group.command("validate")
@click.argument("files", nargs=-1, required=True, type=PATH)
def validate_command(files):
    """Check codebook files; an error names the file, the line, the field and the fix."""
    from qualcode.codebook import load_codebook

    for path in files:
        codebook = load_codebook(path)
        echo(f"{path}: valid, {len(codebook)} codes "
                   f"({len(codebook.active_codes)} active), content hash "
                   f"{codebook.content_hash[:12]}")


@codebook_group.command("show")
@click.argument("file", type=PATH)
@click.option("--brief", is_flag=True, help="Only the tree of ids, labels and counts.")
def show_command(file, brief):
    """Print the code tree with labels, keyword counts and descriptions."""
    from qualcode.codebook import load_codebook
    from qualcode.codebook.render import codebook_tree

    echo(codebook_tree(load_codebook(file), with_descriptions=not brief), nl=False)


@codebook_group.command("diff")
@click.argument("old", type=PATH)
@click.argument("new", type=PATH)
def diff_command(old, new):
    """List codes added, removed, renamed and changed from OLD to NEW (always exits 0)."""
    from qualcode.codebook import load_codebook
    from qualcode.codebook.diff import diff_codebooks

    echo(diff_codebooks(load_codebook(old), load_codebook(new)).to_text())


@codebook_group.command("new")
@click.option("-o", "--output", type=PATH, default=None,
              help="File to write (default: print the template).")
def new_command(output):
    """Write a commented starter codebook to edit."""
    from qualcode.codebook.template import TEMPLATE
    from qualcode.io import write_text

    if output is None:
        echo(TEMPLATE, nl=False)
        return
    write_text(output, TEMPLATE)
    echo(f"Wrote {output}; edit it, then run: qualcode codebook validate {output}")


@codebook_group.command("export")
@click.argument("file", type=PATH)
@click.option("-o", "--output", type=PATH, required=True, help="REFI-QDA codebook (.qdc) to write.")
@click.option("--plain", is_flag=True,
              help="Leave qualcode's keywords/examples block out of the descriptions.")
def export_command(file, output, plain):
    """Export a codebook as a REFI-QDA codebook (.qdc) for NVivo, ATLAS.ti, MAXQDA, QualCoder."""
    from qualcode.codebook import load_codebook
    from qualcode.codebook.refi import codebook_to_qdc
    from qualcode.io import atomic_path, check_output_path

    check_output_path(output, inputs=(file,), suffixes=(".qdc",))
    codebook = load_codebook(file)
    with atomic_path(output) as temporary:
        temporary.write_bytes(codebook_to_qdc(codebook, with_qualcode_fields=not plain))
    echo(f"Wrote {output}: {len(codebook)} codes")


@codebook_group.command("import")
@click.argument("file", type=PATH)
@click.option("-o", "--output", type=PATH, required=True, help="Codebook YAML to write.")
@click.option("--name", default=None, help="Codebook name (default: from the file name).")
@click.option("--language", default="sv", show_default=True, help="ISO 639-1 language.")
def import_command(file, output, name, language):
    """Import a REFI-QDA codebook (.qdc) as a qualcode YAML codebook."""
    from qualcode.codebook.refi import read_qdc
    from qualcode.io import check_output_path, write_text

    check_output_path(output, inputs=(file,), suffixes=(".yaml", ".yml"))
    codebook = read_qdc(file, name=name, language=language)
    write_text(output, codebook.to_yaml(), inputs=(file,))
    echo(f"Wrote {output}: {len(codebook)} codes; check it with: "
               f"qualcode codebook show {output}")
