"""The spaCy pipeline: `spacy.blank("sv")` and the qualcode components.

Components (registered by name, one job each, run in this order):
- `qualcode_sentencizer`: sentence starts, by spaCy's Sentencizer rule, on arrays;
- `qualcode_restore_diacritics`: puts å/ä/ö back into `token.norm_` (the lower-case form) in
  texts that lost them (`doc._.diacritics_restored` says whether it did);
- `qualcode_lemmatiser`: sets `token.lemma_` from `token.norm_` (simplemma + overrides).
Token extensions `folded`, `folded_lemma` and `parts` are getters over per-word caches keyed
by the StringStore hash of `token.norm_` / `token.lemma_`, so reading them is a dict lookup.
Components work on `doc.to_array` hashes where they can: creating Token objects is the cost.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from operator import attrgetter

import numpy
import spacy
from spacy.attrs import IS_PUNCT, IS_STOP, LEMMA, NORM, ORTH, SENT_START
from spacy.lang.sv.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc, Token
from spacy.util import compile_prefix_regex, compile_suffix_regex

from qualcode.language.compounds import split_compound
from qualcode.language.diacritics import (
    WORD, best_spelling, needs_restoration, restore_words, with_case, word_damage,
)
from qualcode.language.lemmas import is_acronym, lemmatise
from qualcode.language.lexicon import fold
from qualcode.language.normalise import Normalised, normalise_with_offsets

# Abbreviations spaCy's Swedish tokenizer splits; each is also added capitalised.
ABBREVIATIONS = ("ca.", "st.", "fr.a.", "jfr.", "jmf.", "mfl.", "tex.", "nr.", "tkr.", "mkr.", "mnkr.")
MISSING_STOP_WORDS = frozenset({"är"})
SENTENCE_END_CHARS = Sentencizer.default_punct_chars + ["\n\n"]  # a blank line ends a sentence
_LETTER_AFTER = r"(?![^\W\d_])"
_LETTER_BEFORE = r"(?<![^\W\d_])"


class StringMap:
    """f(string) cached per StringStore hash: `StringMap(strings, fold)(token.norm)`."""

    def __init__(self, strings, function):
        self.strings, self.function, self.cache = strings, function, {}

    def __call__(self, key: int):
        value = self.cache.get(key)
        if value is None:
            value = self.cache[key] = self.function(self.strings[key])
        return value

    def many(self, keys: list[int]) -> list:
        """f for each key; set and dict operations keep the per-token work in C."""
        cache = self.cache
        for key in set(keys).difference(cache):
            cache[key] = self.function(self.strings[key])
        return list(map(cache.__getitem__, keys))


@Language.factory("qualcode_sentencizer", default_config={"punct_chars": None})
def make_sentencizer(nlp: Language, name: str, punct_chars: list[str] | None):
    """spaCy's Sentencizer rule (a sentence ends after a run of `punct_chars` and punctuation)
    on `doc.to_array`: spaCy's own creates a Token object per token, which took a quarter of
    analyse() time. Default `punct_chars`: spaCy's, plus a blank line."""
    punct = {nlp.vocab.strings.add(char) for char in punct_chars or SENTENCE_END_CHARS}

    def sentencizer(doc: Doc) -> Doc:
        if not len(doc):
            return doc
        starts, seen_end = [-1] * len(doc), False
        for index, (orth, is_punct) in enumerate(doc.to_array([ORTH, IS_PUNCT]).tolist()):
            if orth in punct:
                seen_end = True
            elif seen_end and not is_punct:
                starts[index], seen_end = 1, False
        starts[0] = 1
        return doc.from_array([SENT_START], numpy.array(starts, dtype="int64").astype("uint64"))

    return sentencizer


@Language.factory("qualcode_restore_diacritics")
def make_diacritics_restorer(nlp: Language, name: str):
    """Put å/ä/ö back into `token.norm_` (lower case) where a text lost them (all of them, or
    most, see `needs_restoration`), and set `doc._.diacritics_restored`. Other texts, and
    words that kept their letters, keep spaCy's norm, the lower-case form."""
    damage = StringMap(nlp.vocab.strings, word_damage)

    def restore_diacritics(doc: Doc) -> Doc:
        if not needs_restoration(damage.many(doc.to_array(ORTH).tolist())):
            return doc
        doc._.diacritics_restored = True
        words = [token for token in doc if WORD.search(token.text)]
        for token, spelling in zip(words, restore_words([token.text for token in words])):
            token.norm_ = spelling.lower()
        return doc

    return restore_diacritics


@Language.factory("qualcode_lemmatiser")
def make_lemmatiser(nlp: Language, name: str):
    """Set `token.lemma_` (lower case) from `token.norm_` (simplemma + overrides), per word
    once; an acronym (`DIGG`, see `is_acronym`) keeps its norm as its lemma."""
    lemma_hash = StringMap(nlp.vocab.strings, lambda norm: nlp.vocab.strings.add(lemmatise(norm)))
    acronym = StringMap(nlp.vocab.strings, is_acronym)

    def lemmatiser(doc: Doc) -> Doc:
        orths, norms = doc.to_array([ORTH, NORM]).T.tolist() if len(doc) else ([], [])
        lemmas = [norm if keep else lemma for norm, lemma, keep
                  in zip(norms, lemma_hash.many(norms), acronym.many(orths))]
        return doc.from_array([LEMMA], numpy.array(lemmas, dtype="uint64")) if lemmas else doc

    return lemmatiser


