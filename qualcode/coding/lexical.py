"""Lexical matching: which keywords of which code occur in an answer, and where.

Patterns are filed in an index under their folded forms, so each word of an answer looks up
only the few patterns that could start there (the codebook may hold hundreds of keywords and
the corpus a million answers); the pattern itself then checks the match exactly.
"""
import hashlib
import marshal
from collections import defaultdict
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from qualcode.cache import blob_store
from qualcode.coding.analysed import analysis_fingerprint, corpus_key
from qualcode.coding.keywords import compile_keyword, keyword_lemmas
from qualcode.coding.negation import not_a_problem_clauses
from qualcode.coding.result import Match


class PatternIndex:
    """Keyword patterns filed by the folded form of their first word (prefixes kept apart).

    Which patterns' first word matches a word depends only on the word's forms, so the answer
    is remembered per distinct form: a corpus repeats a few ten thousand forms millions of times.
    """

    def __init__(self, keyed_patterns):
        self.by_form = defaultdict(list)
        self.prefixed = []
        for key, pattern in keyed_patterns:
            first = pattern.words[0]
            if first.prefix:
                self.prefixed.append((key, pattern))
            else:
                for form in dict.fromkeys((first.folded_lemma, first.folded_form, *sorted(first.derived))):
                    self.by_form[form].append((key, pattern))
        self.prefixes = tuple(pattern.words[0].folded_form for _, pattern in self.prefixed)
        self._starts = ({}, {})

    def __getstate__(self):
        return {**self.__dict__, "_starts": ({}, {})}

    def candidates(self, word):
        """(key, pattern) pairs whose first word might match ``word``."""
        found = []
        # dict, not set: the order of matches (and so of evidence) must not depend on hash seeds
        for form in dict.fromkeys((word.folded_lemma, word.folded, *word.parts)):
            found.extend(self.by_form.get(form, ()))
        if self.prefixes and (word.folded.startswith(self.prefixes)
                              or any(part.startswith(self.prefixes) for part in word.parts)):
            found.extend(self.prefixed)
        return found

    def _learn_starts(self, word, form, lenient):
        """(key, pattern) pairs whose first word matches ``word`` (of forms ``form``), remembered."""
        found = self._starts[lenient][form] = tuple(
            (key, pattern) for key, pattern in self.candidates(word) if pattern.words[0].matches(word, lenient))
        return found

    def find(self, answer):
        """[(key, pattern, first, last), ...] for every match in ``answer``, in word order."""
        lenient = not answer.has_diacritics
        words = answer.words
        known = self._starts[lenient]  # looked up inline: this loop runs once per word of the corpus
        hits = []
        for index, word in enumerate(words):
            form = (word.lemma, word.folded, word.parts)
            starting = known.get(form)
            if starting is None:
                starting = self._learn_starts(word, form, lenient)
            for key, pattern in starting:
                last = index if len(pattern.words) == 1 else pattern.match_rest(words, index, lenient)
                if last is not None:
                    hits.append((key, pattern, index, last))
        return hits


