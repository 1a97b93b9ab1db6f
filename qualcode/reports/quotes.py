"""Quotes that show their theme: typical, mutually different, each sentence quoted once.

A quote stands under a code only when the quoted sentences themselves carry the code: a
keyword of the code (or of a sub-code) lies in them, or the sentence scores at least the
code's threshold on its own. For an answer of one sentence that score is the answer's own; a
longer answer without keywords needs a ``score_texts`` function (the fitted coder) to score
its sentences, and without one it is not quoted for that code. A human decision quotes the
span the analyst marked (the whole answer when none). Within one :class:`Quoter` (one
report section) no sentence is quoted twice.
"""
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from qualcode.coding.result import HUMAN
from qualcode.reports.anonymise import anonymise
from qualcode.reports.counts import code_family, counted_codes, rolled_up_codes

ELLIPSIS = "…"
MAX_QUOTE_CHARS = 320
TOO_SIMILAR = 0.8        # cosine similarity above which a quote repeats one already chosen
RELEVANCE_WEIGHT = 0.7   # maximal marginal relevance: relevance against difference
VERBATIM_BONUS = 0.15    # a whole answer reads better than a trimmed one
KEYWORD_BONUS = 0.1      # a keyword shows the theme plainly
MAIN_MARGIN = 0.05       # a code scored this close to an answer's highest is one of its main codes
MAX_CANDIDATES = 300     # a code's highest-scoring answers among which its quotes are chosen
QUOTE_COLUMNS = ["code", "label", "quote", "id", "respondent", "score", "question", "path"]
# A "sentence" that is only a list marker ("1.", "b)", "-", "•") belongs to the line it numbers.
LIST_MARKER = re.compile(r"\s*(?:\d{1,3}[.)]|[A-Za-z][.)]|[-–—•*·])\s*")
LINE_START = re.compile(r"[A-ZÅÄÖÉÜ0-9\-–—•*·]")


@dataclass(frozen=True)
class QuoteRules:
    """When a sentence shows a code: each code's decision ``thresholds`` and, optionally,
    ``score_texts`` (texts -> DataFrame of scores, one column per code id), the fitted coder
    scoring sentences on their own."""

    thresholds: dict
    score_texts: object = None

    @classmethod
    def from_coder(cls, coder):
        """The rules of a fitted coder (anything with ``code_ids_``, ``thresholds_`` and ``code``)."""
        return cls(dict(zip(coder.code_ids_, map(float, coder.thresholds_))),
                   lambda texts: coder.code(list(texts)).scores)

    @classmethod
    def from_codebook(cls, codebook, threshold=None):
        """Thresholds from the codebook (its codes' own, else ``threshold``, else the default);
        no sentence scoring."""
        from qualcode.coding import code_thresholds

        if codebook is None:
            return cls({})
        codes = codebook.active_codes
        return cls(dict(zip((code.id for code in codes), map(float, code_thresholds(codes, threshold)))))


@dataclass
class _Option:
    """One answer that may be quoted for one code: the units (sentences) that carry it."""

    row: int
    carrying: tuple
    score: float
    keyword: bool
    main: bool          # the code is (about) the answer's highest-scoring one


