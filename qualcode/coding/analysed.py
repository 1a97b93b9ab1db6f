"""A light, matching-ready view of an analysed answer.

The spaCy Doc from the language layer is turned once into plain tuples: the forms a keyword
may match (lemma, folded lemma, folded surface form, compound parts) and offsets in the
*original* answer, so evidence points at what the analyst sees. Word forms are computed once
per distinct (norm, lemma) pair and read back from a dict afterwards: spaCy's extension
attributes cost microseconds per access, which adds up over a million answers.
"""
from dataclasses import dataclass

from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, IS_STOP, LEMMA, LENGTH, NORM

from qualcode.language import analyse, fold, split_compound


@dataclass(frozen=True, slots=True)
class Word:
    """One token: offsets in the original text, its forms, and its sentence number."""

    start: int
    end: int
    lemma: str
    folded: str
    folded_lemma: str
    parts: tuple
    sentence: int
    is_stop: bool


@dataclass(frozen=True, slots=True)
class AnalysedAnswer:
    """An answer as words and sentences; ``sentences`` are (start, end) in the original text."""

    text: str
    words: tuple
    sentences: tuple
    has_diacritics: bool

    def sentence_text(self, index):
        """The text of sentence ``index`` as it stands in the original answer."""
        start, end = self.sentences[index]
        return self.text[start:end]


DIACRITIC_LETTERS = frozenset("åäöéÅÄÖÉ")
_forms_cache = {}


def analyse_answers(texts, batch_size=256):
    """Analyse ``texts`` with the language layer and return one :class:`AnalysedAnswer` each."""
    return [_view(doc) for doc in analyse(list(texts), batch_size=batch_size)]


def _view(doc):
    source = doc._.source
    span = _identity_span if doc.text == source else doc._.source_span
    strings = doc.vocab.strings
    rows = doc.to_array([NORM, LEMMA, IS_STOP, IS_PUNCT, IS_SPACE, IDX, LENGTH]).tolist() if len(doc) else []
    sentence_spans, words = [], []
    for number, sentence in enumerate(doc.sents):
        sentence_spans.append(span(sentence.start_char, sentence.end_char))
        for i in range(sentence.start, sentence.end):
            norm, lemma, is_stop, is_punct, is_space, offset, length = rows[i]
            if is_punct or is_space:
                continue
            start, end = span(offset, offset + length)
            folded, folded_lemma, parts, lemma_text = _forms(strings, norm, lemma)
            words.append(Word(start, end, lemma_text, folded, folded_lemma, parts, number, bool(is_stop)))
    return AnalysedAnswer(source, tuple(words), tuple(sentence_spans),
                          not DIACRITIC_LETTERS.isdisjoint(source))


def _identity_span(start, end):
    return start, end


def _forms(strings, norm, lemma):
    key = (norm, lemma)
    forms = _forms_cache.get(key)
    if forms is None:
        norm_text, lemma_text = strings[norm], strings[lemma]
        forms = _forms_cache[key] = (fold(norm_text), fold(lemma_text), tuple(split_compound(norm_text)), lemma_text)
    return forms
