"""Themes stated as *not* a problem: "ekonomin är inte problemet", "inga problem med uppkopplingen".

The coding rule says such a statement does not get the code. A clause (a stretch of a sentence
between commas and contrastive conjunctions such as "men", "utan") that holds a negator
followed closely by a problem word is a "not a problem" clause; keyword matches inside it do
not count.
"""
NEGATORS = frozenset({"inte", "ej", "ingen", "inget", "inga", "aldrig", "knappast", "icke"})
PROBLEM_WORDS = frozenset({
    "problem", "hinder", "bekymmer", "svarighet", "utmaning", "hinder", "brist", "issue",
    "stoppkloss", "flaskhals", "begransning",
})
CLAUSE_BREAKS = frozenset({"men", "utan", "dock", "daremot", "medan", "fast"})
WINDOW = 4  # words between the negator and the problem word


def not_a_problem_clauses(answer):
    """Return the set of (start, end) word-index ranges of clauses saying "not a problem"."""
    ranges = set()
    if NEGATORS.isdisjoint(word.folded_lemma for word in answer.words):
        return ranges
    for start, end in _clauses(answer):
        folded = [answer.words[i].folded_lemma for i in range(start, end)]
        if _negates_a_problem(folded):
            ranges.add((start, end))
    return ranges


def _negates_a_problem(folded):
    for index, lemma in enumerate(folded):
        if lemma in NEGATORS:
            window = folded[index + 1:index + 1 + WINDOW]
            if any(_is_problem_word(word) for word in window):
                return True
    return False


def _is_problem_word(lemma):
    return lemma in PROBLEM_WORDS or any(lemma.endswith(word) for word in ("problem", "hinder"))


def _clauses(answer):
    """Split the answer's words into clauses at sentence ends, commas and contrastive words."""
    words, text = answer.words, answer.text
    start = 0
    for index in range(1, len(words) + 1):
        at_end = index == len(words)
        if at_end or _breaks_before(words[index - 1], words[index], text):
            yield start, index
            start = index


def _breaks_before(previous, word, text):
    if word.sentence != previous.sentence or word.folded in CLAUSE_BREAKS:
        return True
    return any(char in ",;:" for char in text[previous.end:word.start])
