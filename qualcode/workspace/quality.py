"""How good the machine is, estimated from the decisions made in random-sample order.

Answers reviewed in the ``random`` order are a simple random sample of the answers, so the
analysts' decisions on them estimate, per code, how often the machine is right: each decision
in the log says what the machine suggested when it was shown (``accept``: the machine applied
the code and was right; ``reject``: applied it wrongly; ``add``: missed it; ``remove``: left it
off rightly). Precision is ``accept / (accept + reject)``, recall ``accept / (accept + add)``,
each with a Wilson score interval (95 %), which stays inside [0, 1] and is honest with few
decisions. When both lower bounds reach the ``target``, the rest of the answers can be left to
the machine for that code.

Only the decision in force per coder, answer and code counts; decisions on answers reached by
another order (informative, by code, ...) do not, as those answers were chosen, not sampled.
With learning while reviewing the machine improves as the sample grows, so the estimate
(of the suggestions as they were shown) is conservative for the current model.
"""
import numpy as np
import pandas as pd
from scipy.stats import binomtest

RANDOM = "random"
CONFIDENCE = 0.95
TARGET = 0.8


def wilson(successes, trials, confidence=CONFIDENCE):
    """``(estimate, low, high)`` of a proportion with its Wilson score interval; NaNs without trials."""
    if trials == 0:
        return float("nan"), float("nan"), float("nan")
    interval = binomtest(int(successes), int(trials)).proportion_ci(confidence, method="wilson")
    return successes / trials, float(interval.low), float(interval.high)


def sampled_decisions(project):
    """The decisions in force made on answers shown in random order: DataFrame (coder,
    answer_id, code, action), one row per coder, answer and code."""
    log = project.log()
    log = log[~log["undone"] & (log["ordering"] == RANDOM) & log["kind"].isin(["review", "verify"])]
    return log.drop_duplicates(["coder", "answer_id", "code"], keep="last")[["coder", "answer_id", "code", "action"]]


def estimated_quality(project, target=TARGET, confidence=CONFIDENCE):
    """Per code of the codebook: the sampled answers, the machine's precision and recall with
    their intervals (``precision_low`` ...), and ``leave_to_machine`` (both lower bounds reach
    ``target``). A DataFrame in codebook order."""
    decisions = sampled_decisions(project)
    counts = pd.crosstab(decisions["code"], decisions["action"]) if len(decisions) else pd.DataFrame()
    rows = []
    for code in project.code_ids:
        count = {action: int(counts.at[code, action]) if code in counts.index and action in counts.columns else 0
                 for action in ("accept", "reject", "add", "remove")}
        precision = wilson(count["accept"], count["accept"] + count["reject"], confidence)
        recall = wilson(count["accept"], count["accept"] + count["add"], confidence)
        rows.append({"code": code, "sampled": sum(count.values()), **count,
                     "precision": precision[0], "precision_low": precision[1], "precision_high": precision[2],
                     "recall": recall[0], "recall_low": recall[1], "recall_high": recall[2],
                     "leave_to_machine": bool(np.nan_to_num(min(precision[1], recall[1])) >= target)})
    return pd.DataFrame(rows)
