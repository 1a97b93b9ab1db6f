"""Learn the neighbour counts that settle ambiguous folded words (`ar` är/år, `har` har/här).

Maintenance tool, not used at run time: it reads correctly spelt Swedish text and writes
`qualcode/language/data/context_counts.json`.

    python -m qualcode.language.build_context ../shared/data/real/absabank_imm/data.csv

The shipped counts were learned from the `train` split of ABSAbank-Imm (CC BY 4.0, Språkbanken
Text); the other real texts are kept for measuring them.
"""
from __future__ import annotations

import csv
import json
import sys
from collections import Counter, defaultdict

from qualcode.language.diacritics import CONTEXT_COUNTS_FILE, WORD, context_features, has_lost_diacritics
from qualcode.language.lexicon import fold, folded_index, frequency

MIN_COUNT = 3
MIN_RELATIVE_FREQUENCY = 0.01  # spellings rarer than 1% of the usual one are typos (`pa`, `ær`)


def learn_context_counts(texts) -> dict[str, dict[str, dict[str, int]]]:
    """Counts for the naive-Bayes choice between spellings of ambiguous folded words.

    Returns folded word -> {context feature -> {spelling -> count}}; the feature "" holds the
    spelling counts themselves. A word is kept when at least two of its spellings occur
    MIN_COUNT times in `texts`; a feature when it occurs MIN_COUNT times with the word.
    """
    counts: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for text in texts:
        words = [match.group().lower() for match in WORD.finditer(text)]
        if has_lost_diacritics(words):
            continue
        folded = [fold(word) for word in words]
        for index, word in enumerate(words):
            if not _is_spelling(word, folded[index]):
                continue
            for feature in context_features(folded, index):
                counts[folded[index]][feature][word] += 1
    return {
        key: {
            feature: dict(sorted(seen.items()))
            for feature, seen in sorted(features.items())
            if sum(seen.values()) >= MIN_COUNT
        }
        for key, features in counts.items()
        if sum(n >= MIN_COUNT for n in features[""].values()) >= 2
    }


def _is_spelling(word: str, key: str) -> bool:
    usual = folded_index().get(key)
    return bool(usual) and frequency(word) >= MIN_RELATIVE_FREQUENCY * frequency(usual[0])


def _read_texts(path: str):
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("split", "train") == "train":
                yield row["text"]


def main(paths: list[str]) -> None:
    """Learn rules from the `text` column of CSV files and write them to CONTEXT_COUNTS_FILE."""
    counts = learn_context_counts(text for path in paths for text in _read_texts(path))
    CONTEXT_COUNTS_FILE.write_text(json.dumps(counts, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(counts)} ambiguous words, {sum(map(len, counts.values()))} features -> {CONTEXT_COUNTS_FILE}")


if __name__ == "__main__":
    main(sys.argv[1:])
