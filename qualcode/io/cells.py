"""One cell value as text, the way a spreadsheet shows it."""
import datetime as dt
import math

import pandas as pd


def is_missing(value):
    """True for an empty cell: None, NaN, NA, NaT (and never for a list or dict)."""
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, float) and math.isnan(value))


def cell_text(value):
    """A cell value as the analyst sees it: '' for empty, '7' for 7.0, ISO dates, text unchanged."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return ""
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
