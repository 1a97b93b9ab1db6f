"""The project file: one SQLite database an analyst can copy, its schema and its migrations.

The schema version is SQLite's ``PRAGMA user_version``; a file written by a newer qualcode is
refused, an older one is migrated in one transaction when it is opened for writing. The file
is in WAL mode with ``synchronous=FULL``: every decision is on disk when its request returns,
and a killed process loses nothing that was committed. ``decisions`` and ``batches`` are an
append-only log (triggers refuse UPDATE and DELETE); everything the workspace shows about
human decisions is derived from it.
"""
import json
import os
import sqlite3
from pathlib import Path

from qualcode.errors import InputError, QualcodeError, located

APPLICATION_ID = 0x51435052          # "QCPR": marks a SQLite file as a qualcode project
SCHEMA_VERSION = 1
BUSY_SECONDS = 5.0                   # how long a write waits for another writer before giving up
SUFFIX = ".qcproj"

_TABLES_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);          -- JSON values
CREATE TABLE answers (
    answer INTEGER PRIMARY KEY,       -- position in the answers file, from 0
    id TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    question TEXT,
    respondent TEXT,
    attributes TEXT NOT NULL,         -- JSON object: attribute column -> value
    substantive INTEGER NOT NULL,     -- 0 for "", "-", "vet ej", ...
    norm TEXT NOT NULL                -- the text folded for finding exact duplicates
);
CREATE INDEX answers_norm ON answers (norm);
CREATE TABLE codebooks (
    version INTEGER PRIMARY KEY,      -- 1, 2, ... in the order the project met them
    hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    label TEXT,                       -- the codebook's own `version` field
    source TEXT NOT NULL,
    yaml TEXT NOT NULL,
    changes TEXT NOT NULL,            -- JSON: what changed since the previous version
    added TEXT NOT NULL
);
CREATE TABLE models (
    model INTEGER PRIMARY KEY,
    codebook INTEGER NOT NULL REFERENCES codebooks (version),
    codes TEXT NOT NULL,              -- JSON list: the code ids, in the order of the score arrays
    thresholds TEXT NOT NULL,         -- JSON list, same order
    settings TEXT NOT NULL,           -- JSON: how the suggestions were made
    created TEXT NOT NULL
);
CREATE TABLE suggestions (
    answer INTEGER NOT NULL REFERENCES answers (answer),
    model INTEGER NOT NULL REFERENCES models (model),
    scores BLOB NOT NULL,             -- float32 per code of the model
    codes TEXT NOT NULL,              -- the ids the machine applied, ';'-joined
    evidence TEXT NOT NULL,           -- JSON, as the coded table's evidence cell
    PRIMARY KEY (answer, model)
) WITHOUT ROWID;
CREATE TABLE vectors (
    start INTEGER PRIMARY KEY,        -- first answer of the block
    count INTEGER NOT NULL,
    dim INTEGER NOT NULL,
    data BLOB NOT NULL                -- float16, count x dim, rows of length 1
);
CREATE TABLE batches (
    batch INTEGER PRIMARY KEY,        -- one save: an answer, a verified code, a similar set, an undo
    coder TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('review', 'verify', 'similar', 'adjudicate', 'undo')),
    time TEXT NOT NULL,               -- UTC, ISO 8601 with milliseconds
    elapsed REAL,                     -- seconds from showing the answer to deciding
    ordering TEXT,                    -- the order the answer was shown in (random: an unbiased sample)
    session TEXT,                     -- the browser tab or API session
    client TEXT UNIQUE,               -- the client's id of the save: a resent save is not logged twice
    undoes INTEGER REFERENCES batches (batch)
);
CREATE TABLE decisions (
    seq INTEGER PRIMARY KEY,
    batch INTEGER NOT NULL REFERENCES batches (batch),
    answer INTEGER NOT NULL REFERENCES answers (answer),
    code TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('accept', 'reject', 'add', 'remove')),
    score REAL,                       -- the machine's score shown at the time
    model INTEGER REFERENCES models (model),
    codebook INTEGER NOT NULL REFERENCES codebooks (version)
);
CREATE INDEX decisions_batch ON decisions (batch);
CREATE TRIGGER decisions_append_only_update BEFORE UPDATE ON decisions
    BEGIN SELECT RAISE (ABORT, 'the decision log is append-only'); END;
CREATE TRIGGER decisions_append_only_delete BEFORE DELETE ON decisions
    BEGIN SELECT RAISE (ABORT, 'the decision log is append-only'); END;
CREATE TRIGGER batches_append_only_update BEFORE UPDATE ON batches
    BEGIN SELECT RAISE (ABORT, 'the decision log is append-only'); END;
CREATE TRIGGER batches_append_only_delete BEFORE DELETE ON batches
    BEGIN SELECT RAISE (ABORT, 'the decision log is append-only'); END;
CREATE VIEW log AS
    SELECT d.seq, b.batch, a.id AS answer_id, d.answer, d.code, d.action, b.coder, b.time, d.score,
           d.model, d.codebook, b.kind, b.elapsed, b.ordering, b.session
    FROM decisions d JOIN batches b ON b.batch = d.batch JOIN answers a ON a.answer = d.answer;
