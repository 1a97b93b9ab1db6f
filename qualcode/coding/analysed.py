"""A light, matching-ready view of an analysed answer.

The spaCy Doc from the language layer is turned once into plain tuples: the forms a keyword
may match (lemma, folded lemma, folded surface form, compound parts) and offsets in the
*original* answer, so evidence points at what the analyst sees.
"""
from dataclasses import dataclass

from qualcode.language import analyse


@dataclass(frozen=True, slots=True)
class Word:
    """One token: offsets in the original text, its forms, and its sentence number."""

    start: int
    end: int
    text: str
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


DIACRITIC_LETTERS = set("åäöéÅÄÖÉ")


def analyse_answers(texts, batch_size=256):
    """Analyse ``texts`` with the language layer and return one :class:`AnalysedAnswer` each."""
    return [_view(doc) for doc in analyse(list(texts), batch_size=batch_size)]


def _view(doc):
    source = doc._.source
    to_source = doc._.source_offset
    sentence_spans, words = [], []
    for number, sentence in enumerate(doc.sents):
        sentence_spans.append((to_source(sentence.start_char), _end_offset(to_source, sentence.end_char, source)))
        for token in sentence:
            if token.is_space or token.is_punct:
                continue
            start = to_source(token.idx)
            end = _end_offset(to_source, token.idx + len(token.text), source)
            words.append(Word(start, end, source[start:end], token.lemma_, token._.folded,
                              token._.folded_lemma, tuple(token._.parts), number, token.is_stop))
    return AnalysedAnswer(source, tuple(words), tuple(sentence_spans),
                          any(char in DIACRITIC_LETTERS for char in source))


def _end_offset(to_source, end, source):
    """Map an exclusive end offset: the source offset just after the last character."""
    return min(len(source), to_source(end - 1) + 1) if end > 0 else 0
