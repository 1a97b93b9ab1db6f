"""The Swedish lexicon: word frequencies from `wordfreq` and a diacritic-folded index.

Loaded lazily once per process (about 0.5 s, 340,000 words).
"""
from __future__ import annotations

from functools import lru_cache

from wordfreq import get_frequency_dict

# The longest word the searches over the lexicon (compound splitting, diacritic restoration) look
# into; longer "words" (laughter typed without spaces, pasted junk) are left as they are: no
# compound is that long, and the searches grow with the square of the length or recurse per letter.
MAX_WORD_LENGTH = 64

_FOLDS = {"a": "åäàáâãæ", "o": "öøòóôõ", "e": "éèêë", "u": "üúùû", "i": "íìîï", "c": "ç", "n": "ñ"}
_FOLD_TABLE = str.maketrans({accented: plain for plain, group in _FOLDS.items() for accented in group})


def fold(text: str) -> str:
    """Lower-case `text` and fold its diacritics: `fold("Förändring") == "forandring"`."""
    return text.lower().translate(_FOLD_TABLE)


@lru_cache(maxsize=1)
def frequencies() -> dict[str, float]:
    """Swedish word -> frequency (wordfreq's "best" list, lower-case, NFC)."""
    return get_frequency_dict("sv", wordlist="best")


@lru_cache(maxsize=1)
def folded_index() -> dict[str, tuple[str, ...]]:
    """Folded word -> the lexicon words that fold to it, most frequent first."""
    groups: dict[str, list[str]] = {}
    for word in frequencies():  # wordfreq lists words from most to least frequent
        if word.isalpha():
            groups.setdefault(fold(word), []).append(word)
    return {key: tuple(words) for key, words in groups.items()}


def frequency(word: str) -> float:
    """Frequency of a lower-case word, 0.0 when the lexicon does not have it."""
    return frequencies().get(word, 0.0)


MIN_KNOWN_FREQUENCY = 1e-7


def is_known_word(word: str, min_frequency: float = MIN_KNOWN_FREQUENCY) -> bool:
    """Whether the lower-case `word` is a Swedish word in common use."""
    return frequency(word) >= min_frequency
