"""Codebook keywords compiled into patterns that match analysed answers.

SPEC semantics: a bare word matches every inflection (lemma) and every compound that contains
it; matching ignores case and lost diacritics; a quoted phrase matches its words in order, each
inflected; a trailing ``*`` is a prefix match, also on compound parts.

Two refinements keep that true to the meaning: a bare word also matches its regular adjective
and verb derivations ("strategi" matches "strategisk", "politik" "politiska", "digital"
"digitalisering"); and a phrase may skip a word between its own words only when that word does
not change the phrase ("inte riktigt råd", "brist på kvalificerad personal", "missar jag
anslutningen"), never a conjunction, an infinitive marker or a negator ("för få" does not match
"för att få", "ha råd" not "har inte råd").
"""
from dataclasses import dataclass

from qualcode.cache import blob_store
from qualcode.coding.analysed import analysis_fingerprint
from qualcode.language import fold, lemmatise

MAX_PHRASE_GAP = 1  # words a phrase may skip between its own words ("inte riktigt råd")
# Words a phrase never skips (folded): they start a new clause or an infinitive, or negate,
# so the phrase's words no longer belong together ("för att få" is not "för få").
GAP_BREAKERS = frozenset({"att", "och", "eller", "men", "utan", "som", "om", "nar", "eftersom", "da",
                          "inte", "ej", "icke", "aldrig"})
# Regular derivations of a folded lemma that ends in a consonant (noun or adjective ->
# adjective, verb, verbal noun); "-i" takes "-sk" (strategisk), "-ik" becomes "-isk" (politisk).
DERIVATION_SUFFIXES = ("isk", "ell", "isera", "iserad", "isering")
VOWELS = frozenset("aeiouyåäöé")
MIN_DERIVED_STEM = 5  # shorter stems derive too many unrelated words


@dataclass(frozen=True, slots=True)
class WordPattern:
    """One word of a keyword: its lemma, the folded lemma and surface form, or a prefix."""

    lemma: str
    folded_lemma: str
    folded_form: str
    prefix: bool
    derived: frozenset = frozenset()

    def matches(self, word, lenient_diacritics):
        """Whether analysed ``word`` is this word, an inflection of it or a compound holding it."""
        if self.prefix:
            return word.folded.startswith(self.folded_form) or any(
                part.startswith(self.folded_form) for part in word.parts)
        if word.lemma == self.lemma or self.folded_lemma in word.parts:
            return True
        if self.derived and (word.folded_lemma in self.derived or not self.derived.isdisjoint(word.parts)):
            return True
        if lenient_diacritics or self.lemma == self.folded_lemma:
            return word.folded_lemma == self.folded_lemma or word.folded == self.folded_form
        return False


@dataclass(frozen=True, slots=True)
class KeywordPattern:
    """A keyword as written in the codebook and the word patterns it compiled to."""

    source: str
    words: tuple

    def match_rest(self, words, index, lenient):
        """The index of the last word of a match whose first word matched at ``index``, or None."""
        position = index
        for pattern in self.words[1:]:
            for step in range(1, MAX_PHRASE_GAP + 2):
                candidate = position + step
                if candidate >= len(words) or words[candidate].sentence != words[index].sentence:
                    return None
                if pattern.matches(words[candidate], lenient):
                    position = candidate
                    break
                if not _may_skip(words[candidate]):
                    return None
            else:
                return None
        return position


def compile_keyword(keyword, lemmas=None):
    """Compile one codebook keyword (``"inte råd"``, ``resurs*``, ``budget``) to a pattern.

    ``lemmas`` may hold the lemmas of its words (see :func:`keyword_lemmas`).
    """
    return KeywordPattern(keyword, tuple(_word_pattern(word, lemmas or {}) for word in keyword.lower().split()))


def keyword_lemmas(keywords):
    """``{word: lemma}`` for the words of ``keywords``, kept on disk: a re-run after a codebook
    edit need not load the lemma lexicon at all when the answers' analyses are cached too."""
    words = list(dict.fromkeys(w for keyword in keywords for w in keyword.lower().split() if not w.endswith("*")))
    store = blob_store(f"keyword-lemmas-{analysis_fingerprint()[:16]}.sqlite")
    stored = store.get_many([w.encode() for w in words], decode=lambda word, lemma: lemma.decode())
    lemmas = {word.decode(): lemma for word, lemma in stored.items()}
    missing = [word for word in words if word not in lemmas]
    lemmas.update((word, lemmatise(word)) for word in missing)
    store.put_many([(word.encode(), lemmas[word].encode()) for word in missing])
    return lemmas


def derivations(folded_lemma):
    """The regular derivations of a folded lemma: ``derivations("strategi")`` holds "strategisk"."""
    if len(folded_lemma) < MIN_DERIVED_STEM:
        return frozenset()
    if folded_lemma.endswith("ik"):
        return frozenset({folded_lemma[:-2] + "isk"})
    if folded_lemma.endswith("i"):
        return frozenset({folded_lemma + "sk"})
    if folded_lemma[-1] in VOWELS:
        return frozenset()
    return frozenset(folded_lemma + suffix for suffix in DERIVATION_SUFFIXES)


def _may_skip(word):
    """Whether a phrase may pass over ``word`` between two of its own words."""
    return word.folded not in GAP_BREAKERS


def _word_pattern(word, lemmas):
    if word.endswith("*"):
        stem = fold(word.rstrip("*"))
        return WordPattern(stem, stem, stem, prefix=True)
    lemma = lemmas.get(word) or lemmatise(word)
    return WordPattern(lemma, fold(lemma), fold(word), prefix=False, derived=derivations(fold(lemma)))
