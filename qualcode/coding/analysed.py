"""A light, matching-ready view of an analysed answer, cached on disk by content hash.

The spaCy Doc from the language layer is turned once into plain tuples: the forms a keyword
may match (lemma, folded lemma, folded surface form, compound parts) and offsets in the
*original* answer, so evidence points at what the analyst sees. Word forms are computed once
per distinct (norm, lemma) pair and read back from a dict afterwards: spaCy's extension
attributes cost microseconds per access, which adds up over a million answers.

Views are stored in a SQLite file in the cache folder (``QUALCODE_CACHE_DIR``, default
``~/.cache/qualcode``), keyed by a hash of the answer's text, so re-coding after a codebook
edit analyses nothing it has seen. The file's name carries a fingerprint of the language
layer's code and word lists: changing either starts a new cache. Deleting the folder clears it.
"""
import gc
import hashlib
import importlib.metadata
import marshal
import re
from dataclasses import dataclass
from contextlib import contextmanager
from functools import lru_cache, partial
from pathlib import Path
from typing import NamedTuple

from qualcode import language
from qualcode.language import fold, split_compound
from qualcode.cache import blob_store
from qualcode.language.pipeline import repaired_text



class Word(NamedTuple):
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
    """An answer as words and sentences; ``sentences`` are (start, end) in the original text.
    ``repaired`` is the text with OCR damage, lost å/ä/ö and words broken across lines repaired
    (what is embedded), or None when that changed no word; ``repaired_sentences`` are its
    sentences, one for each of ``sentences`` (None with ``repaired``)."""

    text: str
    words: tuple
    sentences: tuple
    has_diacritics: bool
    repaired: str | None = None
    repaired_sentences: tuple | None = None

    def sentence_text(self, index):
        """The text of sentence ``index`` as it stands in the original answer."""
        start, end = self.sentences[index]
        return self.text[start:end]

    def embedded_sentence(self, index):
        """The text of sentence ``index`` as it is embedded: repaired where the answer was."""
        return self.repaired_sentences[index] if self.repaired_sentences else self.sentence_text(index)


DIACRITIC_LETTERS = frozenset("åäöéÅÄÖÉ")
_WORDS = re.compile(r"[^\W_]+")
_new_word = partial(tuple.__new__, Word)  # Word._make without its length check: views are ours
_forms_cache = {}


def analyse_answers(texts, batch_size=256, cache=True):
    """Analyse ``texts`` with the language layer and return one :class:`AnalysedAnswer` each.

    With ``cache`` (the default), views of texts analysed before, in any process, are read
    from the on-disk cache; each distinct new text is analysed once and stored.
    """
    texts = [text if isinstance(text, str) else "" for text in texts]
    store = analysis_cache() if cache else None
    with garbage_collection_paused():
        known = store.lookup(texts) if store else {}
        missing = list(dict.fromkeys(text for text in texts if text not in known))
        if missing:
            fresh = dict(zip(missing, (_view(doc) for doc in language.analyse(missing, batch_size=batch_size))))
            if store:
                store.store_views(fresh.values())
            known.update(fresh)
    return [known[text] for text in texts]