class LexicalMatcher:
    """Finds each code's keywords in analysed answers, honouring exclude keywords and negation."""

    def __init__(self, codes):
        self.codes = list(codes)
        lemmas = keyword_lemmas(k for code in self.codes for k in (*code.keywords, *code.exclude_keywords))
        self.compiled_ = {code.id: ([compile_keyword(k, lemmas) for k in code.keywords],
                                    [compile_keyword(k, lemmas) for k in code.exclude_keywords])
                          for code in self.codes}
        self.patterns_ = self._index(self.codes)
        self._subset_indexes = {}

    def _index_of(self, codes):
        """The index of ``codes``' patterns, built once per set of codes (it learns as it scans)."""
        ids = frozenset(code.id for code in codes)
        if ids == frozenset(self.compiled_):
            return self.patterns_
        if ids not in self._subset_indexes:
            self._subset_indexes[ids] = self._index(codes)
        return self._subset_indexes[ids]

    def _index(self, codes):
        # one index for keywords and exclude keywords: each answer is scanned once
        return PatternIndex([((code.id, False), p) for code in codes for p in self.compiled_[code.id][0]]
                            + [((code.id, True), p) for code in codes for p in self.compiled_[code.id][1]])

    def match(self, answer):
        """Return ``{code_id: [Match, ...]}`` for one analysed answer (codes without match omitted)."""
        return _matches(self.patterns_, answer)

    def match_all(self, answers, cache=True):
        """:meth:`match` for each of ``answers``.

        With ``cache``, a code's matches in these answers are stored on disk under a hash of
        its keywords and of the answers, so after a codebook edit only the codes whose
        keywords changed are matched again.
        """
        store = blob_store(f"matches-{lexical_fingerprint()[:16]}.sqlite") if cache else None
        corpus = corpus_key(answers)
        keys = {code.id: _code_key(code) + corpus for code in self.codes}
        stored = store.get_many(keys.values(), decode=lambda key, blob: _decoded(blob)) if store else {}
        found = {code_id: stored[key] for code_id, key in keys.items() if key in stored}
        missing = [code for code in self.codes if code.id not in found]
        if missing:
            index = self._index_of(missing)
            fresh = [_matches(index, answer) for answer in answers]
            for code in missing:
                found[code.id] = [(i, matches[code.id]) for i, matches in enumerate(fresh) if code.id in matches]
            if store:
                store.put_many([(keys[code.id], _encoded(found[code.id])) for code in missing])
        merged = [{} for _ in answers]
        for code in self.codes:
            for i, matches in found[code.id]:
                merged[i][code.id] = matches
        return merged


def _matches(index, answer):
    hits = index.find(answer)
    if not hits:
        return {}
    words = answer.words
    blocked = {(code_id, words[first].sentence) for (code_id, excluding), _, first, _ in hits if excluding}
    negated_clauses = None
    found, seen = defaultdict(list), set()
    for (code_id, excluding), pattern, first, last in hits:
        sentence = words[first].sentence
        if excluding or (code_id, sentence) in blocked or (code_id, first, last) in seen:
            continue
        seen.add((code_id, first, last))
        if negated_clauses is None:
            negated_clauses = not_a_problem_clauses(answer)
        start, end = words[first].start, words[last].end
        negated = any(low <= first < high for low, high in negated_clauses)
        found[code_id].append(Match(pattern.source, answer.text[start:end], start, end, sentence, negated))
    return {code_id: _spread_negation(sorted(matches, key=lambda m: m.start))
            for code_id, matches in found.items()}


@lru_cache(maxsize=1)
def lexical_fingerprint():
    """A hash of what matching depends on: the analysis and the matching code itself."""
    digest = hashlib.sha1(analysis_fingerprint().encode())
    for name in ("keywords.py", "negation.py", "lexical.py"):
        digest.update(Path(__file__).with_name(name).read_bytes())
    return digest.hexdigest()


def _code_key(code):
    return hashlib.blake2b(repr((lexical_fingerprint(), list(code.keywords), list(code.exclude_keywords)))
                           .encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _encoded(found):
    """One code's matches as (answer index, [Match, ...]) pairs, marshalled."""
    return marshal.dumps([(i, [(m.keyword, m.text, m.start, m.end, m.sentence, m.negated) for m in matches]) for i, matches in found])


def _decoded(blob):
    return [(i, [Match(*fields) for fields in matches]) for i, matches in marshal.loads(blob)]


def _spread_negation(matches):
    """A code stated as "not a problem" in a sentence is negated in the whole sentence:
    "Ekonomin är inte problemet, vi har fått statsbidrag" says nothing against the economy."""
    negated_sentences = {m.sentence for m in matches if m.negated}
    return [replace(m, negated=True) if m.sentence in negated_sentences else m for m in matches]
