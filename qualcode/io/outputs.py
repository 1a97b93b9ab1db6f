"""Outputs that appear whole or not at all, alone or as a set.

Every output is first written into a staging folder beside it (``.NAME.<host>-<pid>-<token>.part``),
under its own name; only when every file of the set is complete are they moved into place, one
``os.replace`` each, with Ctrl-C and SIGTERM held back for those few renames, so a reader sees
either the old set or the new one. An error, Ctrl-C or SIGTERM (turned into
:class:`~qualcode.errors.Terminated`) while writing removes the staging folder and leaves the old outputs as
they were. A staging folder left by a killed run (SIGKILL, power loss) is removed by the next
run that writes the same output.
"""
import errno
import os
import secrets
import shutil
import signal
import socket
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from qualcode.errors import TERMINATING_SIGNALS, InputError, located, raise_terminated
from qualcode.io.formats import WRITABLE, format_of
from qualcode.io.sidecar import FORMULA_PREFIX_KEY, sidecar_json, sidecar_path
from qualcode.io.writers import check_xlsx_cells, write_sheets
from qualcode.progress import explain

PART = ".part"
OUTPUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}
HELD_SIGNALS = (signal.SIGINT,) + TERMINATING_SIGNALS


def output_error(path, error):
    """The InputError for an output that cannot be written (full disk, read-only, ...)."""
    reason = error.strerror or type(error).__name__
    return InputError(located(path, f"cannot be written ({reason}); free some space or choose "
                                    "another output path (-o)"))


class OutputSet:
    """Files being written together into a staging folder; see :func:`output_set`."""

    def __init__(self, folder, staging, targets):
        self.folder = folder
        self.staging = staging
        self.targets = targets
        self._removed = set()
        self._neutralised = set()

    @property
    def old(self):
        """Where the outputs being replaced are moved until the new ones are in place."""
        return self.staging.with_name(self.staging.name + ".old")

    def path(self, target):
        """The staged path to write ``target`` to (same name, so the same extension)."""
        target = self._known(target)
        self._removed.discard(target)
        return self.staging / target.name

    def write_text(self, target, text):
        """Stage ``text`` (UTF-8) as ``target``."""
        self.path(target).write_text(text, encoding="utf-8")

    def write_bytes(self, target, data):
        """Stage ``data`` as ``target``."""
        self.path(target).write_bytes(data)

    def write_table(self, target, frame, verbatim=False):
        """Stage ``frame`` as ``target``, in the format of its extension (see
        :func:`write_table` for ``verbatim``)."""
        with self.appender(target, verbatim) as append:
            append(frame)

    def write_workbook(self, target, sheets):
        """Stage ``sheets`` (``{sheet name: DataFrame, or a function yielding DataFrames}``)
        as the .xlsx workbook ``target``, through the one .xlsx writer
        (:func:`qualcode.io.writers.write_sheets`): text stays text, never a formula."""
        for frame in sheets.values():
            if isinstance(frame, pd.DataFrame):
                check_xlsx_cells(frame, Path(target))
        write_sheets(sheets, self.path(target), Path(target))

    @contextmanager
    def appender(self, target, verbatim=False):
        """Yield ``append(frame)``, which adds rows to the table staged as ``target``. CSV,
        JSON Lines and Parquet are written as they come; other formats (.xlsx, .md) are
        gathered and written when the block ends."""
        found = format_of(target, writing=True)
        if found is None:
            raise ValueError(f"{target}: no table format is written with this extension")
        path = self.path(target)
        if found.append is not None:
            with found.append(path, verbatim) as append:
                yield append
        else:
            frames = []
            yield frames.append
            frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
            if found.check is not None:
                found.check(frame, Path(target))
            found.write(frame, path, verbatim)
        if not verbatim and Path(target).suffix.lower() == ".csv":
            self._neutralised.add(Path(target))

    def write_sidecar(self, table, metadata):
        """Stage the sidecar of the table ``table`` (one of this set's outputs): ``metadata``,
        plus a note when the table's formula-like cells were neutralised, so that reading the
        table back restores them."""
        if Path(table) in self._neutralised:
            metadata = {**metadata, FORMULA_PREFIX_KEY: "'"}
        self.write_text(sidecar_path(table), sidecar_json(metadata))

    def remove(self, target):
        """Remove ``target`` when the set is committed (an output this run no longer makes)."""
        self._removed.add(self._known(target))

    def _known(self, target):
        target = Path(target)
        if target not in self.targets:
            raise ValueError(f"{target} is not one of this set's outputs")
        return target

    def commit(self):
        """Move every staged file onto its target, removing those marked for removal."""
        staged = [t for t in self.targets if (self.staging / t.name).exists() or (self.staging / t.name).is_symlink()]
        old = self.old
        old.mkdir()
        moved_away, moved_in = [], []
        with _signals_held():
            try:
                for target in staged + sorted(self._removed - set(staged)):
                    if target.exists() or target.is_symlink():
                        os.replace(target, old / target.name)
                        moved_away.append(target)
                for target in staged:
                    os.chmod(self.staging / target.name, _mode_for(old / target.name, self.staging / target.name))
                    os.replace(self.staging / target.name, target)
                    moved_in.append(target)
            except OSError as error:
                for target in moved_in:
                    os.replace(target, self.staging / target.name)
                for target in moved_away:
                    os.replace(old / target.name, target)
                raise output_error(staged[len(moved_in)] if len(moved_in) < len(staged) else self.folder,
                                   error) from None
        for target in staged:
            explain(f"Wrote {target}")