@contextmanager
def garbage_collection_paused():
    """Pause Python's cycle collector while millions of small tuples are made.

    Views hold no reference cycles, but each collection walks every live object: left on,
    it took most of the time of building or loading views for a large corpus.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def long_lived_objects_frozen():
    """Keep the objects alive now (a fitted coder, word lists, modules) out of the cycle
    collector's walks until the block ends: coding chunk after chunk, each full collection
    would otherwise walk them all again."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _view(doc):
    source = doc._.source
    span = _identity_span if doc.text == source else doc._.source_span
    strings = doc.vocab.strings
    columns = ["NORM", "LEMMA", "IS_STOP", "IS_PUNCT", "IS_SPACE", "IDX", "LENGTH", "SENT_START"]
    rows = doc.to_array(columns).tolist() if len(doc) else []
    sentence_spans, words, number, sentence_start, sentence_end = [], [], -1, 0, 0
    for norm, lemma, is_stop, is_punct, is_space, offset, length, starts in rows:
        if starts == 1:
            if number >= 0:
                sentence_spans.append(span(sentence_start, sentence_end))
            number, sentence_start = number + 1, offset
        sentence_end = offset + length
        if is_punct or is_space:
            continue
        start, end = span(offset, offset + length)
        folded, folded_lemma, parts, lemma_text = _forms(strings, norm, lemma)
        words.append(Word(start, end, lemma_text, folded, folded_lemma, parts, number, is_stop == 1))
    if rows:
        sentence_spans.append(span(sentence_start, sentence_end))
    repaired = doc._.repaired
    changed = repaired != source and _WORDS.findall(repaired) != _WORDS.findall(source)
    if not changed:
        return AnalysedAnswer(source, tuple(words), tuple(sentence_spans), not DIACRITIC_LETTERS.isdisjoint(source))
    sentences = tuple(repaired_text(sentence).strip() for sentence in doc.sents) if rows else ()
    return AnalysedAnswer(source, tuple(words), tuple(sentence_spans), not DIACRITIC_LETTERS.isdisjoint(source),
                          repaired, sentences)


def _identity_span(start, end):
    return start, end


def _forms(strings, norm, lemma):
    key = (norm, lemma)
    forms = _forms_cache.get(key)
    if forms is None:
        norm_text, lemma_text = strings[norm], strings[lemma]
        forms = _forms_cache[key] = (fold(norm_text), fold(lemma_text), tuple(split_compound(norm_text)), lemma_text)
    return forms


class AnalysisCache:
    """Views of analysed answers in a :class:`qualcode.cache.BlobStore`, keyed by a hash of the text."""

    def __init__(self, store):
        self.store = store

    def lookup(self, texts):
        """``{text: AnalysedAnswer}`` for those of ``texts`` already in the cache."""
        keys = {_text_key(text): text for text in texts}
        found = self.store.get_many(keys, decode=lambda key, blob: _decoded(keys[key], blob))
        return {keys[key]: answer for key, answer in found.items()}

    def store_views(self, answers):
        """Add ``answers`` (AnalysedAnswer views) to the cache."""
        self.store.put_many([(_text_key(answer.text), _encoded(answer)) for answer in answers])


def analysis_cache():
    """The process's :class:`AnalysisCache` in the cache folder (for the current fingerprint)."""
    return AnalysisCache(blob_store(f"analysis-{analysis_fingerprint()[:16]}.sqlite"))


@lru_cache(maxsize=1)
def analysis_fingerprint():
    """A hash of what an analysis depends on: the language layer's code and its word lists."""
    digest = hashlib.sha1()
    language = Path(__file__).resolve().parent.parent.joinpath("language")
    sources = sorted([*language.glob("*.py"), *language.glob("data/*")])
    for path in [Path(__file__).resolve(), *sources]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for package in ("spacy", "simplemma", "wordfreq"):
        digest.update(f"{package}={importlib.metadata.version(package)}".encode())
    return digest.hexdigest()


def corpus_key(answers):
    """A hash of the texts of ``answers`` in order: the key of results cached for a whole chunk."""
    digest = hashlib.blake2b(digest_size=16)
    for answer in answers:
        digest.update(answer.text.encode("utf-8", "surrogatepass") + b"\0")
    return digest.digest()


def _text_key(text):
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _encoded(answer):
    # not compressed: zlib took five times as long to read back as marshal, for 2.3 times less disk
    return marshal.dumps((tuple(map(tuple, answer.words)), answer.sentences, answer.repaired,
                          answer.repaired_sentences))


def _decoded(text, blob):
    words, sentences, repaired, repaired_sentences = marshal.loads(blob)
    return AnalysedAnswer(text, tuple(map(_new_word, words)), sentences,
                          not DIACRITIC_LETTERS.isdisjoint(text), repaired, repaired_sentences)
