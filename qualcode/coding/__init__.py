"""Coding answers against a codebook: lexical and semantic matching, self-training, fusion."""
from qualcode.coding.coded import CodedAnswers, read_coded
from qualcode.coding.coder import Coder, FusionWeights, code_thresholds
from qualcode.coding.result import CodingResult, Evidence, Match, Nearest, Span, join_codes, split_codes
from qualcode.coding.table import code_table, coded_frame, coding_metadata

__all__ = ["CodedAnswers", "Coder", "CodingResult", "Evidence", "FusionWeights", "Match", "Nearest", "Span",
           "code_table", "code_thresholds", "coded_frame", "coding_metadata", "join_codes", "read_coded",
           "split_codes"]
