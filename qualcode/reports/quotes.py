"""Representative, mutually different quotes per code, trimmed to the sentences that carry it."""
import re

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from qualcode.reports.anonymise import anonymise
from qualcode.reports.counts import code_family, counted_codes, rolled_up_codes

ELLIPSIS = "…"
MAX_QUOTE_CHARS = 320
TOO_SIMILAR = 0.8        # cosine similarity above which a quote repeats one already chosen
RELEVANCE_WEIGHT = 0.7   # maximal marginal relevance: relevance against difference
MAX_CANDIDATES = 300     # a code's highest-scoring answers among which its quotes are chosen
QUOTE_COLUMNS = ["code", "label", "quote", "id", "respondent", "score", "question", "path"]


def select_quotes(coded, codebook=None, per_code=3, anonymised=False, max_chars=MAX_QUOTE_CHARS):
    """Pick up to ``per_code`` quotes per code: typical, different from each other, readable.

    Candidates are the answers with content that carry the code (a parent also draws on its
    children's answers). Each is trimmed to the sentences holding the code's evidence; the
    quotes are ranked by score and by closeness to the code's other quotes (TF-IDF), then
    chosen greedily so that each new quote differs from those already taken and no respondent
    is quoted twice for a code. An answer already quoted for another code is used again only
    when the code has too few other answers (codes with the fewest answers choose first).
    One row per quote, codes in codebook order: code, label, quote, id, respondent, score,
    question (when the table has one), the code's path ("Parent > Child") and the attributes.
    """
    carriers = rolled_up_codes(coded, codebook)
    wanted = [i for i, codes in enumerate(carriers) if codes and coded.substantive.iat[i]]
    codes = counted_codes(coded, codebook)
    candidates = {}
    for code_id, _ in codes:
        family = code_family(code_id, codebook)
        rows = [i for i in wanted if code_id in carriers[i]]
        candidates[code_id] = best_candidates(rows, _family_scores(coded, family, rows))
    rows = sorted({row for shortlist, _ in candidates.values() for row in shortlist})
    sentences = dict(zip(rows, coded.sentences(rows)))  # only the shortlisted answers are analysed
    quoted, chosen = set(), {}
    for code_id, _ in sorted(codes, key=lambda code: len(candidates[code[0]][0])):
        chosen[code_id] = _code_quotes(coded, codebook, code_id, *candidates[code_id], quoted,
                                       sentences, per_code, max_chars)
        quoted.update(row for row, _, _ in chosen[code_id])
    rows = [_quote_row(coded, row, code_id, label, quote, score, _path(code_id, codebook))
            for code_id, label in codes for row, quote, score in chosen[code_id]]
    quotes = pd.DataFrame(rows, columns=QUOTE_COLUMNS + coded.attribute_columns)
    if not coded.question_column:
        quotes = quotes.drop(columns="question")
    if anonymised:
        quotes["quote"] = quotes["quote"].map(lambda text: anonymise(text, codebook))
    return quotes


def _code_quotes(coded, codebook, code_id, candidates, scores, quoted, sentences, per_code, max_chars):
    """(row, trimmed quote, score) of the quotes chosen for one code among ``candidates`` (rows,
    with their ``scores``), rows already ``quoted`` for another code last."""
    family = code_family(code_id, codebook)
    texts = coded.frame[coded.text_column]
    quotes = [trim_quote(str(texts.iat[i]), _evidence_spans(coded.evidence(i), family),
                         sentences[i], max_chars) for i in candidates]
    respondents = coded.respondents.iloc[candidates].tolist()
    used = np.array([i in quoted for i in candidates], dtype=bool)
    return [(candidates[pick], quotes[pick], scores[pick])
            for pick in _diverse(quotes, scores, respondents, per_code, used)]


def best_candidates(candidates, scores, limit=MAX_CANDIDATES):
    """The ``limit`` highest-scoring of ``candidates`` (rows) and their scores, in row order.

    Quotes are compared with each other pairwise: among all 40,000 answers that carry a code
    in a large survey that would take gigabytes, and the typical quote is a confident one.
    """
    if len(candidates) <= limit:
        return candidates, scores
    keep = np.sort(np.argsort(-scores, kind="stable")[:limit])
    return [candidates[k] for k in keep], scores[keep]


