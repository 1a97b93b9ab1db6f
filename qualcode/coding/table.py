"""Coding a table of answers: the coded table of SPEC "Coded answers out" and its sidecar."""
import warnings
from datetime import datetime, timezone

import pandas as pd

from qualcode import __version__
from qualcode.coding.coded import is_output_column
from qualcode.coding.coder import Coder

CODED_SUFFIXES = (".csv", ".xlsx", ".jsonl", ".parquet")  # formats a coded table may be written in


def code_table(table, codebook, embedder="default", mode="accurate", threshold=None, seed=0):
    """Code every answer of ``table`` (an AnswerTable) and return the coded DataFrame.

    Input rows and values are kept unchanged and in order; ``codes``, ``score_<id>`` and
    ``evidence`` are appended (replacing, with a warning, columns of those names).
    """
    coder = Coder(codebook, embedder=embedder, mode=mode, threshold=threshold, seed=seed)
    return coded_frame(table.frame, coder.fit_code(table.texts))


def coded_frame(frame, result):
    """``frame`` with the coding ``result`` (a CodingResult) appended as SPEC columns: the one
    place where a coding becomes text."""
    clashing = [c for c in frame.columns if is_output_column(c)]
    if clashing:
        warnings.warn(f"the input already has {', '.join(map(str, clashing))}; they are replaced", stacklevel=2)
    coded = frame.drop(columns=clashing).copy()
    # explicit str columns: an empty chunk (an empty Parquet partition) must have the same schema
    coded["codes"] = pd.Series(result.codes_cells(), index=coded.index, dtype=str)
    scores = pd.DataFrame({f"score_{code_id}": result.scores[code_id].to_numpy() for code_id in result.code_ids},
                          index=coded.index)  # at once: a column at a time fragments a frame of many codes
    coded = pd.concat([coded, scores], axis=1)
    coded["evidence"] = pd.Series(result.evidence_cells(), index=coded.index, dtype=str)
    return coded


def coding_metadata(codebook, table, settings):
    """The sidecar record: what produced a coded table (SPEC: CODED.meta.json)."""
    return {
        "qualcode_version": __version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "codebook": {"name": codebook.name, "version": codebook.version, "hash": codebook.content_hash,
                     "source": str(getattr(codebook, "source", "") or "")},
        "input": str(table.source),
        "settings": settings,
        "columns": {"id": table.id_column, "text": table.text_column,
                    "question": table.question_column, "respondent": table.respondent_column},
        "codes": [code.id for code in codebook.codes if code.status != "suggested"],
    }
