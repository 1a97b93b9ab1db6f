"""``qualcode code`` at any size: fit on a sample, then code and write chunk by chunk.

The coder learns from a sample of at most ``sample_size`` answers (all of them in a corpus that
small, so the result is then the same as coding the whole table at once; otherwise a seeded
uniform random sample, see :mod:`qualcode.scale.sample`), then codes the answers ``chunk_size``
at a time, in ``jobs`` processes, appending each coded chunk to the output. Memory holds the
sample and a few chunks, never the whole corpus.
"""
import warnings

import pandas as pd

from qualcode.coding import coding_metadata
from qualcode.coding.analysed import garbage_collection_paused, long_lived_objects_frozen
from qualcode.coding.table import coded_frame
from qualcode.io import open_answers, output_set, sidecar_path, whole_source
from qualcode.progress import explain
from qualcode.scale import DEFAULT_CHUNK, DEFAULT_SAMPLE
from qualcode.scale.pool import coded_chunks
from qualcode.scale.sample import Sampler



def fit_on_sample(estimator, chunks, text_column, sample_size=DEFAULT_SAMPLE, seed=0):
    """``estimator`` (an unfitted :class:`~qualcode.coding.Coder`, or anything whose ``fit(texts)``
    returns a fitted coder with ``code(texts)``) fitted on a seeded sample of ``chunks``.

    ``chunks`` yields (first row number, DataFrame). Returns (fitted coder, answers fitted on).
    """
    sampler = Sampler(sample_size, seed)
    for start, frame in chunks:
        sampler.add(start, frame[text_column].tolist())
    texts = sampler.texts
    explain(f"fitting the coder on {len(texts):,} answers")
    with garbage_collection_paused():
        return estimator.fit(texts), len(texts)


def code_file(answers, estimator, output, reading, codebook, settings, jobs=1, chunk_size=DEFAULT_CHUNK,
              sample_size=DEFAULT_SAMPLE, seed=0, annotate=None, inputs=()):
    """Code the answers file ``answers`` into ``output`` (and its .meta.json sidecar).

    ``estimator`` is fitted on a sample (see :func:`fit_on_sample`); ``reading`` holds
    :func:`qualcode.io.read_answers` options; ``codebook`` and ``settings`` (what produced the
    coding) go into the sidecar; ``annotate(coded_chunk)`` may add columns. Warnings (replaced
    columns) are issued once. Returns (answers coded, answers with at least one code).
    """
    source = open_answers(answers, reading, chunk_size)
    coder, fitted_on = fit_on_sample(estimator, source.chunks(), source.text_column, sample_size, seed)
    rows = with_codes = 0
    # the table and its sidecar land together or not at all; the table is data, written verbatim
    with output_set([output, sidecar_path(output)], inputs) as outputs:
        with outputs.appender(output, verbatim=True) as write:
            for coded, _ in coded_in_order(coder, source, jobs):
                coded = annotate(coded, coder) if annotate else coded
                write(coded)
                rows, with_codes = rows + len(coded), with_codes + int((coded["codes"] != "").sum())
                explain(f"coded {rows:,} answers")
        recorded = {**settings, "sample_size": sample_size, "fitted_on": fitted_on}
        outputs.write_sidecar(output, coding_metadata(codebook, source.table, recorded))
    return rows, with_codes


def code_table_in_chunks(table, estimator, jobs=1, chunk_size=DEFAULT_CHUNK, sample_size=DEFAULT_SAMPLE, seed=0,
                         annotate=None):
    """The coded DataFrame of ``table`` (an AnswerTable), coded as ``qualcode code`` codes a file:
    ``estimator`` fitted on a sample, then chunk by chunk, so that only one chunk's analyses are
    in memory. Up to ``sample_size`` answers this is exactly :func:`qualcode.coding.code_table`.
    """
    source = whole_source(table, chunk_size)
    coder, _ = fit_on_sample(estimator, source.chunks(), source.text_column, sample_size, seed)
    frames = [annotate(coded, coder) if annotate else coded for coded, _ in coded_in_order(coder, source, jobs)]
    return pd.concat(frames) if frames else coded_frame(table.frame, coder.code([]))


def coded_in_order(coder, source, jobs=1):
    """Yield (coded frame, CodingResult or None) for each chunk of ``source`` (an AnswerSource),
    in order, issuing each warning coding gives once (see :func:`~qualcode.scale.pool.coded_chunks`)."""
    issued = set()
    with long_lived_objects_frozen():
        frames = (frame for _, frame in source.chunks())
        for coded, result, messages in coded_chunks(coder, frames, source.text_column, jobs):
            for message in set(messages) - issued:
                warnings.warn(message, stacklevel=3)
            issued.update(messages)
            yield coded, result
