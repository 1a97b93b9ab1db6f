"""Swedish lemmas: simplemma (lang="sv", greedy) with a per-word cache and an override table.

Abbreviations inflected after a colon (`API:er`, `TV:n`) lemmatise to the abbreviation, and
upper-case acronyms the lexicon hardly knows (`DIGG`) are not lemmatised (`is_acronym`).
"""
from __future__ import annotations

import simplemma

from qualcode.language.lexicon import frequency

NOUN_OVER_VERB_RATIO = 5
ACRONYM_MAX_FREQUENCY = 1e-5  # an upper-case word rarer than this (lower-cased) is an acronym
BASE_FORM_ENDINGS = ("en", "et", "n", "er", "ar", "ens", "ets")
BASE_FORM_SHARE = 0.3  # measured: vakans 0.48, router 0.47, vits 1.6; saknas 0.12, våra 0.06
COLON_ENDINGS = frozenset("n en et er erna ar arna or orna na s ns ens ets ers t".split())

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
    "vår": "vår",  # possessives, simplemma: "vi" / "de"
    "vårt": "vår",
    "våra": "vår",
    "deras": "deras",
    "sparar": "spara",  # simplemma: "sparare"
    "drog": "dra",  # past tenses that are also nouns in use (see _is_base_form_in_use)
    "återstod": "återstå",
    "planet": "plan",
}

_cache: dict[str, str] = {}


def is_acronym(word: str) -> bool:
    """Whether `word` is an upper-case acronym to keep as it is: `DIGG`, not `BRA` or `A`."""
    letters = sum(char.isalpha() for char in word)
    return letters > 1 and word.isupper() and frequency(word.lower()) < ACRONYM_MAX_FREQUENCY


def lemmatise(word: str) -> str:
    """The lower-case lemma of one Swedish word: `lemmatise("kommunerna") == "kommun"`."""
    lower = word.lower()
    if is_acronym(word):
        return lower
    lemma = _cache.get(lower)
    if lemma is None:
        lemma = LEMMA_OVERRIDES.get(lower) or _colon_lemma(lower) or _simplemma_lemma(lower)
        _cache[lower] = lemma
    return lemma


def _colon_lemma(lower: str) -> str | None:
    """`api:erna` -> `api`: an abbreviation with its inflection after a colon; else None."""
    head, colon, ending = lower.partition(":")
    return head if colon and head.isalpha() and ending in COLON_ENDINGS else None


def _simplemma_lemma(lower: str) -> str:
    """simplemma's lemma, except that a noun is not turned into a much rarer verb
    (`brist` -> `brista`, `plan` -> `plana`; but `gör` -> `göra`, `var` -> `vara`) nor into
    another word when it is a base form in use itself (`router`, `vits`, `dator`, `gräns`)."""
    lemma = simplemma.lemmatize(lower, lang="sv", greedy=True).lower()
    if lemma == lower + "a" and frequency(lower) > NOUN_OVER_VERB_RATIO * frequency(lemma):
        return lower
    if lemma != lower and _is_base_form_in_use(lower):
        return lower
    return lemma


def _is_base_form_in_use(lower: str) -> bool:
    """Whether simplemma's dictionary gives `lower` inflected forms (`routern`, `vitsen`) that
    together occur at least BASE_FORM_SHARE as often as `lower` itself in wordfreq."""
    own = frequency(lower)
    if not own:
        return False
    forms = {lower + ending: frequency(lower + ending) for ending in BASE_FORM_ENDINGS}
    in_use = sum(freq for form, freq in forms.items()
                 if freq and simplemma.lemmatize(form, lang="sv") == lower)
    return in_use >= BASE_FORM_SHARE * own
