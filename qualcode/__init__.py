"""qualcode: qualitative coding of free-text survey answers, Swedish first.

    import qualcode as qc
    coded = qc.code(df, "codebook.yaml", text="svar")
    qc.counts(coded, by="kommun"); qc.quotes(coded); qc.report(coded, "out/")
    project = qc.Project("survey.qcproj")   # a review project: the analysts' decisions

The names below load their modules on first use, so ``import qualcode`` stays light.
"""
import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "code": "qualcode.api", "counts": "qualcode.api", "quotes": "qualcode.api", "report": "qualcode.api",
    "coded_answers": "qualcode.api", "load_codebook": "qualcode.api", "Project": "qualcode.api",
    "open_project": "qualcode.api",
    "read_answers": "qualcode.io", "read_coded": "qualcode.coding",
    "Coder": "qualcode.coding", "CodedAnswers": "qualcode.coding", "CodingResult": "qualcode.coding",
    "Evidence": "qualcode.coding", "Codebook": "qualcode.codebook", "TrainedModel": "qualcode.learn",
}


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'qualcode' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_EXPORTS])


__all__ = ["__version__", *_EXPORTS]
