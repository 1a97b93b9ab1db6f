"""Codebooks: the :class:`Codebook` / :class:`Code` model, YAML loading with validation,
diffs between versions, a starter template and REFI-QDA exchange."""
from qualcode.codebook.loader import load_codebook, parse_codebook_text
from qualcode.codebook.model import Code, Codebook

__all__ = ["Code", "Codebook", "load_codebook", "parse_codebook_text"]
