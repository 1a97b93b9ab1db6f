"""Restoring å, ä and ö in text that lost them (typed without them, or OCR'd like `&r`, `6kad`).

Each word is replaced by the most frequent Swedish spelling that folds to the same letters
(wordfreq's list). OCR confusions (`&`, `é`, `6`, `1`, `d`→ä/å/ö ...) are tried for words the
lexicon does not know, compounds and inflections wordfreq lacks are restored part by part,
and words with several spellings (`ar` är/år, `har` har/här, `man` man/män, `var` var/vår)
are settled by their neighbouring words: naive Bayes over neighbour counts learned from
correct Swedish text (`data/context_counts.json`, made by `build_context.py`).
"""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from itertools import product
from pathlib import Path

from qualcode.language.lexicon import MAX_WORD_LENGTH, fold, folded_index, frequency

WORD = re.compile(r"[^\W_]+(?:&[^\W_]*)*|&[^\W_]+|[^\W\d_]+&")
SWEDISH_DIACRITICS = frozenset("åäöÅÄÖ")
MIN_CANDIDATE_FREQUENCY = 1e-7
RARE_WORD_FREQUENCY = 1e-6  # a known word rarer than this ...
OCR_OVER_RARE_WORD = 1000  # ... is read as the word OCR confusions give if that is this much more frequent
MAX_OCR_CANDIDATES = 256
MIN_PART_FREQUENCY = 1e-6
INFLECTION_ENDINGS = frozenset(
    "en et na n t ar er or arna erna orna ens ets nas arnas ernas ornas ade ad at it de te".split()
)
CONTEXT_COUNTS_FILE = Path(__file__).with_name("data") / "context_counts.json"
SHRINKAGE = 5  # pseudo-count pulling a neighbour's likelihood towards its base rate
# A text that still has some å/ä/ö (OCR that lost them in most words) is restored when at least
# MIN_DAMAGED_WORDS of its other words are spellings at most DAMAGED_RATIO as frequent as their
# restored form (`pa` 0.002 of `på`, `fragan`, `&r`; not `sa`, 0.04 of `så`, nor `har`).
MIN_DAMAGED_WORDS = 1
DAMAGED_RATIO = 0.02
# OCR confusions seen in scanned Swedish reports, in folded space (ä, å -> a; ö -> o).
_OCR_MARK_OPTIONS = {"&": "a", "é": "aoe", "6": "o", "1": "l"}
_OCR_MARKS = frozenset(_OCR_MARK_OPTIONS)
_OCR_LETTER_OPTIONS = {"d": "ao", "a": "o", "i": "a"}
_OCR_SEQUENCES = (("éa", "a"), ("éi", "a"))  # `enkéaten`, `tillréicklig`
_OCR_WORDS = {"dr": "är"}  # OCR of "är" that is also a (rare) word
_SAID_SUBJECTS = frozenset("jag du han hon vi ni de dom man och".split())
_HAVE_SUBJECTS = frozenset("det den dem de dom vi ni".split())



@lru_cache(maxsize=1)
def context_counts() -> dict[str, dict[str, dict[str, int]]]:
    """Folded word -> {neighbour feature -> {spelling -> count}}, learned by `build_context.py`."""
    return json.loads(CONTEXT_COUNTS_FILE.read_text(encoding="utf-8"))


def has_lost_diacritics(words: list[str]) -> bool:
    """Whether a text (its words) was written without å/ä/ö: it has none, and at least one of
    its words is usually spelt with them (`ar`, `for`, `pa`, `fragan` ...)."""
    damage = list(map(word_damage, words))
    return KEPT not in damage and any(kind >= LOST for kind in damage)


KEPT, FINE, LOST, DAMAGED = -1, 0, 1, 2  # what word_damage says of a word


def word_damage(word: str) -> int:
    """KEPT: the word has å/ä/ö; LOST: its usual spelling has them (`for`, `sa`); DAMAGED: and
    it is at most DAMAGED_RATIO as frequent as that spelling (`pa`, `fragan`, `&r`); else FINE."""
    if not SWEDISH_DIACRITICS.isdisjoint(word):
        return KEPT
    lower = word.lower()
    spelling = best_spelling(lower)
    if SWEDISH_DIACRITICS.isdisjoint(spelling):
        return FINE
    return DAMAGED if frequency(lower) <= DAMAGED_RATIO * frequency(spelling) else LOST


