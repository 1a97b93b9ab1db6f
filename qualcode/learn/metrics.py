"""Agreement and accuracy metrics for multi-label coding, computed one code at a time.

Every code is a binary decision per answer (applied or not). Two codings of the same answers are
two 0/1 indicator matrices of shape ``(answers, codes)``; everything here works on those.
Undefined values (a kappa or alpha where neither coding varies, a precision with no positive
decision) are ``nan`` in the data, never a made-up 0 or 1.
"""
import numpy as np
import pandas as pd


def indicator(code_sets, codes):
    """The 0/1 matrix of shape ``(len(code_sets), len(codes))``: 1 where an answer carries a code."""
    return np.array([[code in applied for code in codes] for applied in code_sets], dtype=np.int8).reshape(
        len(code_sets), len(codes))


def cohen_kappa(a, b):
    """Cohen's kappa of two nominal codings of the same units (``nan`` when chance agreement is 1)."""
    a, b = np.asarray(a), np.asarray(b)
    values = np.union1d(a, b)
    observed = np.mean(a == b)
    expected = sum(np.mean(a == value) * np.mean(b == value) for value in values)
    return float((observed - expected) / (1 - expected)) if expected < 1 else float("nan")


def krippendorff_alpha(data):
    """Krippendorff's alpha for nominal data, shape ``(coders, units)``, ``nan`` = not coded.

    Built from the coincidence matrix: each unit with ``m >= 2`` values adds ``1 / (m - 1)`` for
    every ordered pair of values from different coders; ``alpha = 1 - (n - 1) * D_o / D_e``
    with ``D_o`` the off-diagonal coincidences and ``D_e`` the off-diagonal sum of ``n_c * n_k``.
    ``nan`` when fewer than two values are pairable or only one value occurs.
    """
    data = np.asarray(data, dtype=float)
    values = np.unique(data[~np.isnan(data)])
    if len(values) < 2:
        return float("nan")
    counts = np.stack([(data == value).sum(axis=0) for value in values], axis=1)  # units x values
    pairable = counts.sum(axis=1)
    counts = counts[pairable >= 2]
    weights = 1.0 / (counts.sum(axis=1) - 1)
    coincidences = (counts[:, :, None] * counts[:, None, :]
                    - np.einsum("uc,ck->uck", counts, np.eye(len(values))))
    coincidences = np.einsum("u,uck->ck", weights, coincidences)
    totals = coincidences.sum(axis=1)
    n = totals.sum()
    expected = n * n - np.sum(totals * totals)
    if n < 2 or expected == 0:
        return float("nan")
    observed = coincidences.sum() - np.trace(coincidences)
    return float(1 - (n - 1) * observed / expected)


def _ratio(numerator, denominator):
    return numerator / denominator if denominator else float("nan")


def _f1(tp, fp, fn):
    return _ratio(2 * tp, 2 * tp + fp + fn)


def code_metrics(reference, other, codes):
    """Per code: support, counts, precision, recall, F1, % agreement, Cohen's kappa, Krippendorff's alpha.

    ``reference`` (gold, or coder A) and ``other`` (the machine, or coder B) are indicator
    matrices; precision and recall treat ``reference`` as the truth.
    """
    rows = []
    for j, code in enumerate(codes):
        ref, oth = reference[:, j], other[:, j]
        tp = int(np.sum((ref == 1) & (oth == 1)))
        fp = int(np.sum((ref == 0) & (oth == 1)))
        fn = int(np.sum((ref == 1) & (oth == 0)))
        rows.append({
            "code": code, "support": tp + fn, "predicted": tp + fp, "tp": tp, "fp": fp, "fn": fn,
            "precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn), "f1": _f1(tp, fp, fn),
            "agreement": float(np.mean(ref == oth)) if len(ref) else float("nan"),
            "kappa": cohen_kappa(ref, oth), "alpha": krippendorff_alpha(np.vstack([ref, oth])),
        })
    return pd.DataFrame(rows, columns=["code", "support", "predicted", "tp", "fp", "fn", "precision",
                                       "recall", "f1", "agreement", "kappa", "alpha"])


def macro_f1(per_code):
    """Mean F1 over the codes that occur in the reference (as the official scorer counts it).

    A code the reference never uses has no recall, so it is left out rather than scored 0 or 1.
    """
    present = per_code[per_code["support"] > 0]
    return float(present["f1"].fillna(0.0).mean()) if len(present) else float("nan")


def micro_f1(per_code):
    """F1 over all answer-code decisions pooled together."""
    return _f1(*(int(per_code[column].sum()) for column in ("tp", "fp", "fn")))


def confused_pairs(reference, other, codes):
    """Pairs of codes swapped for each other: the reference has ``code`` that ``other`` missed,
    and on the same answer ``other`` applied ``instead`` that the reference does not have.

    Returns a DataFrame with columns ``code``, ``instead``, ``answers``, most frequent first.
    """
    missed = (reference == 1) & (other == 0)
    extra = (reference == 0) & (other == 1)
    counts = missed.T.astype(int) @ extra.astype(int)
    rows = [{"code": codes[i], "instead": codes[k], "answers": int(counts[i, k])}
            for i, k in zip(*np.nonzero(counts))]
    frame = pd.DataFrame(rows, columns=["code", "instead", "answers"])
    return frame.sort_values(["answers", "code", "instead"], ascending=[False, True, True], ignore_index=True)
