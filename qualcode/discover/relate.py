"""How discovered themes relate to a codebook, and what the codebook could gain from them.

A theme *overlaps* a code when at least ``OVERLAP`` of its units (answers or sentences) carry
that code; a theme whose units mostly carry no code at all is a candidate new code (a theme whose answers are
coded, but with many different codes, is neither). For each existing code, content words that
its keywords miss are suggested as keywords when they are frequent in its answers and rare in
the others' (so that adding them would not code answers wrongly).
"""
from collections import Counter
from dataclasses import dataclass

from qualcode.discover.units import is_content, specificity

OVERLAP = 0.5            # share of a theme's units a code must carry to cover the theme
UNCOVERED = 0.5          # share of uncoded units that makes a theme a candidate new code
MIN_KEYWORD_ANSWERS = 3  # a suggested keyword occurs in at least this many of the code's answers
MIN_KEYWORD_PRECISION = 0.5  # ... and at least this share of the answers using it carry the code
MIN_KEYWORD_SPECIFICITY = 0.75  # no everyday words such as "dra", "försöka", "tillbaka"
MAX_KEYWORDS = 8


@dataclass(frozen=True)
class Relation:
    """A theme's place in the codebook: share of its units per code, uncoded, the overlap."""

    theme: int
    shares: tuple        # ((code id, share of the theme's units), ...), largest first
    uncoded: float
    overlap: str | None

    @property
    def candidate(self):
        """True when most of the theme's units carry no code: a candidate new code."""
        return self.uncoded >= UNCOVERED


def relate(themes, codes_per_unit):
    """One :class:`Relation` per theme; ``codes_per_unit`` holds each unit's code ids (see :func:`unit_codes`)."""
    relations = []
    for theme in themes:
        members = theme.members
        counts = Counter(code for i in members for code in codes_per_unit[i])
        shares = tuple((code, count / len(members)) for code, count in counts.most_common())
        uncoded = sum(not codes_per_unit[i] for i in members) / len(members)
        overlap = shares[0][0] if shares and shares[0][1] >= OVERLAP else None
        relations.append(Relation(theme.id, shares, uncoded, overlap))
    return relations


def unit_codes(units, coding):
    """Each unit's code ids, from its answer's codes and their evidence.

    ``coding`` (:class:`~qualcode.coding.CodedAnswers`, one row per answer the units come from,
    or None when the answers are not coded) gives each answer's codes and evidence. A unit
    carries a code of its answer when the code's evidence (a matched word or the evidence
    sentence) starts inside the unit's span: a sentence carries only the codes found in it, a
    whole answer all of its codes. A code without evidence (a table coded by hand) goes to
    every unit of its answer.
    """
    if coding is None:
        return [()] * len(units)
    found = []
    for unit in units:
        start, end = unit.span
        evidence = coding.evidence(unit.answer)
        found.append(tuple(code for code in coding.code_sets[unit.answer]
                           if code not in evidence or not evidence[code].spans()
                           or any(start <= s < end for s, _ in evidence[code].spans())))
    return found


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
