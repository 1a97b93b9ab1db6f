"""Swedish lemmas: simplemma (lang="sv", greedy) with a per-word cache and an override table."""
from __future__ import annotations

import simplemma

from qualcode.language.lexicon import frequency

NOUN_OVER_VERB_RATIO = 5

# Known simplemma errors on words that matter in survey answers (form -> lemma).
LEMMA_OVERRIDES = {
    "it": "it",  # simplemma: "se"
    "ska": "ska",  # simplemma: "skola", which would collide with the noun "skola"
    "skall": "ska",
    "skulle": "ska",
    "sin": "sin",  # simplemma: "sig" / "sitta"
    "sitt": "sin",
    "sina": "sin",
    "beslutet": "beslut",  # simplemma: "besluten" / "besluta"
    "besluten": "beslut",
    "saknades": "sakna",  # simplemma: "saknas"
    "flera": "flera",  # simplemma: "många"
}

_cache: dict[str, str] = {}


def lemmatise(word: str) -> str:
    """The lower-case lemma of one Swedish word: `lemmatise("kommunerna") == "kommun"`."""
    lower = word.lower()
    lemma = _cache.get(lower)
    if lemma is None:
        lemma = LEMMA_OVERRIDES.get(lower) or _simplemma_lemma(lower)
        _cache[lower] = lemma
    return lemma


def _simplemma_lemma(lower: str) -> str:
    """simplemma's lemma, except that a noun is not turned into a much rarer verb
    (`brist` -> `brista`, `plan` -> `plana`; but `gör` -> `göra`, `var` -> `vara`)."""
    lemma = simplemma.lemmatize(lower, lang="sv", greedy=True).lower()
    if lemma == lower + "a" and frequency(lower) > NOUN_OVER_VERB_RATIO * frequency(lemma):
        return lower
    return lemma