"""

# MIGRATIONS[v] takes a project from schema version v to v + 1.
MIGRATIONS = (_TABLES_V1,)


def current_codebook_version(connection):
    """The project's current codebook version: the one the meta key ``codebook_version`` names
    (an undone codebook edit points it back at an earlier version), else the latest; 0 for none."""
    row = connection.execute("SELECT value FROM meta WHERE key = 'codebook_version'").fetchone()
    if row is not None:
        return json.loads(row[0])
    return connection.execute("SELECT coalesce(max(version), 0) FROM codebooks").fetchone()[0]


def set_codebook_version(connection, version):
    """Make ``version`` the current codebook version (inside the caller's transaction)."""
    connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('codebook_version', ?)", (json.dumps(version),))


def connect(path, write=True):
    """An open connection to the project file ``path``, migrated to :data:`SCHEMA_VERSION`.

    ``write=False`` opens an existing file read-only (also one on a read-only disk). Raises
    InputError for a file that is not a qualcode project, was written by a newer qualcode,
    cannot be written (with ``write``), or is locked by another program.
    """
    path = Path(path)
    if not write and not path.is_file():
        raise InputError(located(path, "no such project file; create it with 'qualcode review ANSWERS "
                                       "--codebook CB --project " + str(path) + "'"))
    if write:
        check_writable(path)
    connection = _open(path, write)
    try:
        _check_project(connection, path)
        if write:
            connection.execute("PRAGMA journal_mode = WAL")
            _migrate(connection, path)
        return connection
    except sqlite3.DatabaseError as error:
        connection.close()
        raise project_error(path, error) from None
    except BaseException:
        connection.close()
        raise


def _open(path, write):
    try:
        if write:
            connection = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None,
                                         check_same_thread=False)
        else:
            connection = _open_read_only(path)
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA synchronous = FULL")
        return connection
    except sqlite3.DatabaseError as error:
        raise project_error(path, error) from None


def _open_read_only(path):
    """Read-only; a WAL file on a disk we cannot write to is read as immutable (nobody writes it)."""
    uri = path.resolve().as_uri()
    connection = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_SECONDS, isolation_level=None,
                                 check_same_thread=False)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return connection
    except sqlite3.OperationalError:
        connection.close()
        if os.access(path.parent, os.W_OK):
            raise
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None, check_same_thread=False)


def check_writable(path):
    if path.exists():
        if path.is_dir():
            raise InputError(located(path, "this is a folder; give the project a file name ending in .qcproj"))
        if not os.access(path, os.W_OK):
            raise InputError(located(path, "the project file is read-only, so decisions could not be saved; "
                                           "copy it to a folder you can write to (reading it works: "
                                           "'qualcode review export', 'qualcode report --project')"))
    folder = path.parent
    if not folder.is_dir():
        raise InputError(located(path, f"the folder {str(folder)!r} does not exist; create it first"))
    if not os.access(folder, os.W_OK):
        raise InputError(located(path, f"cannot write in the folder {str(folder)!r} (the project keeps a "
                                       "journal beside it); move the project to a folder you can write to"))


def _check_project(connection, path):
    application, version = (connection.execute(f"PRAGMA {name}").fetchone()[0]
                            for name in ("application_id", "user_version"))
    tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if application != APPLICATION_ID and (tables or application):
        raise InputError(located(path, "this is not a qualcode project file; give a new file name "
                                       "(e.g. survey.qcproj) to create a project"))
    if version > SCHEMA_VERSION:
        raise InputError(located(path, f"this project was written by a newer qualcode (project format "
                                       f"{version}; this qualcode reads up to {SCHEMA_VERSION}); upgrade "
                                       "qualcode (pip install -U qualcode) to open it"))


def _migrate(connection, path):
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    with transaction(connection):
        version = connection.execute("PRAGMA user_version").fetchone()[0]   # another process may have done it
        for step in range(version, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[step]):
                connection.execute(statement)
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _statements(script):
    """The statements of a migration script, in order (``sqlite3.complete_statement`` keeps triggers whole)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


class transaction:
    """``with transaction(connection):`` one write transaction (BEGIN IMMEDIATE ... COMMIT), rolled
    back on any error; a project locked by another writer raises QualcodeError naming it."""

    def __init__(self, connection, path=None):
        self.connection = connection
        self.path = path

    def __enter__(self):
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise project_error(self.path or "the project", error) from None
        return self.connection

    def __exit__(self, kind, value, traceback):
        if kind is None:
            try:
                self.connection.execute("COMMIT")
                return False
            except sqlite3.OperationalError as error:
                self.connection.execute("ROLLBACK")
                raise project_error(self.path or "the project", error) from None
        self.connection.execute("ROLLBACK")
        return False


def project_error(path, error):
    """The analyst's message for an SQLite error on the project file ``path``."""
    text = str(error)
    if "locked" in text or "busy" in text:
        return ProjectLocked(located(path, "the project is locked by another program (another qualcode "
                                           "command writing to it, or a sync tool); close it and try again"))
    if "readonly" in text or "read-only" in text:
        return InputError(located(path, "the project file is read-only, so decisions could not be saved; "
                                        "copy it to a folder you can write to"))
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return InputError(located(path, "this is not a qualcode project file (or it is damaged); give a new "
                                        "file name to create a project, or restore the file from a copy"))
    return QualcodeError(located(path, f"cannot use the project file ({text})"))


class ProjectLocked(QualcodeError):
    """Another program holds the project's write lock for longer than :data:`BUSY_SECONDS`."""
