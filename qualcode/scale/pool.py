"""Coding chunks of answers with a fitted coder, in this process or in a pool of processes.

The coder is fitted once (on the sample) and shipped to each worker process when the pool
starts; a chunk then travels as a DataFrame and comes back coded. Chunks come back in input
order and at most ``2 * jobs`` are in flight, so memory stays bounded. Coding a chunk depends
only on the fitted coder and the chunk, so ``jobs`` never changes the result. Python's cycle
collector is paused while a chunk is coded: the millions of small objects coding makes hold no
cycles, yet walking them took a third of the time.
"""
import copy
import multiprocessing
import warnings
from collections import deque
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from qualcode.coding import CodingResult
from qualcode.coding.analysed import garbage_collection_paused
from qualcode.coding.table import coded_frame

PROCESS_LOCAL = ("embedder_",)  # holds an open cache connection; rebuilt where needed
_worker_coder = None


def portable(coder):
    """A copy of fitted ``coder`` that pickles, and small: without its embedder (a model and an
    open cache) and the analysis of the corpus it was fitted on. A worker builds its own
    embedder from ``coder.embedder`` (a name such as "default") when it needs one."""
    shipped = copy.copy(coder)
    for name in PROCESS_LOCAL:
        shipped.__dict__.pop(name, None)
    shipped._fitted_corpus = ((), None)  # equal to no list of texts: each chunk is analysed
    if getattr(coder, "semantic_", None) is not None:
        shipped.semantic_ = copy.copy(coder.semantic_)
        shipped.semantic_.embedder = None  # needed to fit only; the model itself does not pickle
    return shipped


def code_chunk(coder, frame, text_column):
    """``frame`` with its coding appended, and the warnings that coding gave (as text)."""
    with warnings.catch_warnings(record=True) as caught, garbage_collection_paused():
        warnings.simplefilter("always")
        texts = frame[text_column].tolist()
        if not texts:
            return coded_frame(frame, _no_answers(coder), coder.codes_).astype({"codes": str, "evidence": str}), []
        coded = coded_frame(frame, coder.code(texts), coder.codes_)
    return coded, [str(warning.message) for warning in caught]


def _no_answers(coder):
    """The coding of an empty chunk (an empty Parquet partition): Coder.code needs answers."""
    scores = pd.DataFrame({code.id: pd.Series(dtype=float) for code in coder.codes_})
    return CodingResult([], scores, [])


def coded_chunks(coder, chunks, text_column, jobs=1):
    """Yield (coded frame, warnings) for each frame of ``chunks``, in order."""
    if jobs <= 1:
        for frame in chunks:
            yield code_chunk(coder, frame, text_column)
        return
    context = multiprocessing.get_context("spawn")  # safe with the threads of numpy and torch
    executor = ProcessPoolExecutor(jobs, mp_context=context, initializer=_install, initargs=(portable(coder),))
    pending = deque()
    try:
        for frame in chunks:
            pending.append(executor.submit(_code_in_worker, frame, text_column))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _install(coder):
    global _worker_coder
    _worker_coder = coder


def _code_in_worker(frame, text_column):
    return code_chunk(_worker_coder, frame, text_column)
