"""The ``qualcode`` command line: a thin layer over the Python API.

Subcommands live in their own modules and are imported only when run, so ``qualcode --help``
stays fast. Every :class:`~qualcode.errors.QualcodeError` becomes one line on stderr and the
exit status SPEC gives; Ctrl-C exits 130 and SIGTERM 143 without a traceback, partial outputs
removed. Warnings say what happened, without a library's file and line.
"""
import importlib
import os
import sys
import warnings

import click

from qualcode import __version__
from qualcode.errors import QualcodeError, Terminated, handle_termination
from qualcode.progress import echo, explain, own_warning, say

# command name -> (module, attribute, one-line purpose shown by --help)
COMMANDS = {
    "evaluate": ("qualcode.cli.learn", "evaluate_command",
                 "Check a coded table against the analyst's codes: P/R/F1, kappa, alpha, triage."),
    "agree": ("qualcode.cli.learn", "agree_command",
              "Intercoder agreement of two coders: % agreement, kappa, alpha per code."),
    "queue": ("qualcode.cli.learn", "queue_command",
              "List the answers to code next: the most uncertain, mutually different ones."),
    "train": ("qualcode.cli.learn", "train_command",
              "Learn from analyst-coded answers on top of a codebook; use with `code --model`."),
    "codebook": ("qualcode.cli.codebook", "codebook_group",
                 "Validate, show, diff, create, export and import codebooks (.yaml, .qdc)."),
    "export-qdpx": ("qualcode.cli.qdpx", "export_qdpx_command",
                    "Export a coded table as a REFI-QDA project (.qdpx) for other QDA tools."),
    "code": ("qualcode.cli.code", "code_command", "Code answers against a codebook: codes, scores, evidence."),
    "discover": ("qualcode.cli.discover", "discover_command", "Find themes in answers and draft new codes and keywords."),
    "counts": ("qualcode.cli.report", "counts_command", "Count respondents per code, overall and per group."),
    "quotes": ("qualcode.cli.report", "quotes_command", "Pick representative, different quotes per code."),
    "report": ("qualcode.cli.report", "report_command", "Code answers and write counts, quotes and a report (HTML, MD, DOCX, XLSX)."),
    "review": ("qualcode.cli.review", "review_group",
               "Review and correct the machine's codes in the browser; export the decisions."),
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[name]
        return getattr(importlib.import_module(module), attribute)

    def format_commands(self, ctx, formatter):
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class QualcodeGroup(LazyGroup):
    """Turns qualcode's own errors into one-line messages with the right exit status."""

    def invoke(self, ctx):
        try:
            with warnings.catch_warnings():
                warnings.showwarning = _show_warning
                return super().invoke(ctx)
        except QualcodeError as error:
            echo(f"Error: {_one_line(error)}", err=True)
            ctx.exit(error.exit_code)
        except Terminated as stop:
            echo("Terminated; no partial output was left.", err=True)
            ctx.exit(128 + stop.signal)
        except KeyboardInterrupt:
            echo("Interrupted; no partial output was left.", err=True)
            ctx.exit(130)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # usage errors and exits: click reports them itself
        except Exception as error:  # a bug: still one line, unless the developer asks for more
            if os.environ.get("QUALCODE_DEBUG"):
                raise
            echo(f"Error: unexpected {type(error).__name__}: {_one_line(error)}. This is a bug in qualcode; "
                 "please report it with the command you ran (QUALCODE_DEBUG=1 shows the traceback).", err=True)
            ctx.exit(1)


def _one_line(error):
    return " ".join(str(error).split("\n"))


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """Warnings of qualcode (and the Python warnings raised for the analyst's data) as one
    line; those of the libraries underneath (pandas, scikit-learn) only with --verbose."""
    text = f"Warning: {_one_line(message)}"
    if own_warning(filename):
        say(text)
    else:
        explain(f"{text} ({category.__name__})")


@click.group(cls=QualcodeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qualcode")
def cli():
    """qualcode: code free-text survey answers against a codebook, Swedish first."""


def main(argv=None):
    """Entry point of the ``qualcode`` console script."""
    handle_termination()
    cli.main(args=argv, prog_name="qualcode")


if __name__ == "__main__":
    sys.exit(main())