@dataclass
class Quoter:
    """Chooses quotes among ``coded`` answers for one report section; remembers the sentences
    it quoted so that none is quoted twice."""

    coded: object
    codebook: object = None
    rules: QuoteRules = None
    max_chars: int = MAX_QUOTE_CHARS
    anonymised: bool = False
    used: set = field(default_factory=set)

    def __post_init__(self):
        if self.rules is None:
            self.rules = QuoteRules.from_codebook(self.codebook)
        self._carriers = rolled_up_codes(self.coded, self.codebook)
        self._content = self.coded.substantive.to_numpy(dtype=bool)
        self._respondents = self.coded.respondents.tolist()
        self._units = {}
        self._unit_scores = {}

    def quotes(self, per_code, codes=None, rows=None):
        """Up to ``per_code`` quotes per code (``codes``: (id, label) pairs, default all counted
        codes) among the answers at positions ``rows`` (default all). Codes take turns, those
        with the fewest candidates first, so that a sentence two codes could use goes to the
        code that needs it; first each code quotes answers it is the main code of (the one
        scored highest there), then any. One row per quote, codes in the order given (see
        QUOTE_COLUMNS)."""
        codes = counted_codes(self.coded, self.codebook) if codes is None else list(codes)
        allowed = None if rows is None else set(rows)
        options = {code_id: self._options(code_id, allowed) for code_id, _ in codes}
        state = {code_id: _Choice(self._texts(found)) for code_id, found in options.items()}
        turns = sorted((code for code, _ in codes), key=lambda code: len(options[code]))
        for main_only in (True, False):
            for _ in range(per_code):
                for code_id in turns:
                    if len(state[code_id].chosen) >= per_code:
                        continue
                    picked = self._pick(options[code_id], state[code_id], main_only)
                    if picked is not None:
                        self.used.update(self._keys(picked.row, picked.units))
                        state[code_id].chosen.append(picked)
        rows = [self._row(code_id, label, pick) for code_id, label in codes for pick in state[code_id].chosen]
        quotes = pd.DataFrame(rows, columns=QUOTE_COLUMNS + self.coded.attribute_columns)
        return quotes if self.coded.question_column else quotes.drop(columns="question")

    # -- which answers may be quoted, and by which sentences ---------------------------------
    def _options(self, code_id, allowed):
        family = code_family(code_id, self.codebook)
        rows = [i for i, codes in enumerate(self._carriers)
                if code_id in codes and self._content[i] and (allowed is None or i in allowed)]
        scores = _family_scores(self.coded, family, rows)
        rows, scores = best_candidates(rows, scores)
        self._need_units(rows)
        self._score_units([row for row in rows if self._needs_scores(row, family)])
        options = []
        for row, score in zip(rows, scores):
            carrying, keyword = self._carrying(row, family)
            if carrying:
                options.append(_Option(row, carrying, float(score), keyword, score >= self._top_score(row) - MAIN_MARGIN))
        return options

    def _top_score(self, row):
        """The highest score among the codes applied to answer ``row``."""
        applied = self.coded.code_sets[row]
        return max((float(self.coded.scores(code).iat[row]) for code in applied), default=0.0)

    def _carrying(self, row, family):
        """The units of answer ``row`` that show one of ``family``'s codes, and whether a keyword does."""
        units = self._units[row]
        evidence = self.coded.evidence(row)
        applied = [code for code in family if code in evidence]
        keyword_spans = [(m.start, m.end) for code in applied for m in evidence[code].matches or ()
                         if not m.negated]
        if keyword_spans:
            return _overlapping(units, keyword_spans), True
        human = [evidence[code] for code in applied if evidence[code].source == HUMAN]
        if human:
            marked = [span for entry in human for span in entry.spans()]
            return (_overlapping(units, marked) if marked else tuple(range(len(units)))), False
        if len(units) == 1:
            return (0,), False   # the answer is the sentence: its score is the sentence's score
        scored = self._unit_scores.get(row)
        if scored is None:
            return (), False
        showing = [k for k in range(len(units))
                   if any(scored[k].get(code, 0.0) >= self.rules.thresholds.get(code, 0.5) for code in family)]
        best = max(showing, key=lambda k: max(scored[k].get(code, 0.0) for code in family), default=None)
        return ((best,) if best is not None else ()), False

    def _need_units(self, rows):
        missing = [row for row in rows if row not in self._units]
        texts = self.coded.texts
        for row, sentences in zip(missing, self.coded.sentences(missing) if missing else []):
            self._units[row] = quote_units(texts[row], sentences)

    def _needs_scores(self, row, family):
        """Whether only its sentences' own scores can show ``family`` in answer ``row``: it has
        several sentences and neither keywords nor an analyst's mark for those codes."""
        evidence = self.coded.evidence(row)
        marked = any(evidence[code].matches or evidence[code].source == HUMAN for code in family if code in evidence)
        return len(self._units[row]) > 1 and not marked

    def _score_units(self, rows):
        """Score each unit of the answers ``rows`` on its own, all in one call of
        ``score_texts`` (kept per answer: {code: score} per unit)."""
        rows = [row for row in rows if row not in self._unit_scores]
        if self.rules.score_texts is None or not rows:
            return
        texts = self.coded.texts
        pieces = [(row, texts[row][start:end]) for row in rows for start, end in self._units[row]]
        scores = self.rules.score_texts([piece for _, piece in pieces])
        names = list(map(str, scores.columns))
        for (row, _), values in zip(pieces, scores.to_numpy()):
            self._unit_scores.setdefault(row, []).append(dict(zip(names, map(float, values))))

    # -- choosing -----------------------------------------------------------------------------
    def _texts(self, options):
        return [compose_quote(self.coded.texts[o.row], self._units[o.row], o.carrying, self.max_chars)
                for o in options]

    def _pick(self, options, state, main_only=False):
        """The next quote for one code by maximal marginal relevance, among answers whose
        carrying sentences are not yet quoted (with ``main_only``, answers the code is the main
        code of), one quote per respondent."""
        if not options:
            return None
        similarity, centrality = state.similarity()
        respondents = self._respondents
        taken = {respondents[pick.row] for pick in state.chosen}
        chosen_index = [pick.index for pick in state.chosen]
        best, best_value = None, -np.inf
        for i, option in enumerate(options):
            if i in chosen_index or respondents[option.row] in taken or (main_only and not option.main):
                continue
            units = tuple(k for k in option.carrying if not self._keys(option.row, (k,)) & self.used)
            if not units:
                continue
            redundancy = max((similarity[i, j] for j in chosen_index), default=0.0)
            if redundancy > TOO_SIMILAR:
                continue
            verbatim = len(units) == len(self._units[option.row])
            relevance = ((option.score + centrality[i]) / 2 + VERBATIM_BONUS * verbatim
                         + KEYWORD_BONUS * option.keyword)
            value = RELEVANCE_WEIGHT * relevance - (1 - RELEVANCE_WEIGHT) * redundancy
            if value > best_value:
                best, best_value = _Pick(i, option.row, units, option.score), value
        return best

    def _keys(self, row, units):
        """What "the same sentence" means: the unit's words, case and spacing aside."""
        text = self.coded.texts[row]
        return {" ".join(text[start:end].split()).casefold() for start, end in (self._units[row][k] for k in units)}

    def _row(self, code_id, label, pick):
        coded = self.coded
        frame = coded.frame
        quote = compose_quote(coded.texts[pick.row], self._units[pick.row], pick.units, self.max_chars)
        if self.anonymised:
            quote = anonymise(quote, self.codebook)
        question = frame[coded.question_column].iat[pick.row] if coded.question_column else None
        attributes = [frame[column].iat[pick.row] for column in coded.attribute_columns]
        return [code_id, label, quote, frame[coded.id_column].iat[pick.row], self._respondents[pick.row],
                round(pick.score, 3), question, _path(code_id, self.codebook)] + attributes


