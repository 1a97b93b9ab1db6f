"""How discovered themes relate to a codebook, and what the codebook could gain from them.

A theme *overlaps* a code when at least ``OVERLAP`` of its answers carry that code; a theme
whose answers mostly carry no code at all is a candidate new code (a theme whose answers are
coded, but with many different codes, is neither). For each existing code, content words that
its keywords miss are suggested as keywords when they are frequent in its answers and rare in
the others' (so that adding them would not code answers wrongly).
"""
from collections import Counter
from dataclasses import dataclass

from qualcode.discover.units import is_content, specificity

OVERLAP = 0.5            # share of a theme's answers a code must carry to cover the theme
UNCOVERED = 0.5          # share of uncoded answers that makes a theme a candidate new code
MIN_KEYWORD_ANSWERS = 3  # a suggested keyword occurs in at least this many of the code's answers
MIN_KEYWORD_PRECISION = 0.5  # ... and at least this share of the answers using it carry the code
MIN_KEYWORD_SPECIFICITY = 0.75  # no everyday words such as "dra", "försöka", "tillbaka"
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
        """True when most of the theme's answers carry no code: a candidate new code."""
        return self.uncoded >= UNCOVERED


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
    """Per code id, frequent lemmas of its answers that no keyword of the codebook matches.

    ``answers`` are analysed answers (words with ``lemma``, ``folded_lemma``, ``parts``);
    a lemma qualifies when it occurs in ``MIN_KEYWORD_ANSWERS`` of the code's answers and at
    least ``MIN_KEYWORD_PRECISION`` of all answers using it carry the code. A word that is
    already another code's keyword, or an everyday word, is not suggested. Most frequent first.
    """
    is_new = _new_word_test(codebook)
    unmatched = [{word.folded_lemma for word in answer.words if is_new(word)} for answer in answers]
    overall = Counter(key for keys in unmatched for key in keys)
    suggestions = {}
    for code in codebook.codes:
        own = [keys for keys, codes in zip(unmatched, answer_codes) if code.id in codes]
        counts = Counter(key for keys in own for key in keys)
        ranked = sorted(
            (key for key, n in counts.items()
             if n >= MIN_KEYWORD_ANSWERS and n / overall[key] >= MIN_KEYWORD_PRECISION
             and specificity(display[key]) >= MIN_KEYWORD_SPECIFICITY),
            key=lambda key: (-counts[key] * counts[key] / overall[key], key))
        if ranked:
            suggestions[code.id] = [display[key] for key in ranked[:MAX_KEYWORDS]]
    return suggestions


def _new_word_test(codebook):
    """A predicate: is an analysed word a content word that no keyword of ``codebook`` matches
    (SPEC semantics: inflections, compounds, prefixes)? Memoised per word form."""
    from qualcode.coding.keywords import compile_keyword

    patterns = [pattern for code in codebook.codes for keyword in code.keywords
                for pattern in compile_keyword(keyword).words]
    seen = {}

    def is_new(word):
        form = (word.lemma, word.folded, word.folded_lemma, tuple(word.parts))
        if form not in seen:
            seen[form] = is_content(word) and not any(pattern.matches(word, True) for pattern in patterns)
        return seen[form]

    return is_new
