"""The analyst's loop: agreement metrics, evaluation against gold, confidence triage, the
active-learning queue and models trained on analyst-coded answers."""
from qualcode.learn.evaluate import AgreementReport, agree, compare, evaluate
from qualcode.learn.metrics import (code_metrics, cohen_kappa, confused_pairs, indicator,
                                    krippendorff_alpha, macro_f1, micro_f1)
from qualcode.learn.logistic import PriorLogisticRegression
from qualcode.learn.model import Features, ModelCoder, TrainedModel, train_from_gold
from qualcode.learn.queue import select_queue
from qualcode.learn.triage import ReviewFlag, certainty, decision_thresholds, needs_review, triage_curve

__all__ = ["AgreementReport", "Features", "ModelCoder", "PriorLogisticRegression", "ReviewFlag", "TrainedModel", "train_from_gold", "agree", "certainty", "code_metrics", "cohen_kappa", "compare",
           "confused_pairs", "decision_thresholds", "evaluate", "indicator", "krippendorff_alpha",
           "macro_f1", "micro_f1", "needs_review", "select_queue", "triage_curve"]
