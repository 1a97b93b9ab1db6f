"""qualcode's on-disk caches: key → bytes stores in SQLite files in one folder.

The folder is ``QUALCODE_CACHE_DIR`` (default ``~/.cache/qualcode``); deleting it clears every
cache. A cache only saves time: one that cannot be read or written is skipped, and a value that
does not decode (a damaged or tampered file) is a miss and is dropped, never an error.
Several processes may share a file (write-ahead log, waits on locks).
"""
import os
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from qualcode.progress import explain

LOOKUP_CHUNK = 500  # SQLite limits the number of parameters in one query
LOCK_TIMEOUT = 60  # seconds a process waits for another one writing the file


def cache_dir():
    """The folder that holds qualcode's caches."""
    return Path(os.environ.get("QUALCODE_CACHE_DIR", Path.home() / ".cache" / "qualcode"))


class BlobStore:
    """Bytes values under bytes keys in one SQLite file.

    Writes run in a background thread, one at a time, while the caller goes on computing
    (SQLite releases the interpreter lock while it writes); a read first waits for them.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.usable = True
        self._connection = None
        self._lock = threading.Lock()  # threads of one process (a Dask worker) share the connection
        self._writer = None
        self._pending = None
        self._pending_lock = threading.Lock()

    def get_many(self, keys, decode=None):
        """``{key: value}`` for those of ``keys`` in the store (including those just put).

        With ``decode(key, value)``, the values are decoded; a value it cannot decode (any
        exception) counts as missing and is removed from the store, so the caller computes it
        again and the next run finds a good one.
        """
        found = dict(self._select(keys, values=True))
        if decode is None:
            return found
        decoded, bad = {}, []
        for key, value in found.items():
            try:
                decoded[key] = decode(key, value)
            except Exception:  # whatever a damaged value makes the decoder raise
                bad.append(key)
        if bad:
            explain(f"cache {self.path}: {len(bad)} damaged entries dropped")
            self._submit(self._delete, bad)
        return decoded

    def present(self, keys):
        """Those of ``keys`` in the store, without reading their values."""
        return {row[0] for row in self._select(keys, values=False)}

    def put_many(self, items):
        """Store (key, value) pairs in the background; a key already present keeps its value.

        At most one write is pending, so memory holds one batch of values, never a queue.
        """
        self._submit(self._write, list(items))

    def _submit(self, task, items):
        """Run ``task(items)`` in the background writer, after the pending write."""
        with self._pending_lock:
            self._wait()
            if not self.usable or not items:
                return
            if self._writer is None:
                # its thread is joined when the interpreter exits: a pending write completes
                self._writer = ThreadPoolExecutor(1, thread_name_prefix="qualcode-cache")
            self._pending = self._writer.submit(task, items)

    def wait(self):
        """Return once the pending write, if any, is done."""
        with self._pending_lock:
            self._wait()

    def _wait(self):
        if self._pending is not None:
            self._pending.result()
            self._pending = None

    def _select(self, keys, values):
        keys = list(dict.fromkeys(keys))
        self.wait()
        if not self.usable or not keys:
            return []
        columns = "key, value" if values else "key"
        rows = []
        try:
            with self._lock:
                connection = self._db()
                for start in range(0, len(keys), LOOKUP_CHUNK):
                    chunk = keys[start:start + LOOKUP_CHUNK]
                    marks = ",".join("?" * len(chunk))
                    query = f"SELECT {columns} FROM blobs WHERE key IN ({marks})"
                    rows.extend(connection.execute(query, chunk))
        except (sqlite3.Error, OSError) as error:
            self._give_up(error)
            return []
        return rows

    def _write(self, items):
        try:
            with self._lock, self._db() as connection:
                connection.executemany("INSERT OR IGNORE INTO blobs VALUES (?, ?)", items)
        except (sqlite3.Error, OSError) as error:
            self._give_up(error)

    def _delete(self, keys):
        try:
            with self._lock, self._db() as connection:
                connection.executemany("DELETE FROM blobs WHERE key = ?", [(key,) for key in keys])
        except (sqlite3.Error, OSError) as error:
            self._give_up(error)

    def _db(self):
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("CREATE TABLE IF NOT EXISTS blobs (key BLOB PRIMARY KEY, value BLOB) WITHOUT ROWID")
            self._connection = connection
        return self._connection

    def _give_up(self, error):
        explain(f"cache {self.path} not used ({error})")
        self.usable = False


def blob_store(name):
    """This process's :class:`BlobStore` for the file ``name`` in the cache folder."""
    return _store_for(cache_dir() / name, os.getpid())


@lru_cache(maxsize=None)
def _store_for(path, process):
    return BlobStore(path)  # one per process: a connection must not cross a fork
