"""Lexical matching: which keywords of which code occur in an answer, and where.

Patterns are filed in an index under their folded forms, so each word of an answer looks up
only the few patterns that could start there (the codebook may hold hundreds of keywords and
the corpus a million answers); the pattern itself then checks the match exactly.
"""
from collections import defaultdict
from dataclasses import dataclass, replace

from qualcode.coding.keywords import compile_keyword
from qualcode.coding.negation import not_a_problem_clauses


@dataclass(frozen=True, slots=True)
class Match:
    """A keyword found in an answer, with character offsets in the original text."""

    keyword: str
    text: str
    start: int
    end: int
    sentence: int
    negated: bool

    def as_evidence(self):
        """The match as the evidence JSON records it."""
        return {"keyword": self.keyword, "text": self.text, "start": self.start, "end": self.end,
                **({"negated": True} if self.negated else {})}


class PatternIndex:
    """Keyword patterns filed by the folded form of their first word (prefixes kept apart)."""

    def __init__(self, keyed_patterns):
        self.by_form = defaultdict(list)
        self.prefixed = []
        for key, pattern in keyed_patterns:
            first = pattern.words[0]
            if first.prefix:
                self.prefixed.append((key, pattern))
            else:
                for form in dict.fromkeys((first.folded_lemma, first.folded_form)):
                    self.by_form[form].append((key, pattern))
        self.prefixes = tuple(pattern.words[0].folded_form for _, pattern in self.prefixed)

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

    def find(self, answer):
        """Yield (key, pattern, first, last) for every match in ``answer``."""
        lenient = not answer.has_diacritics
        words = answer.words
        for index, word in enumerate(words):
            for key, pattern in self.candidates(word):
                last = pattern.match_at(words, index, lenient)
                if last is not None:
                    yield key, pattern, index, last


class LexicalMatcher:
    """Finds each code's keywords in analysed answers, honouring exclude keywords and negation."""

    def __init__(self, codes):
        self.codes = list(codes)
        self.keywords_ = PatternIndex((code.id, compile_keyword(k)) for code in self.codes for k in code.keywords)
        self.exclusions_ = PatternIndex((code.id, compile_keyword(k))
                                        for code in self.codes for k in code.exclude_keywords)

    def match(self, answer):
        """Return ``{code_id: [Match, ...]}`` for one analysed answer (codes without match omitted)."""
        blocked = {(code_id, answer.words[first].sentence)
                   for code_id, _, first, _ in self.exclusions_.find(answer)}
        negated_clauses = None
        found, seen = defaultdict(list), set()
        for code_id, pattern, first, last in self.keywords_.find(answer):
            sentence = answer.words[first].sentence
            if (code_id, sentence) in blocked or (code_id, first, last) in seen:
                continue
            seen.add((code_id, first, last))
            if negated_clauses is None:
                negated_clauses = not_a_problem_clauses(answer)
            start, end = answer.words[first].start, answer.words[last].end
            negated = any(low <= first < high for low, high in negated_clauses)
            found[code_id].append(Match(pattern.source, answer.text[start:end], start, end, sentence, negated))
        return {code_id: _spread_negation(sorted(matches, key=lambda m: m.start))
                for code_id, matches in found.items()}


def _spread_negation(matches):
    """A code stated as "not a problem" in a sentence is negated in the whole sentence:
    "Ekonomin är inte problemet, vi har fått statsbidrag" says nothing against the economy."""
    negated_sentences = {m.sentence for m in matches if m.negated}
    return [replace(m, negated=True) if m.sentence in negated_sentences else m for m in matches]