@contextmanager
def output_set(targets, inputs=(), name=None, folders=(), create_folder=False):
    """Yield an :class:`OutputSet` for ``targets`` (paths in one folder); they replace the
    existing files together when the block succeeds, and none of them changes when it fails.

    Each target is checked first (:func:`check_output_path`: never one of ``inputs``, never an
    existing folder unless it is among ``folders``, the targets written as folders).
    The staging folder is named after ``name`` (default: the first target's name). Stale
    staging folders and part files of these outputs left by killed runs are removed first.
    With ``create_folder``, a missing output folder is created (and removed again if the block
    fails).
    Writing errors (a full disk, a read-only file system) become an InputError naming the path.
    """
    targets = [Path(t) for t in targets]
    folder = targets[0].parent
    if any(t.parent != folder for t in targets):
        raise ValueError("the outputs of one set must be in one folder")
    folders = {Path(f) for f in folders}
    for target in targets:
        check_output_path(target, inputs, folder_ok=target in folders, create_folder=create_folder)
    created = _make_folder(folder, targets[0]) if create_folder else []
    name = name or targets[0].name
    remove_stale_parts(folder, {name} | {t.name for t in targets})
    try:
        staging = folder / f".{name}.{_stamp()}{PART}"
        staging.mkdir()
    except OSError as error:
        _remove_if_empty(folder, created)
        raise output_error(targets[0], error) from None
    outputs = OutputSet(folder, staging, targets)
    try:
        with _terminate_as_interrupt():
            try:
                yield outputs
            except OSError as error:
                if _is_output_failure(error, staging):
                    raise output_error(_target_of(error, staging, targets), error) from None
                raise
            outputs.commit()
    except BaseException:
        _remove_staging(outputs)
        _remove_if_empty(folder, created)
        raise
    _remove_staging(outputs)


def _remove_staging(outputs):
    for folder in (outputs.staging, outputs.old):
        shutil.rmtree(folder, ignore_errors=True)


def check_output_path(path, inputs=(), suffixes=None, folder_ok=False, create_folder=False):
    """Raise InputError (exit 2) unless ``path`` can be written without touching an input.

    Refuses a path that is one of ``inputs`` (also through links), a folder (unless
    ``folder_ok``: an output written as a folder), a suffix not in ``suffixes`` (when given),
    and a folder that cannot be written or does not exist (unless ``create_folder``).
    """
    path = Path(path)
    for source in inputs:
        if _same_file(path, Path(source)):
            raise InputError(located(path, "this is an input file and would be overwritten; "
                                           "choose another output path (-o)"))
    if path.is_dir() and not folder_ok:
        raise InputError(located(path, "this is a folder; give a file name for the output"))
    if suffixes is not None and path.suffix.lower() not in suffixes:
        kind = f"{path.suffix!r} files" if path.suffix else "a file without an extension"
        raise InputError(located(path, f"cannot write {kind}; end the name in one of "
                                       f"{', '.join(suffixes)}"))
    check_output_folder(path.parent, path, create=create_folder)


def check_table_output(path, inputs=(), suffixes=None):
    """:func:`check_output_path` for a table and for its sidecar, which are written together."""
    check_output_path(path, inputs, suffixes)
    check_output_path(sidecar_path(path), inputs)


def check_output_folder(folder, path=None, create=True):
    """Raise InputError unless ``folder`` is a folder qualcode can write in, or (with
    ``create``) one it can create; errors name ``path`` (default: the folder)."""
    folder = Path(folder)
    where = path or folder
    existing = next((f for f in [folder, *folder.parents] if f.exists() or f.is_symlink()), None)
    if existing is not None and not existing.is_dir():
        raise InputError(located(where, f"the output folder {str(existing)!r} is a file, not a folder"))
    if existing is None or (existing != folder and not create):
        raise InputError(located(where, f"the output folder {str(folder)!r} does not exist; create it first"))
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:
        raise InputError(located(where, f"cannot write in the folder {str(existing)!r} "
                                        f"({error.strerror}); choose another output path")) from None


def _same_file(path, source):
    try:
        if path.exists() and source.exists():
            return os.path.samefile(path, source)
        return path.resolve() == source.resolve()
    except (OSError, RuntimeError):  # a symlink loop is no input file
        return False


