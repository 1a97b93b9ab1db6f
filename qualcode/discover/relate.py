"""How discovered themes relate to a codebook, and what the codebook could gain from them.

A theme *overlaps* a code when at least ``OVERLAP`` of its answers carry that code; a theme
that no code covers is a candidate new code. For each existing code, the content words that
are frequent in its answers but matched by none of its keywords are suggested as keywords.
"""
import math
from collections import Counter
from dataclasses import dataclass

from qualcode.discover.units import is_content

OVERLAP = 0.5          # share of a theme's answers a code must carry to cover the theme
MIN_KEYWORD_ANSWERS = 3  # a suggested keyword occurs in at least this many of the code's answers
MIN_KEYWORD_LIFT = 2.0   # ... and is this many times more frequent there than in all answers
MAX_KEYWORDS = 8


@dataclass(frozen=True)
class Relation:
    """A theme's place in the codebook: share of its answers per code, uncoded, the overlap."""

    theme: int
    shares: tuple        # ((code id, share of the theme's answers), ...), largest first
    uncoded: float
    overlap: str | None

    @property
    def candidate(self):
        """True when no code covers the theme: a candidate new code."""
        return self.overlap is None


def relate(themes, units, answer_codes):
    """One :class:`Relation` per theme; ``answer_codes`` holds each answer's code ids."""
    relations = []
    for theme in themes:
        answers = sorted({units[i].answer for i in theme.members})
        counts = Counter(code for a in answers for code in answer_codes[a])
        shares = tuple((code, count / len(answers)) for code, count in counts.most_common())
        uncoded = sum(not answer_codes[a] for a in answers) / len(answers)
        overlap = shares[0][0] if shares and shares[0][1] >= OVERLAP else None
        relations.append(Relation(theme.id, shares, uncoded, overlap))
    return relations


def missing_keywords(codebook, answers, answer_codes, display):
    """Per code id, frequent lemmas of its answers that none of its keywords matches.

    ``answers`` are analysed answers (words with ``lemma``, ``folded_lemma``, ``parts``);
    a lemma qualifies when it occurs in ``MIN_KEYWORD_ANSWERS`` of the code's answers and is
    ``MIN_KEYWORD_LIFT`` times more frequent there than overall. Best first.
    """
    overall = Counter(key for answer in answers for key in _content_keys(answer.words))
    suggestions = {}
    for code in codebook.codes:
        own = [answer for answer, codes in zip(answers, answer_codes) if code.id in codes]
        if not own:
            continue
        matchers = _keyword_matchers(code)
        counts = Counter(key for answer in own for key in _content_keys(answer.words, matchers))
        ranked = sorted(
            (key for key, n in counts.items()
             if n >= MIN_KEYWORD_ANSWERS and (n / len(own)) / (overall[key] / len(answers)) >= MIN_KEYWORD_LIFT),
            key=lambda key: (-counts[key] * math.log(len(answers) / overall[key]), key))
        if ranked:
            suggestions[code.id] = [display[key] for key in ranked[:MAX_KEYWORDS]]
    return suggestions


def _content_keys(words, matchers=()):
    """The distinct folded lemmas of the content words that no keyword matcher takes."""
    return {word.folded_lemma for word in words
            if is_content(word) and not any(matches(word) for matches in matchers)}


def _keyword_matchers(code):
    """One predicate per keyword word: does an analysed word match it (SPEC semantics)."""
    from qualcode.coding.keywords import compile_keyword

    patterns = [pattern for keyword in code.keywords for pattern in compile_keyword(keyword).words]
    return [lambda word, pattern=pattern: pattern.matches(word, True) for pattern in patterns]
