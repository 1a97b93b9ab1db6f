"""Coding chunks of answers with a fitted coder, in this process or in a pool of processes.

The coder is fitted once (on the sample) and shipped to each worker process when the pool
starts; a chunk then travels as a DataFrame and comes back coded. Chunks come back in input
order and at most ``2 * jobs`` are in flight, so memory stays bounded. Coding a chunk depends
only on the fitted coder and the chunk, so ``jobs`` never changes the result. Python's cycle
collector is paused while a chunk is coded: the millions of small objects coding makes hold no
cycles, yet walking them took a third of the time.
"""
import gc
import multiprocessing
import warnings
from collections import deque
from concurrent.futures import ProcessPoolExecutor


from qualcode.coding.analysed import garbage_collection_paused
from qualcode.coding.table import coded_frame
from qualcode.progress import own_warning

_worker_coder = None


def code_chunk(coder, frame, text_column):
    """``frame`` with its coding appended, the typed :class:`~qualcode.coding.CodingResult`,
    and the warnings that coding gave for the analyst (as text; those of the libraries
    underneath, such as scikit-learn's convergence warnings, are left out)."""
    with warnings.catch_warnings(record=True) as caught, garbage_collection_paused():
        warnings.simplefilter("always")
        result = coder.code(frame[text_column].tolist())
        coded = coded_frame(frame, result)
    return coded, result, [str(warning.message) for warning in caught if own_warning(warning.filename)]


def coded_chunks(coder, chunks, text_column, jobs=1):
    """Yield (coded frame, CodingResult, warnings) for each frame of ``chunks``, in order. Chunks
    coded in other processes come back as frames only (the result is None): shipping every
    answer's analysis back would cost more than it saves."""
    if jobs <= 1:
        for frame in chunks:
            yield code_chunk(coder, frame, text_column)
        return
    context = multiprocessing.get_context("spawn")  # safe with the threads of numpy and torch
    executor = ProcessPoolExecutor(jobs, mp_context=context, initializer=_install, initargs=(coder,))
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
    gc.freeze()  # the coder lives as long as the worker: collections need not walk it


def _code_in_worker(frame, text_column):
    coded, _, messages = code_chunk(_worker_coder, frame, text_column)
    return coded, None, messages
