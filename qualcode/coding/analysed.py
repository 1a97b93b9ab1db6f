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
import os
import sqlite3
import threading
import zlib
from dataclasses import dataclass
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, IS_STOP, LEMMA, LENGTH, NORM, SENT_START

from qualcode.language import analyse, fold, split_compound
from qualcode.progress import explain

LOOKUP_CHUNK = 500  # SQLite limits the number of parameters in one query
LOCK_TIMEOUT = 60  # seconds a process waits for another one writing the cache


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
            fresh = dict(zip(missing, (_view(doc) for doc in analyse(missing, batch_size=batch_size))))
            if store:
                store.store(fresh.values())
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


def _view(doc):
    source = doc._.source
    span = _identity_span if doc.text == source else doc._.source_span
    strings = doc.vocab.strings
    columns = [NORM, LEMMA, IS_STOP, IS_PUNCT, IS_SPACE, IDX, LENGTH, SENT_START]
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


class AnalysisCache:
    """Views of analysed answers in one SQLite file, keyed by a hash of the text.

    Several processes may share the file (write-ahead log, waits on locks); a cache that
    cannot be read or written is skipped, never an error: it only saves time.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.usable = True
        self._connection = None
        self._lock = threading.Lock()  # threads of one process (a Dask worker) share the connection

    def lookup(self, texts):
        """``{text: AnalysedAnswer}`` for those of ``texts`` already in the cache."""
        if not self.usable:
            return {}
        keys = {_text_key(text): text for text in texts}
        try:
            with self._lock:
                rows = [row for chunk in self._select(list(keys)) for row in chunk]
        except (sqlite3.Error, OSError) as error:
            self._give_up(error)
            rows = []
        return {keys[key]: _decoded(keys[key], blob) for key, blob in rows}

    def store(self, answers):
        """Add ``answers`` (AnalysedAnswer views) to the cache."""
        if not self.usable:
            return
        rows = [(_text_key(answer.text), _encoded(answer)) for answer in answers]
        try:
            with self._lock, self._db() as connection:
                connection.executemany("INSERT OR IGNORE INTO answers VALUES (?, ?)", rows)
        except (sqlite3.Error, OSError) as error:
            self._give_up(error)

    def _select(self, keys):
        connection = self._db()
        for start in range(0, len(keys), LOOKUP_CHUNK):
            chunk = keys[start:start + LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            yield connection.execute(f"SELECT key, view FROM answers WHERE key IN ({marks})", chunk).fetchall()

    def _db(self):
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("CREATE TABLE IF NOT EXISTS answers (key BLOB PRIMARY KEY, view BLOB) WITHOUT ROWID")
            self._connection = connection
        return self._connection

    def _give_up(self, error):
        explain(f"analysis cache {self.path} not used ({error})")
        self.usable = False


@lru_cache(maxsize=None)
def _cache_for(path, process):
    return AnalysisCache(path)  # one per process: a connection must not cross a fork


def analysis_cache():
    """The process's :class:`AnalysisCache` in the cache folder (for the current fingerprint)."""
    from qualcode.embed.cache import cache_dir

    return _cache_for(cache_dir() / f"analysis-{analysis_fingerprint()[:16]}.sqlite", os.getpid())


@lru_cache(maxsize=1)
def analysis_fingerprint():
    """A hash of what an analysis depends on: the language layer's code and its word lists."""
    digest = hashlib.sha1()
    sources = sorted(Path(__file__).resolve().parent.parent.joinpath("language").glob("*.py"))
    for path in [Path(__file__).resolve(), *sources]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for package in ("spacy", "simplemma", "wordfreq"):
        digest.update(f"{package}={importlib.metadata.version(package)}".encode())
    return digest.hexdigest()


def _text_key(text):
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _encoded(answer):
    return zlib.compress(marshal.dumps((tuple(map(tuple, answer.words)), answer.sentences)), 1)


def _decoded(text, blob):
    words, sentences = marshal.loads(zlib.decompress(blob))
    return AnalysedAnswer(text, tuple(map(Word._make, words)), sentences,
                          not DIACRITIC_LETTERS.isdisjoint(text))