def write_table(frame, path, inputs=(), verbatim=False):
    """Write ``frame`` atomically in the format of ``path``'s extension (.csv .xlsx .jsonl
    .parquet .md), never over one of ``inputs``.

    A CSV is a table people open in a spreadsheet: its text cells that would start a formula
    (=, +, -, @, tab, CR) get a leading apostrophe, unless ``verbatim`` (data meant to be read
    back, such as the coded table of ``qualcode code``). .xlsx holds text as text cells and
    refuses cells longer than Excel's 32,767 characters.
    """
    check_output_path(path, inputs, WRITABLE)
    with output_set([path], inputs) as outputs:
        outputs.write_table(path, frame, verbatim)


def write_text(path, text, inputs=()):
    """Write ``text`` (UTF-8) to ``path`` atomically, refusing to overwrite an input."""
    check_output_path(path, inputs)
    with output_set([path], inputs) as outputs:
        outputs.write_text(path, text)


def write_workbook(sheets, path, inputs=()):
    """Write ``sheets`` (``{sheet name: DataFrame, or a function yielding DataFrames}``) as
    one .xlsx workbook, atomically, through the one .xlsx writer
    (:func:`qualcode.io.writers.write_sheets`): text stays text."""
    check_output_path(path, inputs, (".xlsx",))
    with output_set([path], inputs) as outputs:
        outputs.write_workbook(path, sheets)


@contextmanager
def table_appender(path, inputs=(), verbatim=False):
    """Yield ``append(frame)`` adding rows to the table written at ``path`` when the block ends."""
    check_output_path(path, inputs, WRITABLE)
    with output_set([path], inputs) as outputs, outputs.appender(path, verbatim) as append:
        yield append


@contextmanager
def atomic_path(path):
    """Yield a temporary path for ``path`` (same name, in a staging folder beside it); it
    becomes ``path`` if the block succeeds. For writers that need a file name (matplotlib,
    python-docx, zip); removed on any exception, Ctrl-C and SIGTERM included."""
    with output_set([path]) as outputs:
        yield outputs.path(path)


def remove_stale_parts(folder, names):
    """Remove ``.NAME.*.part*`` files and folders of the outputs ``names`` that no running
    qualcode process on this machine is writing (left by a killed run or an older version)."""
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return
    for entry in entries:
        owner = _part_owner(entry.name, names)
        if owner is None or _is_running(owner):
            continue
        explain(f"removing {entry}, left by an interrupted run")
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _is_output_failure(error, staging):
    """Whether ``error`` says the outputs cannot be written (rather than something else failing)."""
    written = error.filename is not None and Path(str(error.filename)).is_relative_to(staging)
    return written or error.errno in OUTPUT_ERRNOS


def _target_of(error, staging, targets):
    if error.filename is not None and Path(str(error.filename)).is_relative_to(staging):
        name = Path(str(error.filename)).relative_to(staging).parts[0]
        return next((t for t in targets if t.name == name), targets[0])
    return targets[0]


def _part_owner(entry, names):
    """(host, pid) of a part file of one of ``names``; ("", 0) for one without a stamp; None
    for any other file."""
    for name in names:
        prefix = f".{name}."
        if not entry.startswith(prefix) or PART not in entry[len(prefix):]:
            continue
        stamp = entry[len(prefix):].split(PART, 1)[0]
        host, _, rest = stamp.rpartition("-")
        host, _, pid = host.rpartition("-")
        return (host, int(pid)) if host and pid.isdigit() else ("", 0)
    return None


def _is_running(owner):
    host, pid = owner
    if host != _host():
        return bool(host)  # another machine's run on a shared folder: not ours to judge
    if os.name == "nt":
        return True  # os.kill(pid, 0) would send Ctrl-C there; a stale part waits for the analyst
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but belongs to someone else
    return True


def _host():
    return "".join(c if c.isalnum() else "_" for c in socket.gethostname())[:32] or "host"


def _stamp():
    return f"{_host()}-{os.getpid()}-{secrets.token_hex(4)}"


def _make_folder(folder, target):
    """Create ``folder`` when missing; return the folders created (to remove after a failure)."""
    missing = []
    for parent in [folder, *folder.parents]:
        if parent.exists():
            break
        missing.append(parent)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise output_error(target, error) from None
    return missing


def _remove_if_empty(folder, created):
    for made in created:
        try:
            made.rmdir()
        except OSError:
            return


def _mode_for(old, staged):
    """Keep an existing output's permissions; otherwise what the umask gives a new file or folder."""
    if old.exists():
        return old.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if staged.is_dir() else 0o666) & ~umask


@contextmanager
def _terminate_as_interrupt():
    """While the block runs, SIGTERM and SIGHUP raise :class:`~qualcode.errors.Terminated`
    (like Ctrl-C raises KeyboardInterrupt), where they would otherwise end the process
    without cleaning up."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    replaced = {}
    for number in TERMINATING_SIGNALS:
        if signal.getsignal(number) is signal.SIG_DFL:
            replaced[number] = signal.signal(number, raise_terminated)
    try:
        yield
    finally:
        for number, handler in replaced.items():
            signal.signal(number, handler)


@contextmanager
def _signals_held():
    """Hold Ctrl-C and SIGTERM back while the set's files are moved into place."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
