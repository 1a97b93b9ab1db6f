"""Errors that end a command with a one-line message instead of a traceback.

Exit statuses follow SPEC: 2 for usage and input errors (including an output path that cannot
be written), 1 for anything else.
"""
import signal

TERMINATING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class QualcodeError(Exception):
    """An error with a message written for the analyst; the CLI prints it and exits 1."""

    exit_code = 1


class InputError(QualcodeError):
    """A bad input file, argument or output path; the CLI prints it and exits 2."""

    exit_code = 2


def located(path, message, *, line=None, row=None, field=None):
    """Format ``message`` prefixed with the file and, when known, its line/row and field.

    >>> located("cb.yaml", "unknown key", line=4, field="lable")
    'cb.yaml: line 4: lable: unknown key'
    """
    where = [str(path)]
    if line is not None:
        where.append(f"line {line}")
    if row is not None:
        where.append(f"row {row}")
    if field is not None:  # a field named by the input itself may hold line breaks or escapes
        where.append(str(field) if str(field).isprintable() else repr(str(field)))
    return ": ".join(where + [message])


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived: unwinds like Ctrl-C, so that partial outputs are removed."""

    def __init__(self, number):
        super().__init__(f"signal {number}")
        self.signal = number


def raise_terminated(number, frame):
    """A signal handler raising :class:`Terminated`."""
    raise Terminated(number)


def handle_termination():
    """From now on SIGTERM and SIGHUP raise :class:`Terminated` in this process (the command
    line does this), so that every command cleans up as after Ctrl-C."""
    for number in TERMINATING_SIGNALS:
        signal.signal(number, raise_terminated)
