"""Comparing two codings of the same answers: the machine against gold (``evaluate``) or two
human coders (``agree``), as one :class:`AgreementReport`."""
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from qualcode.errors import InputError, located
from qualcode.io import check_output_path, write_table, write_text, write_workbook
from qualcode.learn.metrics import code_metrics, confused_pairs, indicator, macro_f1, micro_f1
from qualcode.coding.coded import check_codes, paired
from qualcode.coding.result import join_codes
from qualcode.learn.triage import certainty, decision_thresholds, triage_curve

SHOWN_PAIRS = 10
REPORT_SUFFIXES = (".csv", ".xlsx", ".json")


@dataclass
class AgreementReport:
    """Agreement of ``names[1]`` with ``names[0]`` (the reference: gold, or coder A).

    ``per_code``: one row per code (support, counts, precision, recall, F1, % agreement,
    Cohen's kappa, Krippendorff's alpha); ``summary``: answers, macro and micro F1, exact
    match, pooled % agreement, mean kappa and alpha; ``confusions``: code pairs swapped for each
    other; ``disagreements``: every answer whose two code sets differ, with its text;
    ``triage``: the coverage/precision curve (None without machine scores).
    """

    names: tuple
    per_code: pd.DataFrame
    summary: dict
    confusions: pd.DataFrame
    disagreements: pd.DataFrame
    triage: pd.DataFrame | None = None

    def tables(self):
        """The report as named tables (the sheets of an .xlsx, the keys of a .json)."""
        summary = pd.DataFrame([{"measure": key, "value": value} for key, value in self.summary.items()])
        tables = {"summary": summary, "per_code": self.per_code, "confusions": self.confusions,
                  "disagreements": self.disagreements}
        if self.triage is not None:
            tables["triage"] = self.triage
        return tables

    def write(self, path, inputs=()):
        """Write the report atomically: .csv holds the per-code table (formula-like cells
        neutralised), .xlsx one sheet per table (text as text cells), .json every table as a
        list of records (undefined values as null)."""
        path = Path(path)
        check_output_path(path, inputs, REPORT_SUFFIXES)
        suffix = path.suffix.lower()
        if suffix == ".csv":
            write_table(self.per_code, path, inputs)
        elif suffix == ".json":
            records = {name: json.loads(table.to_json(orient="records", force_ascii=False))
                       for name, table in self.tables().items()}
            records["summary"] = {key: _json_number(value) for key, value in self.summary.items()}
            write_text(path, json.dumps(records, ensure_ascii=False, indent=2) + "\n", inputs)
        else:
            write_workbook(self.tables(), path, inputs)

    def to_text(self):
        """The report as plain text for the terminal."""
        reference, other = self.names
        s = self.summary
        parts = [
            f"{other} against {reference}: {s['answers']} answers, {len(self.per_code)} codes",
            _render(self.per_code[["code", "support", "predicted", "precision", "recall", "f1",
                                   "agreement", "kappa", "alpha"]]),
            f"macro F1 {_number(s['macro_f1'])} (codes {reference} uses)   micro F1 {_number(s['micro_f1'])}   "
            f"exact match {_number(s['exact_match'])}   mean kappa {_number(s['mean_kappa'])}   "
            f"mean alpha {_number(s['mean_alpha'])}",
        ]
        if len(self.confusions):
            parts += [f"Codes {other} gave instead of {reference}'s (answers):",
                      _render(self.confusions.head(SHOWN_PAIRS))]
        if self.triage is not None:
            parts += ["Triage: the machine codes alone the answers whose certainty reaches the level",
                      _render(self.triage)]
        parts.append(f"{len(self.disagreements)} answers coded differently; -o FILE.xlsx lists them with their text.")
        return "\n\n".join(parts) + "\n"


