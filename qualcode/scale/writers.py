"""Writing a coded table chunk by chunk, whole or not at all.

Chunks go to a temporary file beside the output, which replaces the output only when the last
chunk is written (:func:`qualcode.io.atomic_path`); an error or Ctrl-C leaves no half-written
table. CSV, JSON Lines and Parquet are appended as they come, with the conventions of
:func:`qualcode.io.write_table` (so a table written in chunks has the same bytes, or for Parquet
the same content, as one written at once); an .xlsx (at most 1,048,576 rows anyway) is
gathered and written at the end.
"""
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from qualcode.io import atomic_path, write_table


@contextmanager
def chunk_writer(path):
    """Yield ``write(frame)``, which appends a chunk of the table to be written at ``path``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in APPENDERS:
        frames = []
        yield frames.append
        write_table(pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(), path)
        return
    with atomic_path(path) as temporary, APPENDERS[suffix](temporary) as write:
        yield write


@contextmanager
def _csv(path):
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        def write(frame):
            frame.to_csv(handle, index=False, header=handle.tell() == 0, lineterminator="\r\n")
        yield write


@contextmanager
def _jsonl(path):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        def write(frame):
            text = frame.to_json(orient="records", lines=True, force_ascii=False, date_format="iso")
            handle.write(text if text.endswith("\n") or not text else text + "\n")
        yield write


@contextmanager
def _parquet(path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    try:
        def write(frame):
            nonlocal writer
            table = pa.Table.from_pandas(frame.rename(columns=str), preserve_index=False,
                                         schema=writer.schema if writer else None)
            writer = writer or pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
        yield write
    finally:
        if writer is not None:
            writer.close()


APPENDERS = {".csv": _csv, ".jsonl": _jsonl, ".parquet": _parquet}
