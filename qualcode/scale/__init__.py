"""Coding at scale: streaming large files in chunks, a process pool, and a Dask cluster.

    from qualcode.scale import code_file
    code_file("answers.csv", codebook, "coded.csv", reading={}, settings={"mode": "fast"}, jobs=2)

:mod:`qualcode.scale.dask_engine` (needs the ``dask`` extra) codes a partitioned Parquet data
set on a Dask cluster with the same fitted coder and the same results.
"""
from qualcode.scale.stream import DEFAULT_CHUNK, DEFAULT_SAMPLE, code_file, code_table_in_chunks, fit_on_sample

__all__ = ["DEFAULT_CHUNK", "DEFAULT_SAMPLE", "code_file", "code_table_in_chunks", "fit_on_sample"]
