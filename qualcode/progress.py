"""What a command tells the analyst while it works: progress bars, notes and explanations.

Everything goes to stderr, so stdout stays clean for tables and pipes. ``--quiet`` silences all
but errors; ``--verbose`` adds :func:`explain` messages. Progress bars appear only when stderr
is a terminal (never in logs, pipes or CI) and not with ``--quiet``. Whatever is printed passes
:func:`terminal_text`, so no answer or label can send escape sequences to the terminal.
"""
import re
import sys
from contextlib import contextmanager
from pathlib import Path

import click

QUIET, NORMAL, VERBOSE = -1, 0, 1
PACKAGE = Path(__file__).resolve().parent
_level = NORMAL
TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text):
    """``text`` safe to print: control characters (ESC sequences, CR, C1 controls) and bidi
    overrides shown as escapes (``\\x1b``), so that an answer can neither move the cursor,
    recolour the terminal, overwrite what was printed nor reorder it. Line breaks and tabs stay.
    """
    return TERMINAL_UNSAFE.sub(_escaped, str(text))


def _escaped(match):
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def echo(message="", err=False, nl=True):
    """Print ``message`` (a command's output: stdout, or stderr with ``err``), made safe."""
    click.echo(terminal_text(message), err=err, nl=nl)


def own_warning(filename):
    """Whether a warning raised at ``filename`` is qualcode's own, meant for the analyst (not one
    of the libraries underneath, which only --verbose shows)."""
    try:
        return Path(str(filename)).resolve().is_relative_to(PACKAGE)
    except (OSError, RuntimeError):
        return False


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
        echo(message, err=True)


def explain(message):
    """Explain what is being done, only with --verbose."""
    if _level >= VERBOSE:
        echo(message, err=True)


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
