"""Throughput of the Swedish language layer against spaCy's bare Swedish tokenizer.

    .venv/bin/python bench/language.py            # 100,000 answers
    .venv/bin/python bench/language.py --n 10000

Answers are recombined from the sentences of the real Swedish texts in ../shared/data/real
(1-4 sentences each, tens of thousands of distinct words, so per-word caches do not flatter
the figure). Both runs see the same texts in the same process; the full layer is
`analyse()` plus reading every token's lemma, folded forms, compound parts and stop flag.
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


def time_full_layer(texts: list[str]) -> tuple[float, int]:
    """(seconds, tokens) for analyse() with every token attribute read once."""
    start = time.perf_counter()
    tokens = 0
    for doc in analyse(texts, batch_size=256):
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

    results = {"bare tokenizer": time_bare_tokenizer(answers), "full layer": time_full_layer(answers)}
    for name, (seconds, tokens) in results.items():
        print(f"{name:>15}: {len(answers) / seconds:9,.0f} answers/s {tokens / seconds:11,.0f} tokens/s"
              f" ({seconds:.1f} s)")
    ratio = results["bare tokenizer"][0] / results["full layer"][0]
    print(f"full layer / bare tokenizer speed: {ratio:.2f} (target >= 0.30)")


if __name__ == "__main__":
    main()