@dataclass
class _Pick:
    index: int
    row: int
    units: tuple
    score: float


@dataclass
class _Choice:
    """One code's candidate quote texts and the picks so far."""

    texts: list
    chosen: list = field(default_factory=list)
    _similarity: tuple = None

    def similarity(self):
        if self._similarity is None:
            if not self.texts:
                self._similarity = (np.zeros((0, 0)), np.zeros(0))
            else:
                similarity = _similarity(self.texts)
                centrality = similarity.mean(axis=1) if len(self.texts) > 1 else np.ones(1)
                self._similarity = (similarity, centrality / max(centrality.max(), 1e-9))
        return self._similarity


def select_quotes(coded, codebook=None, per_code=3, anonymised=False, max_chars=MAX_QUOTE_CHARS, rules=None):
    """Pick up to ``per_code`` quotes per code among all of ``coded``'s answers (see
    :class:`Quoter`): typical, different from each other, each showing its code, no sentence
    quoted twice, no respondent twice for a code. A parent draws on its children's answers.
    One row per quote, codes in codebook order: code, label, quote, id, respondent, score,
    question (when the table has one), the code's path ("Parent > Child") and the attributes."""
    return Quoter(coded, codebook, rules, max_chars, anonymised).quotes(per_code)


def best_candidates(candidates, scores, limit=MAX_CANDIDATES):
    """The ``limit`` highest-scoring of ``candidates`` (rows) and their scores, in row order.

    Quotes are compared with each other pairwise: among all 40,000 answers that carry a code
    in a large survey that would take gigabytes, and the typical quote is a confident one.
    """
    if len(candidates) <= limit:
        return candidates, scores
    keep = np.sort(np.argsort(-scores, kind="stable")[:limit])
    return [candidates[k] for k in keep], scores[keep]


def quote_units(text, sentences):
    """The units a quote is made of: the ``sentences`` ((start, end) offsets into ``text``),
    a list marker ("1.", "-") joined to the line it numbers, blank ones left out."""
    units, pending = [], None
    for start, end in sentences:
        piece = text[start:end]
        if not piece.strip():
            continue
        if LIST_MARKER.fullmatch(piece):
            pending = pending if pending is not None else start + (len(piece) - len(piece.lstrip()))
            continue
        units.append((pending if pending is not None else start, end))
        pending = None
    if pending is not None:
        units.append((pending, sentences[-1][1]))
    return units


