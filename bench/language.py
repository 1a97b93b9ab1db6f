"""Throughput of the Swedish language layer against spaCy's bare Swedish tokenizer.

    .venv/bin/python bench/language.py            # 100,000 answers
    .venv/bin/python bench/language.py --n 10000

Answers are recombined from the sentences of the real Swedish texts in ../shared/data/real
(1-4 sentences each, tens of thousands of distinct words, so per-word caches do not flatter
the figure). All runs see the same texts in the same process: the bare tokenizer, the full
layer `analyse()` (normalisation, sentences, diacritics, lemmas; caches cold), and `analyse()`
again while reading every token's lemma, folded forms, compound parts and stop flag (the
parts are computed on first read, so this line includes compound splitting).
"""
from __future__ import annotations

import argparse
import csv
import random
import re
import time
from pathlib import Path

import spacy

from qualcode.language import analyse, get_nlp

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def real_sentences(folder: Path = REAL) -> list[str]:
    """Every sentence of every real text (`data.csv`, column `text`)."""
    sentences = []
    for path in sorted(folder.glob("*/data.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                sentences += [s for s in SENTENCE_END.split(row["text"]) if s.strip()]
    return sentences


def make_answers(sentences: list[str], n: int, seed: int = 0) -> list[str]:
    """`n` answers of 1-4 random sentences each."""
    rng = random.Random(seed)
    return [" ".join(rng.choices(sentences, k=rng.randint(1, 4))) for _ in range(n)]


def time_bare_tokenizer(texts: list[str]) -> tuple[float, int]:
    """(seconds, tokens) for spacy.blank("sv") over `texts`."""
    nlp = spacy.blank("sv")
    start = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=256))
    return time.perf_counter() - start, tokens


def time_analyse(texts: list[str], read_attributes: bool) -> tuple[float, int]:
    """(seconds, tokens) for analyse(), optionally reading every token attribute once."""
    start = time.perf_counter()
    tokens = 0
    for doc in analyse(texts, batch_size=256):
        if read_attributes:
            for token in doc:
                token.lemma_, token._.folded, token._.folded_lemma, token._.parts, token.is_stop
        tokens += len(doc)
    return time.perf_counter() - start, tokens


def main() -> None:
    """Run both measurements and print answers/s, tokens/s and the speed ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of answers (default 100000)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    answers = make_answers(real_sentences(), args.n, args.seed)
    distinct = len({word.lower() for text in answers for word in re.findall(r"\w+", text)})
    words = sum(len(re.findall(r"\w+", text)) for text in answers)
    print(f"{len(answers):,} answers, {words / len(answers):.1f} words each, {distinct:,} distinct words")

    start = time.perf_counter()
    get_nlp()
    print(f"pipeline built in {time.perf_counter() - start:.1f} s (once per process, not counted)")

    results = {
        "bare tokenizer": time_bare_tokenizer(answers),
        "analyse()": time_analyse(answers, read_attributes=False),
        "+ attributes": time_analyse(answers, read_attributes=True),
    }
    bare_seconds = results["bare tokenizer"][0]
    for name, (seconds, tokens) in results.items():
        print(f"{name:>15}: {len(answers) / seconds:9,.0f} answers/s {tokens / seconds:11,.0f} tokens/s"
              f" ({seconds:.1f} s, {bare_seconds / seconds:.2f} of the bare tokenizer's speed)")
    print("target: analyse() at >= 0.30 of the bare tokenizer's speed")


if __name__ == "__main__":
    main()
