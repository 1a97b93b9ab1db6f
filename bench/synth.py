"""Realistic Swedish answers at any scale, for benchmarks.

Sentences come from the shipped corpus and the real Swedish texts in ``../shared/data/real``
(reviews, forum posts, tweets: tens of thousands of distinct words, so caches do not flatter
the figures); each synthetic answer joins 1-4 of them, as survey answers do.
"""
import csv
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    ROOT / "corpora" / "norrbotten-2020" / "answers.csv",
    ROOT.parent / "shared" / "data" / "dev" / "responses.csv",
    *sorted((ROOT.parent / "shared" / "data" / "real").glob("*/data.csv")),
]
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentence_pool():
    """Every sentence of 3-60 words in the available sources."""
    pool = []
    for path in SOURCES:
        if not path.exists():
            continue
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                pool.extend(s for s in SENTENCE_END.split(row.get("text") or "") if 3 <= len(s.split()) <= 60)
    if not pool:
        raise SystemExit("no source texts found for synthetic answers")
    return pool


def make_answers(n, seed=0):
    """``n`` synthetic answers, deterministic for a seed."""
    rng = random.Random(seed)
    pool = sentence_pool()
    return [" ".join(rng.choice(pool) for _ in range(rng.choice((1, 1, 2, 2, 3, 4)))) for _ in range(n)]


def write_answers_csv(path, n, seed=0):
    """Write ``n`` synthetic answers as a CSV with id, respondent, question and text."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "respondent", "question", "text"])
        for number, text in enumerate(make_answers(n, seed), 1):
            writer.writerow([f"A{number:07d}", f"R{number // 3:07d}", f"f{number % 4 + 1}", text])
    return path