def trim_quote(text, spans, sentences, max_chars=MAX_QUOTE_CHARS):
    """The sentences of ``text`` that overlap ``spans`` ((start, end) offsets of the evidence),
    with "…" where text is left out; the first sentence when no span is given."""
    units = quote_units(text, sentences)
    if not units:
        return _cut(_clean(text), 0, max_chars)
    return compose_quote(text, units, _overlapping(units, spans) or (0,), max_chars, spans)


def compose_quote(text, units, chosen, max_chars=MAX_QUOTE_CHARS, spans=()):
    """The ``chosen`` units of ``text`` as one quote: "…" between units that do not follow each
    other and where the answer goes on; line breaks between list items kept. A quote longer
    than ``max_chars`` loses units from its end, then its one unit is cut between words
    around the first of ``spans`` in it, never through the words that carry the code."""
    chosen = sorted(chosen)
    while True:
        pieces = []
        for n, k in enumerate(chosen):
            if n and k != chosen[n - 1] + 1:
                pieces.append(ELLIPSIS)
            pieces.append(_clean(text[units[k][0]:units[k][1]]))
        if chosen[0] > 0:
            pieces.insert(0, ELLIPSIS)
        if chosen[-1] < len(units) - 1:
            pieces.append(ELLIPSIS)
        quote = " ".join(pieces)
        if len(quote) <= max_chars or len(chosen) == 1:
            break
        chosen = chosen[:-1]
    if len(quote) <= max_chars:
        return quote
    start, end = units[chosen[0]]
    inside = [s - start for s, _ in spans if start <= s < end]
    focus = len(_clean(text[start:start + inside[0]])) if inside else 0
    return _cut(_clean(text[start:end]), focus, max_chars, lead=chosen[0] > 0, trail=chosen[0] < len(units) - 1)


def _clean(text):
    """Spaces collapsed; a line break kept where a new line starts a list item, a heading's text
    or a new sentence, and read as a space where a sentence merely wraps."""
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    joined = lines[0]
    for line in lines[1:]:
        breaks = LINE_START.match(line) or joined.endswith((".", ":", "!", "?", ";"))
        joined += ("\n" if breaks else " ") + line
    return joined


def _cut(text, focus, max_chars, lead=False, trail=False):
    """``text`` cut to about ``max_chars`` at word boundaries so that the words from ``focus``
    on are kept; "…" where text is left out (``lead``/``trail``: the answer goes on before or
    after ``text``). A first word longer than the limit stays whole."""
    if len(text) <= max_chars:
        return text
    start = 0
    if focus > max_chars // 3:
        start = text.rfind(" ", 0, max(focus - max_chars // 4, 1)) + 1
    room = max_chars - 2 - (2 if start or lead else 0)
    boundary = text.rfind(" ", start, start + room)
    if boundary <= start:
        boundary = text.find(" ", start)
    if boundary <= start:
        boundary = len(text)
    body = text[start:boundary].rstrip(" ,;:" + ELLIPSIS)
    prefix = f"{ELLIPSIS} " if start or lead else ""
    suffix = f" {ELLIPSIS}" if boundary < len(text) or trail else ""
    return prefix + body + suffix


def _overlapping(units, spans):
    """Indices of the units any of ``spans`` overlaps (an empty span at a unit's start counts)."""
    return tuple(k for k, (start, end) in enumerate(units)
                 if any((s < end and e > start) or start <= s < end for s, e in spans))


def _family_scores(coded, family, rows):
    """Per candidate answer the highest score among the code and its descendants."""
    scores = pd.concat([coded.scores(code_id) for code_id in family], axis=1).max(axis=1)
    return scores.iloc[rows].to_numpy(dtype=float)


def _similarity(quotes):
    """Cosine similarity of the quotes on character n-grams (robust to Swedish inflection)."""
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=True).fit_transform(quotes)
    return (vectors @ vectors.T).toarray()


def _path(code_id, codebook):
    """"Grandparent > Parent > Code" by labels, or the bare id without a codebook."""
    if codebook is None or code_id not in codebook:
        return code_id
    chain = list(reversed(codebook.ancestors(code_id))) + [codebook[code_id]]
    return " > ".join(code.label for code in chain)
