"""Shared by the benchmarks: run a command in a child process and measure it.

Every figure comes from a fresh child process, so peak memory (the child's maximum resident
set size, from ``os.wait4``) is that of the measured run alone. The machine is shared, so
compare figures taken in the same run (ratios) before absolute ones.
"""
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CODEBOOK = ROOT / "codebooks" / "digital_maturity.yaml"

TOKENISE = """
import sys, pandas as pd, spacy
nlp = spacy.blank("sv")
texts = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)["text"].tolist()
sum(len(doc) for doc in nlp.tokenizer.pipe(texts, batch_size=1000))
"""


def measured(args, env=None, cwd=None):
    """Run ``args`` (in folder ``cwd``); return (seconds, peak resident memory in MB). Fails
    loudly on an error."""
    start = time.perf_counter()
    process = subprocess.Popen([str(a) for a in args], env={**os.environ, **(env or {})}, cwd=cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    error = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{error.decode(errors='replace')}")
    return seconds, usage.ru_maxrss / 1024


def fastest(run, repeat):
    """The fastest of ``repeat`` calls of ``run()`` (each returning (seconds, peak MB)): on a
    shared machine the other runs measure the neighbours, not the code."""
    return min((run() for _ in range(repeat)), key=lambda figures: figures[0])


def qualcode_code(answers, output, cache, *options, codebook=CODEBOOK, tree=None):
    """``qualcode code`` end to end (start-up, reading, coding, writing) with cache folder
    ``cache``; with ``tree``, the qualcode of that source tree (first on the Python path)."""
    args = [PYTHON, "-m", "qualcode", "code", answers, "--codebook", codebook, "-o", output, "-q", *options]
    return measured(args, {"QUALCODE_CACHE_DIR": str(cache), **({"PYTHONPATH": str(tree)} if tree else {})},
                    cwd=tree)  # `python -m` puts the working folder first on the path


def qualcode_report(answers, folder, cache, *options, codebook=CODEBOOK):
    """``qualcode report`` end to end (coding, counts, quotes, every report format) into ``folder``."""
    args = [PYTHON, "-m", "qualcode", "report", answers, "--codebook", codebook, "-o", folder, "-q", *options]
    return measured(args, {"QUALCODE_CACHE_DIR": str(cache)})


def bare_tokeniser(answers):
    """spacy.blank("sv")'s tokenizer over the text column of ``answers`` (start-up and reading included)."""
    return measured([PYTHON, "-c", TOKENISE, answers])


def substring_codes(texts, codebook):
    """An Excel-style matcher: a code applies when one of its keywords (lower-cased, quotes and
    a trailing * removed) occurs as a substring of the lower-cased answer."""
    keywords = {code.id: [k.lower().strip('"').rstrip("*") for k in code.keywords]
                for code in codebook.codes if code.status != "suggested"}
    return [[code for code, words in keywords.items() if any(w in low for w in words)]
            for low in (text.lower() for text in texts)]


def figure(label, seconds, peak_mb, baseline=None):
    """One line of a benchmark table."""
    ratio = f"{seconds / baseline:7.1f}x" if baseline else " " * 8
    return f"{label:<44} {seconds:9.1f} s {peak_mb:9.0f} MB {ratio}"


SUBSTRING = """
import sys
sys.path.insert(0, sys.argv[3])
import pandas as pd
from measure import substring_codes
from qualcode.codebook import load_codebook
texts = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)["text"].tolist()
codes = substring_codes(texts, load_codebook(sys.argv[2]))
"""


def substring_matcher(answers, codebook=CODEBOOK):
    """The Excel-style matcher over the text column of ``answers``, start-up and reading included."""
    return measured([PYTHON, "-c", SUBSTRING, answers, codebook, Path(__file__).resolve().parent])