def needs_restoration(damage: list[int]) -> bool:
    """Whether a text lost its å/ä/ö, from the `word_damage` of its words: it has none and one
    word is LOST (see `has_lost_diacritics`), or it kept some (OCR that lost the letters in most
    words) but MIN_DAMAGED_WORDS are DAMAGED."""
    if KEPT not in damage:
        return any(kind >= LOST for kind in damage)
    return damage.count(DAMAGED) >= MIN_DAMAGED_WORDS


def restore_diacritics(text: str) -> str:
    """Put back å, ä and ö in a text that lost them (see `needs_restoration`); words that have
    them, and texts that did not lose them, are returned unchanged."""
    words = [match.group() for match in WORD.finditer(text)]
    if not needs_restoration(list(map(word_damage, words))):
        return text
    restored = iter(restore_words(words))
    return WORD.sub(lambda match: next(restored), text)


def restore_words(words: list[str]) -> list[str]:
    """Restore each word of a sentence or text, using its neighbours for the hard pairs; a word
    that has å/ä/ö is kept as it is."""
    folded = [fold(word) for word in words]
    return [
        word if not SWEDISH_DIACRITICS.isdisjoint(word) else with_case(word, _restore_in_context(word.lower(), folded, index))
        for index, word in enumerate(words)
    ]


def context_features(folded: list[str], index: int) -> list[str]:
    """The spelling itself ("") and the folded neighbours of word `index` ("^"/"$" at the ends)."""
    before = folded[index - 1] if index else "^"
    after = folded[index + 1] if index + 1 < len(folded) else "$"
    return ["", "<" + before, ">" + after]


def _neighbour_rule(folded: list[str], index: int) -> str | None:
    """Function-word contexts the learned counts miss, or None. Measured on reviews, tweets
    and forum posts outside the test slices: `<subject> sa att` is "sa" (said) 116 times of
    122, `<pronoun> har <supine in -at/-it>` is "har" 224 times of 225."""
    before = folded[index - 1] if index else ""
    after = folded[index + 1] if index + 1 < len(folded) else ""
    if folded[index] == "sa" and before in _SAID_SUBJECTS and after == "att":
        return "sa"
    supine = len(after) >= 5 and after.endswith(("at", "it"))
    if folded[index] == "har" and before in _HAVE_SUBJECTS and supine:
        return "har"
    return None


def _restore_in_context(lower: str, folded: list[str], index: int) -> str:
    """A neighbour rule, else a naive-Bayes choice among the spellings of an ambiguous word
    (prior: wordfreq; neighbour likelihoods: context_counts(), shrunk towards the neighbour's
    base rate), else the most frequent spelling."""
    rule = _neighbour_rule(folded, index)
    if rule:
        return rule
    counts = context_counts().get(folded[index])
    usual = best_spelling(lower)
    if not counts or usual not in counts[""]:
        return usual
    totals = counts[""]
    occurrences = sum(totals.values())
    scores = {spelling: math.log(frequency(spelling)) for spelling in totals}
    for feature in context_features(folded, index)[1:]:
        seen = counts.get(feature)
        if seen:
            base_rate = SHRINKAGE * sum(seen.values()) / occurrences
            for spelling, total in totals.items():
                scores[spelling] += math.log((seen.get(spelling, 0) + base_rate) / (total + SHRINKAGE))
    return max(scores, key=scores.get)


def with_case(original: str, restored: str) -> str:
    """`restored` in the case of `original` (`Pa` -> `På`, `AR` -> `ÄR`)."""
    if original.isupper() and sum(char.isalpha() for char in original) > 1:
        return restored.upper()
    if original[0].isupper():
        return restored[0].upper() + restored[1:]
    return restored