def trim_quote(text, spans, sentences, max_chars=MAX_QUOTE_CHARS):
    """The sentences of ``text`` that overlap ``spans``, with "…" where text is left out.

    ``spans`` are (start, end) character offsets of the evidence; ``sentences`` the (start,
    end) offsets of the text's sentences. Without spans the quote starts at the first
    sentence. Whitespace is collapsed; a quote longer than ``max_chars`` is cut between words.
    """
    if not sentences:
        return _shortened(_squeezed(text), max_chars)
    carrying = [i for i, (start, end) in enumerate(sentences)
                if any(s < end and e > start for s, e in spans)] or [0]
    pieces, previous = [], None
    for index in carrying:
        if previous is not None and index != previous + 1:
            pieces.append(ELLIPSIS)
        start, end = sentences[index]
        pieces.append(_squeezed(text[start:end]))
        previous = index
    if carrying[0] > 0:
        pieces.insert(0, ELLIPSIS)
    if carrying[-1] < len(sentences) - 1 and text[sentences[-1][0]:].strip():
        pieces.append(ELLIPSIS)
    return _shortened(" ".join(pieces), max_chars)


def _squeezed(text):
    return re.sub(r"\s+", " ", text).strip()


def _shortened(text, max_chars):
    """``text`` cut at the last word boundary before ``max_chars``, with "…"; never mid-word
    (a first word longer than ``max_chars`` is kept whole)."""
    if len(text) <= max_chars:
        return text
    boundary = text.rfind(" ", 0, max_chars - 1)
    if boundary <= 0:
        boundary = text.find(" ")
    if boundary <= 0:
        return text
    return text[:boundary].rstrip(" ,;:" + ELLIPSIS) + " " + ELLIPSIS


def _evidence_spans(evidence, family):
    """Every (start, end) the evidence of the codes in ``family`` points at."""
    return [span for code_id in family if code_id in evidence for span in evidence[code_id].spans()]


def _family_scores(coded, family, rows):
    """Per candidate answer the highest score among the code and its descendants."""
    scores = pd.concat([coded.scores(code_id) for code_id in family], axis=1).max(axis=1)
    return scores.iloc[rows].to_numpy(dtype=float)


def _diverse(quotes, scores, respondents, count, used=None):
    """Indices of up to ``count`` quotes by maximal marginal relevance, one per respondent;
    quotes marked ``used`` (shown elsewhere already) come after all others."""
    if not quotes:
        return []
    similarity = _similarity(quotes)
    centrality = similarity.mean(axis=1) if len(quotes) > 1 else np.ones(1)
    relevance = (scores + centrality / max(centrality.max(), 1e-9)) / 2
    if used is not None:
        relevance = relevance - 2.0 * used
    chosen = []
    for _ in range(count):
        best, best_value = None, -np.inf
        for i in range(len(quotes)):
            if i in chosen or respondents[i] in {respondents[j] for j in chosen}:
                continue
            redundancy = max((similarity[i, j] for j in chosen), default=0.0)
            if redundancy > TOO_SIMILAR:
                continue
            value = RELEVANCE_WEIGHT * relevance[i] - (1 - RELEVANCE_WEIGHT) * redundancy
            if value > best_value:
                best, best_value = i, value
        if best is None:
            break
        chosen.append(best)
    return chosen


def _similarity(quotes):
    """Cosine similarity of the quotes on character n-grams (robust to Swedish inflection)."""
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=True).fit_transform(quotes)
    return (vectors @ vectors.T).toarray()


def _path(code_id, codebook):
    """"Grandparent > Parent > Code" by labels, or the bare id without a codebook."""
    if codebook is None:
        return code_id
    chain = list(reversed(codebook.ancestors(code_id))) + [codebook[code_id]]
    return " > ".join(code.label for code in chain)


def _quote_row(coded, row, code_id, label, quote, score, path):
    frame = coded.frame
    question = frame[coded.question_column].iat[row] if coded.question_column else None
    attributes = [frame[column].iat[row] for column in coded.attribute_columns]
    return [code_id, label, quote, frame[coded.id_column].iat[row], coded.respondents.iat[row],
            round(float(score), 3), question, path] + attributes
