"""What a command tells the analyst while it works: progress bars, notes and explanations.

Everything goes to stderr, so stdout stays clean for tables and pipes. ``--quiet`` silences all
but errors; ``--verbose`` adds :func:`explain` messages. Progress bars appear only when stderr
is a terminal (never in logs, pipes or CI) and not with ``--quiet``.
"""
import sys
from contextlib import contextmanager

import click

QUIET, NORMAL, VERBOSE = -1, 0, 1
_level = NORMAL


def set_verbosity(level):
    """Set the verbosity: QUIET, NORMAL or VERBOSE (the --quiet/--verbose options do this)."""
    global _level
    _level = level


def verbosity():
    """The current verbosity: QUIET, NORMAL or VERBOSE."""
    return _level


def say(message):
    """Tell the analyst something worth knowing (a warning, a file written), unless --quiet."""
    if _level >= NORMAL:
        click.echo(message, err=True)


def explain(message):
    """Explain what is being done, only with --verbose."""
    if _level >= VERBOSE:
        click.echo(message, err=True)


@contextmanager
def progress(iterable, label, length=None):
    """Iterate ``iterable`` with a progress bar on stderr when it is a terminal, not --quiet.

    >>> with progress(range(3), "Coding answers") as items:
    ...     total = sum(items)
    """
    explain(label)
    if _level < NORMAL or not sys.stderr.isatty():
        yield iterable
        return
    with click.progressbar(iterable, length=length, label=label, file=sys.stderr) as bar:
        yield bar
