"""Coding at scale: streaming large files in chunks, a process pool, and a Dask cluster.

    from qualcode.coding import Coder
    from qualcode.scale import code_file
    code_file("answers.csv", Coder(codebook, mode="fast"), "coded.csv", reading={}, codebook=codebook,
              settings={"mode": "fast"}, jobs=2)

:mod:`qualcode.scale.dask_engine` (needs the ``dask`` extra) codes a partitioned Parquet data
set on a Dask cluster with the same fitted coder and the same results. The functions load the
coding engine on first use, so that the sizes below cost nothing to import (``--help``).
"""
import importlib

DEFAULT_SAMPLE = 20_000  # answers the coder learns from
DEFAULT_CHUNK = 10_000   # answers coded and written at a time

_LAZY = ("code_file", "code_table_in_chunks", "fit_on_sample")


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module("qualcode.scale.stream"), name)
    raise AttributeError(f"module 'qualcode.scale' has no attribute {name!r}")


__all__ = ["DEFAULT_CHUNK", "DEFAULT_SAMPLE", *_LAZY]
