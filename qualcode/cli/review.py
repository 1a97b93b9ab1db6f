"""``qualcode review``: the analyst's workspace in the browser, and ``qualcode review export``."""
import getpass
from pathlib import Path

import click

from qualcode.cli.options import CODING_KEYS, CODING_OPTIONS, answer_options, option_group, verbosity_options
from qualcode.progress import echo, say

PATH = click.Path(path_type=Path)
EXPORT_SUFFIXES = (".csv", ".xlsx", ".jsonl", ".parquet")
REVIEW_CODING_KEYS = tuple(key for key in CODING_KEYS if key != "jobs")


# the coding options of `qualcode code` but --jobs (the project is coded in this process)
review_coding_options = option_group([option for option, key in zip(CODING_OPTIONS, CODING_KEYS)
                                      if key in REVIEW_CODING_KEYS], REVIEW_CODING_KEYS, "coding")


class ReviewGroup(click.Group):
    """``qualcode review ANSWERS ...`` opens the workspace; ``qualcode review export ...`` exports."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["open", *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx, formatter):
        formatter.write_usage("qualcode review", "[ANSWERS|CODED] --project P.qcproj [--codebook CB] [OPTIONS]")
        formatter.write_usage("qualcode review", "export P.qcproj -o decisions.csv [--coder NAME]")


@click.group("review", cls=ReviewGroup, context_settings={"help_option_names": ["-h", "--help"]})
def review_group():
    """Review, accept and correct the machine's codes in the browser.

    qualcode review ANSWERS --codebook CB --project P.qcproj creates the project (or opens it and
    codes what is not coded yet), serves the workspace on 127.0.0.1 and opens the browser. Keys:
    1-9, 0 toggle the 1st-10th code, / searches the codes, Enter saves and goes on, Backspace or
    u undoes, ? shows every key; verify mode: a accept, x reject, space skip; c opens the
    codebook (edit, add, merge, split codes with a preview of the answers that gain or lose
    each; saved to the --codebook file, the old one kept as FILE.vN). Ctrl+C stops it; every
    decision is saved when it is made. Run 'qualcode review open --help' for the options.
    """


@review_group.command("open")
@click.argument("answers", metavar="[ANSWERS|CODED]", required=False, type=PATH)
@click.option("--project", "project_path", required=True, type=PATH,
              help="The project file (.qcproj): created when missing, else opened and brought up to date.")
@click.option("--codebook", "codebook_path", type=PATH,
              help="Codebook YAML (needed to create a project; a changed codebook becomes a new version). "
                   "Codebook edits made in the workspace are saved to it (the old file kept as FILE.vN).")
@click.option("--coder", default=None, help="Your name in the decision log (default: your user name).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--no-browser", is_flag=True, help="Print the URL but do not open a browser.")
@click.option("--blind", is_flag=True, help="Hide the other coders' decisions (for measuring agreement).")
@click.option("--learn-every", type=click.IntRange(min=0), default=20, show_default=True,
              help="Retrain the machine on the decisions after this many saves, in the background (0: never).")
@review_coding_options
@answer_options
@verbosity_options
def open_command(answers, project_path, codebook_path, coder, port, no_browser, blind, learn_every, coding,
                 reading):
    """Open the workspace on a project (the default: 'qualcode review ANSWERS ...')."""
    from qualcode.api import coding_plan, open_project
    from qualcode.workspace.edit import CodebookEditor
    from qualcode.workspace.server import Workspace, serve

    coder = (coder or getpass.getuser() or "analyst").strip()
    project = open_project(project_path, answers, codebook_path, reading=reading, **coding)
    try:
        reviewed = len(project.reviewed())
        say(f"{project_path}: {len(project):,} answers, codebook {project.codebook.name!r} (version "
            f"{project.codebook_version}), {reviewed:,} reviewed; you review as {coder}"
            + (" (blind)" if blind else ""))

        def announce(url):
            echo(f"Workspace: {url}")
            say("Ctrl+C stops it; every decision is saved as it is made.")

        editor = CodebookEditor(project, coding_plan, codebook_path)
        serve(Workspace(project, coder, blind, learn_every, editor=editor), port, not no_browser, announce)
        say(f"Stopped. {len(project.reviewed()):,} answers reviewed in {project_path}.")
    finally:
        project.close()


@review_group.command("export")
@click.argument("project_path", metavar="PROJECT", type=PATH)
@click.option("-o", "--output", required=True, type=PATH,
              help="Decisions table (.csv, .xlsx, .jsonl, .parquet): id, codes, coder, time, decided.")
@click.option("--coder", default=None, help="Only this coder's decisions (e.g. for 'qualcode agree').")
@verbosity_options
def export_command(project_path, output, coder):
    """Write one row per reviewed answer: id, codes as decided, coder, time (usable as --gold)."""
    from qualcode.errors import InputError, located
    from qualcode.io import check_output_path
    from qualcode.workspace import Project

    check_output_path(output, inputs=(project_path,), suffixes=EXPORT_SUFFIXES)
    with Project(project_path, write=False) as project:
        if coder is not None and coder not in project.decisions.coders:
            known = ", ".join(project.decisions.coders) or "none yet"
            raise InputError(located(project_path, f"--coder {coder}: no decisions by this coder; the coders are "
                                                   f"{known}"))
        rows = project.export(output, coder)
    say(f"Wrote {output}: {rows} reviewed answers")
