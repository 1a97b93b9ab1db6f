"""Coding answers against a codebook: lexical and semantic matching, self-training, fusion."""
from qualcode.coding.coder import Coder, CodingResult, FusionWeights, code_thresholds
from qualcode.coding.table import code_table, coded_frame, coding_metadata

__all__ = ["Coder", "CodingResult", "FusionWeights", "code_thresholds", "code_table", "coded_frame", "coding_metadata"]
