"""One cell value as text, the way a spreadsheet shows it."""
import datetime as dt
import json
import math
import re

import pandas as pd

LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON "\ud800" escapes: not text UTF-8 can write


def is_missing(value):
    """True for an empty cell: None, NaN, NA, NaT (and never for a list or dict)."""
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, float) and math.isnan(value))


def cell_text(value):
    """A cell value as the analyst sees it: '' for empty, '7' for 7.0, ISO dates, text unchanged
    (but for lone surrogates, which become U+FFFD), lists and records as JSON."""
    if isinstance(value, str):
        return LONE_SURROGATE.sub("\ufffd", value)
    if is_missing(value):
        return ""
    if isinstance(value, (list, tuple, dict)) or getattr(value, "ndim", 0):
        return cell_text(json.dumps(_plain(value), ensure_ascii=False, default=cell_text))
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    if hasattr(value, "item") and not isinstance(value, (dt.datetime, dt.date)):
        return cell_text(value.item())
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _plain(value):
    """Lists, arrays and records (as Parquet and JSON hold them) as plain Python values."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return None if is_missing(value) else value


def text_frame(frame):
    """``frame`` with every cell as the text a spreadsheet shows, and string column names."""
    return pd.DataFrame({cell_text(c): [cell_text(v) for v in frame[c].tolist()] for c in frame.columns},
                        dtype="str", index=range(len(frame)))