@lru_cache(maxsize=200_000)
def best_spelling(lower: str) -> str:
    """The most likely correct spelling of one lower-case word written without diacritics."""
    if len(lower) > MAX_WORD_LENGTH:
        return lower  # no word is that long, and the searches below grow with its square
    if SWEDISH_DIACRITICS.intersection(lower) or frequency(lower) and _OCR_MARKS.intersection(lower):
        return lower
    if lower in _OCR_WORDS:
        return _OCR_WORDS[lower]
    if "-" in lower:
        return "-".join(best_spelling(piece) if piece else piece for piece in lower.split("-"))
    if not _OCR_MARKS.intersection(lower) or not any(char.isalpha() for char in lower):
        spellings = folded_index().get(fold(lower))
        if spellings and frequency(spellings[0]) >= RARE_WORD_FREQUENCY:
            return spellings[0]
        if spellings and frequency(spellings[0]) >= MIN_CANDIDATE_FREQUENCY:
            # a rare word may be OCR of a common one (`ndr` for `när`, `dven` for `även`)
            ocr = _ocr_spelling(lower)
            common = ocr and frequency(ocr) >= OCR_OVER_RARE_WORD * frequency(spellings[0])
            return ocr if common else spellings[0]
        if not lower.isalpha():
            return lower
    return _ocr_spelling(lower) or _compound_spelling(fold(lower)) or _ocr_compound_spelling(lower) or lower


def _ocr_spelling(lower: str) -> str | None:
    """The most frequent known word reachable through OCR confusions, or None.

    OCR marks (`&`, `é`, `6`, `1`) are always replaced; of the ordinary letters that OCR
    confuses with å, ä, ö (`d`, `a`, `i`) at most one is."""
    marks = _ocr_marks(lower)
    best, best_frequency = None, MIN_CANDIDATE_FREQUENCY
    for letters in _ocr_variants(marks):
        spellings = folded_index().get("".join(letters))
        if spellings and frequency(spellings[0]) > best_frequency:
            best, best_frequency = spellings[0], frequency(spellings[0])
    return best


def _ocr_compound_spelling(lower: str) -> str | None:
    """A word with OCR marks that wordfreq lacks (a compound, an inflection), restored part by
    part (`personalomséttning`, `vélférdsteknik`), or None. Only the marks are resolved: an
    ordinary letter changed too finds a wrong compound as often as the right one."""
    marks = _ocr_marks(lower)
    if not _OCR_MARKS.intersection(lower) or math.prod(map(len, marks)) > MAX_OCR_CANDIDATES:
        return None
    for letters in product(*marks):
        spelling = _compound_spelling("".join(letters))
        if spelling:
            return spelling
    return None


def _ocr_marks(lower: str) -> list[str]:
    """Per letter of an OCR'd word, the folded letters it may stand for."""
    for sequence, replacement in _OCR_SEQUENCES:
        lower = lower.replace(sequence, replacement)
    return [_OCR_MARK_OPTIONS.get(char, fold(char)) for char in lower]


def _ocr_variants(marks: list[str]):
    """Letter sequences with every OCR mark resolved and at most one ordinary letter changed."""
    if math.prod(len(options) for options in marks) > MAX_OCR_CANDIDATES:
        return
    for letters in product(*marks):
        yield letters
        for index, letter in enumerate(letters):
            for option in _OCR_LETTER_OPTIONS.get(letter, ""):
                yield letters[:index] + (option,) + letters[index + 1:]


@lru_cache(maxsize=100_000)
def _compound_spelling(key: str, depth: int = 3) -> str | None:
    """Restore an unknown folded word part by part: a compound (`forandringsprocesser`) or an
    inflection wordfreq lacks (`forvaltningarna`); None when no split is found."""
    spellings = folded_index().get(key)
    if spellings and frequency(spellings[0]) >= MIN_PART_FREQUENCY:
        return spellings[0]
    if depth == 1:
        return None
    for end in range(len(key) - 2, 2, -1):
        head = folded_index().get(key[:end])
        if not head or frequency(head[0]) < MIN_PART_FREQUENCY:
            continue
        if key[end:] in INFLECTION_ENDINGS:
            return head[0] + key[end:]
        for link in ("", "s", "e"):
            if key.startswith(link, end):
                tail = _compound_spelling(key[end + len(link):], depth - 1)
                if tail:
                    return head[0] + link + tail
    return None