def _register_extensions(nlp: Language) -> None:
    """Doc: normalisation (a Normalised), diacritics_restored, repaired, source, source_offset(i),
    source_span(start, end). Token: folded, folded_lemma, parts."""
    Doc.set_extension("normalisation", default=None, force=True)
    Doc.set_extension("diacritics_restored", default=False, force=True)
    Doc.set_extension("repaired", getter=_repaired, force=True)
    Doc.set_extension("source", getter=_source, force=True)
    Doc.set_extension("source_offset", method=_source_offset, force=True)
    Doc.set_extension("source_span", method=_source_span, force=True)
    Token.set_extension("folded", getter=_cached_getter(nlp, fold, "norm"), force=True)
    Token.set_extension("folded_lemma", getter=_cached_getter(nlp, fold, "lemma"), force=True)
    Token.set_extension("parts", getter=_cached_getter(nlp, split_compound, "norm"), force=True)


def _cached_getter(nlp: Language, function, attribute: str):
    """A token getter for function(token.<attribute>_), computed once per distinct string."""
    compute = StringMap(nlp.vocab.strings, function)
    cache = compute.cache
    key = attrgetter(attribute)

    def getter(token: Token):
        value = cache.get(key(token))
        return compute(key(token)) if value is None else value

    return getter


def _repaired(doc: Doc) -> str:
    """`doc.text` with the spellings the restorer put back (`Det &r svart` -> `Det är svårt`)."""
    if not doc._.diacritics_restored:
        return doc.text
    return repaired_text(doc)


def repaired_text(tokens) -> str:
    """The text of ``tokens`` (a Doc or a Span of one) with the spellings the restorer put back."""
    return "".join((token.text if token.norm_ == token.lower_ else with_case(token.text, token.norm_))
                   + token.whitespace_ for token in tokens)


def _source(doc: Doc) -> str:
    normalisation: Normalised | None = doc._.normalisation
    return doc.text if normalisation is None else normalisation.source


def _source_offset(doc: Doc, index: int) -> int:
    normalisation: Normalised | None = doc._.normalisation
    return index if normalisation is None else normalisation.source_offset(index)


def _source_span(doc: Doc, start: int, end: int) -> tuple[int, int]:
    normalisation: Normalised | None = doc._.normalisation
    return (start, end) if normalisation is None else normalisation.source_span(start, end)


def _customise_tokenizer(nlp: Language) -> None:
    """Keep OCR'd words with `&` whole (`&r`, `P&`) and more abbreviations with their dot."""
    prefixes = [p for p in nlp.Defaults.prefixes if p != "&"] + ["&" + _LETTER_AFTER]
    suffixes = [s for s in nlp.Defaults.suffixes if s != "&"] + [_LETTER_BEFORE + "&"]
    nlp.tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    for abbreviation in ABBREVIATIONS:
        for form in (abbreviation, abbreviation.capitalize()):
            nlp.tokenizer.add_special_case(form, [{"ORTH": form}])


def _add_stop_words(nlp: Language) -> None:
    """Stop words: spaCy's Swedish list, `är` (missing from it) and the spellings they have
    without diacritics (`ar`, `pa`, `nar` ...), in any case."""
    words = STOP_WORDS | MISSING_STOP_WORDS
    stop_words = words | {fold(w) for w in words if best_spelling(fold(w)) == w}
    nlp.vocab.lex_attr_getters[IS_STOP] = lambda string: string.lower() in stop_words
    for lexeme in nlp.vocab:
        lexeme.is_stop = lexeme.lower_ in stop_words


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The qualcode Swedish pipeline, built once per process."""
    nlp = spacy.blank("sv")
    _register_extensions(nlp)
    _customise_tokenizer(nlp)
    _add_stop_words(nlp)
    nlp.add_pipe("qualcode_sentencizer")
    nlp.add_pipe("qualcode_restore_diacritics")
    nlp.add_pipe("qualcode_lemmatiser")
    _load_word_lists()
    return nlp


def _load_word_lists() -> None:
    """Load the lexicon, simplemma's tables and the compound scores now, not on first use."""
    split_compound("kompetensutveckling")
    restore_words(["fragan"])


def analyse(texts: Iterable[str], batch_size: int = 256) -> Iterator[Doc]:
    """Normalise each text and run the pipeline over all of them (`nlp.pipe`, one process).

    Yields one Doc per text, in order; `doc._.source` is the original text,
    `doc._.source_offset(i)` maps an offset in `doc.text` back to it and
    `doc._.source_span(start, end)` maps a span (use it for evidence: it leaves out deleted
    tags and soft hyphens at the span's end). A missing text (None, NaN) gives an empty Doc.
    """
    nlp = get_nlp()
    normalised = (normalise_with_offsets(text if isinstance(text, str) else "") for text in texts)
    pairs = ((item.text, item) for item in normalised)
    for doc, normalisation in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        doc._.normalisation = normalisation
        yield doc
