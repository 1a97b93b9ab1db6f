"""Coding a table of answers: the coded table of SPEC "Coded answers out" and its sidecar."""
import json
import warnings
from datetime import datetime, timezone

import pandas as pd

from qualcode import __version__
from qualcode.coding.coder import Coder

OUTPUT_COLUMNS = ("codes", "evidence")
CODED_SUFFIXES = (".csv", ".xlsx", ".jsonl", ".parquet")  # formats a coded table may be written in


def code_table(table, codebook, embedder="default", mode="accurate", threshold=None, seed=0):
    """Code every answer of ``table`` (an AnswerTable) and return the coded DataFrame.

    Input rows and values are kept unchanged and in order; ``codes``, ``score_<id>`` and
    ``evidence`` are appended (replacing, with a warning, columns of those names).
    """
    texts = table.texts
    coder = Coder(codebook, embedder=embedder, mode=mode, threshold=threshold, seed=seed)
    result = coder.fit(texts).code(texts)
    return coded_frame(table.frame, result, coder.codes_)


def coded_frame(frame, result, codes):
    """``frame`` with the coding ``result`` appended as SPEC columns."""
    score_columns = [f"score_{code.id}" for code in codes]
    clashing = [c for c in frame.columns if c in OUTPUT_COLUMNS or str(c).startswith("score_")]
    if clashing:
        warnings.warn(f"the input already has {', '.join(map(str, clashing))}; they are replaced", stacklevel=2)
    coded = frame.drop(columns=clashing).copy()
    # explicit str columns: an empty chunk (an empty Parquet partition) must have the same schema
    coded["codes"] = pd.Series([";".join(ids) for ids in result.codes], index=coded.index, dtype=str)
    for code, column in zip(codes, score_columns):
        coded[column] = result.scores[code.id].to_numpy()
    coded["evidence"] = pd.Series([json.dumps(e, ensure_ascii=False) for e in result.evidence],
                                  index=coded.index, dtype=str)
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
