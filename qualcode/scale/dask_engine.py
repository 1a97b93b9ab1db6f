"""Coding a partitioned Parquet data set on a Dask cluster.

The coder is fitted here, on the client, on the same seeded sample as local coding would use
(:func:`qualcode.scale.fit_on_sample`), then scattered once to every worker;
``dask.dataframe.map_partitions`` codes each partition where it lies. Coding depends only on
the fitted coder and the answer, so the result equals local coding of the same rows. With
``-o`` naming a folder (no extension), each worker writes its partitions as Parquet files
there (the folder must be reachable from the workers, e.g. a shared file system); with ``-o``
naming a file, partitions come back to the client one at a time and are written in order.
"""
import os
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from qualcode.coding import coding_metadata
from qualcode.coding.table import CODED_SUFFIXES
from qualcode.errors import InputError, located
from qualcode.io import check_output_path, check_table_output, output_set, sidecar_path
from qualcode.io.cells import text_frame
from qualcode.io.sources import head_table
from qualcode.progress import explain
from qualcode.scale.pool import code_chunk
from qualcode.scale import DEFAULT_SAMPLE
from qualcode.scale.stream import fit_on_sample

CONNECT_TIMEOUT = "20s"  # to reach a remote scheduler


def code_dataset(source, estimator, output, reading, codebook, settings, scheduler=None, jobs=1,
                 sample_size=DEFAULT_SAMPLE, seed=0, annotate=None, inputs=()):
    """Code the Parquet data set ``source`` (a folder or a file) into ``output`` on Dask.

    ``estimator`` is fitted on a sample here and shipped to the workers (see
    :func:`~qualcode.scale.fit_on_sample`); ``scheduler`` is a scheduler address (default: a
    local cluster of ``jobs`` processes); the data set's partitions are the chunks;
    ``annotate(coded_partition)`` may add columns. Returns (answers coded, answers with a code).
    """
    dd, distributed = _dask(source)
    source, output = Path(source), Path(output)
    _check_paths(source, output, inputs)
    frame = _read(dd, source)
    first_rows = text_frame(frame.head(100))  # from the first partition: the client reads no more
    table = head_table(first_rows, source, reading)
    if table is None:
        raise InputError(located(source, f"there is no column {reading.get('id_column')!r} to identify the "
                                         "answers; pass --id-column"))
    with _client(distributed, scheduler, jobs) as client:
        coder, fitted_on = fit_on_sample(estimator, _text_partitions(frame, table.text_column),
                                         table.text_column, sample_size, seed)
        shipped = client.scatter(coder, broadcast=True)
        meta = _code_partition(first_rows.iloc[:0], coder, table.text_column, annotate)
        coded = frame.map_partitions(_code_partition, shipped, table.text_column, annotate, meta=meta)
        # the data set (a file or a folder) and its sidecar land together or not at all
        with output_set([output, sidecar_path(output)], inputs, folders=[output]) as outputs:
            rows, with_codes = _write(coded, output, outputs)
            recorded = {**settings, "engine": "dask", "sample_size": sample_size, "fitted_on": fitted_on}
            outputs.write_sidecar(output, coding_metadata(codebook, table, recorded))
    return rows, with_codes


def _dask(source):
    try:
        import dask.dataframe as dd
        import distributed
    except ImportError:
        raise InputError(located(source, "--engine dask needs Dask; install it with "
                                         "pip install 'qualcode[dask]'")) from None
    return dd, distributed


def _check_paths(source, output, inputs):
    if not source.exists():
        raise InputError(located(source, "no such file or folder; give a Parquet file or a folder of them"))
    if is_folder_output(output):
        if os.path.realpath(output) == os.path.realpath(source) or output.is_file():
            raise InputError(located(output, "cannot write the coded data set here; choose a new folder (-o)"))
        check_output_path(sidecar_path(output), inputs)
    else:
        check_table_output(output, inputs, CODED_SUFFIXES)


def is_folder_output(output):
    """True when ``-o`` names a folder (an existing one, or a name without an extension)."""
    return output.is_dir() or not output.suffix


def _read(dd, source):
    try:
        return dd.read_parquet(source)
    except Exception as error:  # pyarrow and fsspec raise many types for damaged data sets
        raise InputError(located(source, f"cannot read this Parquet data set ({error})")) from None


@contextmanager
def _client(distributed, scheduler, jobs):
    if scheduler is None:
        with distributed.LocalCluster(n_workers=jobs, threads_per_worker=1) as cluster, \
                distributed.Client(cluster) as client:
            yield client
        return
    try:
        client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as error:
        raise InputError(f"--scheduler {scheduler}: cannot reach the Dask scheduler ({error}); "
                         "check the address and that the scheduler runs") from None
    with client:
        explain(f"Dask scheduler {scheduler}: {len(client.scheduler_info()['workers'])} workers")
        yield client


def _text_partitions(frame, text_column):
    """Yield (first row number, partition with the text column) one partition at a time."""
    start = 0
    for index in range(frame.npartitions):
        part = text_frame(frame[[text_column]].partitions[index].compute())
        yield start, part
        start += len(part)


def _code_partition(partition, coder, text_column, annotate):
    coded = code_chunk(coder, text_frame(partition), text_column)[0]
    return annotate(coded, coder) if annotate else coded


def _write(coded, output, outputs):
    """Stage the coded data set in ``outputs``; return (rows, rows with a code). Each
    partition is coded once."""
    if not is_folder_output(output):
        totals = pd.DataFrame(columns=["rows", "with_codes"])
        with outputs.appender(output, verbatim=True) as write:
            for index in range(coded.npartitions):
                part = coded.partitions[index].compute()
                write(part)
                totals.loc[index] = _stats(part).iloc[0]
    else:
        import dask

        stats = coded.map_partitions(_stats, meta={"rows": "int64", "with_codes": "int64"})
        explain(f"writing partitioned Parquet into {output}")
        _, totals = dask.compute(coded.to_parquet(outputs.path(output), write_index=False, compute=False), stats)
    return int(totals["rows"].sum()), int(totals["with_codes"].sum())


def _stats(coded):
    return pd.DataFrame({"rows": [len(coded)], "with_codes": [int((coded["codes"] != "").sum())]})