def compare(reference, other, names, machine=False):
    """The :class:`AgreementReport` of ``other`` against ``reference`` (two :class:`~qualcode.coding.CodedAnswers`).

    With ``machine`` (evaluation), ``other`` is the machine's coded table: every answer of
    ``reference`` must be in it, its codes (in its order) are the ones scored, a code
    ``reference`` uses that it does not know is an error, and the triage curve is drawn from
    its scores. Otherwise (two coders) the codes are the union of both and the answers those
    both coded.
    """
    codes = other.code_ids if machine else _union(reference.code_ids, other.code_ids)
    check_codes(reference, codes)
    ref_rows, other_rows = paired(reference, other, require_all=machine)
    ref = indicator([reference.code_sets[i] for i in ref_rows], codes)
    oth = indicator([other.code_sets[k] for k in other_rows], codes)
    per_code = code_metrics(ref, oth, codes)
    triage = None
    if machine:
        scores = other.score_frame[codes].to_numpy()
        decided = indicator(other.code_sets, codes).astype(bool)
        sure = certainty(scores, decision_thresholds(scores, decided))[other_rows]
        triage = triage_curve(sure, ref.astype(bool), oth.astype(bool))
    return AgreementReport(
        names=tuple(names), per_code=per_code,
        summary=_summary(ref, oth, per_code),
        confusions=confused_pairs(ref, oth, codes).rename(columns={"code": names[0], "instead": names[1]}),
        disagreements=_disagreements(reference, other, ref_rows, other_rows, names),
        triage=triage)


def evaluate(coded, gold):
    """The machine's coding ``coded`` against the analyst's ``gold`` (both :class:`~qualcode.coding.CodedAnswers`)."""
    if coded.score_frame is None:
        raise InputError(located(coded.source, "this table has no score_<code> columns; give the table "
                                               "`qualcode code` wrote, or use `qualcode agree` for two "
                                               "people's codings"))
    return compare(gold, coded, ("gold", "machine"), machine=True)


def agree(first, second):
    """Intercoder agreement of two people's codings of the same answers (coder A is the reference)."""
    return compare(first, second, ("A", "B"))


def _union(first, second):
    return list(dict.fromkeys(list(first) + list(second)))


def _summary(ref, oth, per_code):
    return {
        "answers": int(ref.shape[0]),
        "macro_f1": macro_f1(per_code),
        "micro_f1": micro_f1(per_code),
        "exact_match": float(np.mean(np.all(ref == oth, axis=1))),
        "agreement": float(np.mean(ref == oth)),
        "mean_kappa": _mean(per_code["kappa"]),
        "mean_alpha": _mean(per_code["alpha"]),
    }


def _mean(values):
    defined = values.dropna()
    return float(defined.mean()) if len(defined) else float("nan")


def _disagreements(reference, other, ref_rows, other_rows, names):
    first, second = names
    texts = other.texts if other.texts is not None else reference.texts
    text_rows = other_rows if other.texts is not None else ref_rows
    rows = []
    for i, k, t in zip(ref_rows, other_rows, text_rows):
        mine, theirs = reference.code_sets[i], other.code_sets[k]
        if set(mine) != set(theirs):
            rows.append({"id": reference.ids[i], "text": texts[t] if texts is not None else "",
                         first: join_codes(mine), second: join_codes(theirs),
                         f"only {first}": join_codes(c for c in mine if c not in theirs),
                         f"only {second}": join_codes(c for c in theirs if c not in mine)})
    return pd.DataFrame(rows, columns=["id", "text", first, second, f"only {first}", f"only {second}"])


def _json_number(value):
    return None if isinstance(value, float) and math.isnan(value) else value


def _number(value):
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.2f}"


def _render(frame):
    """A fixed-width text table; floats with two decimals, undefined values as '-'."""
    cells = frame.astype(object).map(lambda v: _number(v) if isinstance(v, float) else str(v))
    widths = [max([len(str(c))] + cells[c].str.len().tolist()) for c in frame.columns]
    rows = [list(map(str, frame.columns))] + [list(row) for row in cells.itertuples(index=False)]
    return "\n".join("  ".join(v.ljust(w) if k == 0 else v.rjust(w) for k, (v, w) in enumerate(zip(row, widths)))
                     for row in rows)
