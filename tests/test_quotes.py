"""Quote trimming (sentences carrying the code, ellipses, no cut words) and diversity."""
import re

import numpy as np
import pytest

from qualcode.reports import select_quotes, trim_quote
from qualcode.reports.quotes import _diverse, best_candidates
from test_report_data import CODEBOOK, coded_answers



TEXT = ("Vi har börjat resan.  Ekonomin är ansträngd och\nbudgeten räcker inte. "
        "Sedan annat. Och gamla IT-system som låser in oss.")


def _sentences(text):
    return [(m.start(), m.end()) for m in re.finditer(r"[^.]+\.", text)]


def _span(text, word):
    start = text.index(word)
    return (start, start + len(word))


def test_trim_keeps_the_carrying_sentence_with_ellipses_and_collapsed_space():
    quote = trim_quote(TEXT, [_span(TEXT, "budgeten")], _sentences(TEXT))
    assert quote == "… Ekonomin är ansträngd och budgeten räcker inte. …"


def test_trim_joins_separate_sentences_with_an_ellipsis():
    spans = [_span(TEXT, "Ekonomin"), _span(TEXT, "IT-system")]
    assert trim_quote(TEXT, spans, _sentences(TEXT)) == (
        "… Ekonomin är ansträngd och budgeten räcker inte. … Och gamla IT-system som låser in oss.")


def test_trim_without_spans_starts_at_the_beginning():
    assert trim_quote(TEXT, [], _sentences(TEXT)) == "Vi har börjat resan. …"


def test_whole_short_answer_is_the_quote():
    text = "Ekonomin."
    assert trim_quote(text, [(0, 8)], [(0, 9)]) == "Ekonomin."


@pytest.mark.parametrize("limit", range(12, 60, 3))
def test_long_quotes_are_cut_between_words_never_inside_one(limit):
    text = "Kompetensutvecklingen av förvaltningsledningarna är det viktigaste för oss alla."
    quote = trim_quote(text, [(0, 5)], [(0, len(text))], max_chars=limit)
    kept = quote.rstrip(" …").split()
    assert quote.endswith(" …") and kept and kept == text.split()[:len(kept)]
    assert len(quote) <= limit or kept == text.split()[:1]   # a too-long first word stays whole


def test_diverse_skips_near_duplicates_and_repeated_respondents():
    quotes = ["Ekonomin är ansträngd och budgeten räcker inte.",
              "Ekonomin är ansträngd och budgeten räcker inte!",
              "Vi har för lite personal och pengar.",
              "Pengarna räcker inte till nya system."]
    picked = _diverse(quotes, np.array([0.9, 0.9, 0.8, 0.7]), ["r1", "r2", "r3", "r3"], 3)
    assert picked[0] in (0, 1) and not {0, 1} <= set(picked)
    assert sum(i in picked for i in (2, 3)) == 1   # r3 only once
    assert len(picked) == 2


def test_select_quotes_gives_trimmed_representative_rows_with_attributes():
    quotes = select_quotes(coded_answers(), CODEBOOK, per_code=2)
    assert list(quotes.columns) == ["code", "label", "quote", "id", "respondent", "score",
                                    "question", "path", "closed"]
    staff = quotes[quotes["code"] == "staff"]
    assert len(staff) == 2 and staff["respondent"].is_unique
    assert staff["path"].iat[0] == "Ekonomi och resurser > Personal"
    first = staff[staff["id"] == "A1"]
    if len(first):
        assert first["quote"].iat[0] == "… Vi har brist på personal."
    resources = quotes[quotes["code"] == "resources"]
    assert set(resources["respondent"]) <= {"r1", "r3", "r6"}   # parent draws on its children
    assert not quotes["quote"].str.contains("vet ej|^-$").any()


def test_select_quotes_anonymises_on_request():
    answers = coded_answers()
    answers.frame.loc[0, "text"] = "Budgeten är för liten, säger Anna Berg. Vi har brist på personal."
    quotes = select_quotes(answers, CODEBOOK, per_code=3, anonymised=True)
    assert not quotes["quote"].str.contains("Anna").any()


def test_diverse_takes_quotes_shown_elsewhere_only_when_nothing_else_is_left():
    quotes = ["Budgeten räcker inte.", "Vi har ingen personal.", "Pengarna tar slut."]
    used = np.array([True, False, False])
    scores = np.array([0.99, 0.5, 0.5])
    assert 0 not in _diverse(quotes, scores, ["r1", "r2", "r3"], 2, used)
    assert _diverse(quotes, scores, ["r1", "r2", "r3"], 3, used)[-1] == 0


def test_quotes_are_chosen_among_the_highest_scoring_answers_in_row_order():
    rows = list(range(10, 20))
    scores = np.array([0.5, 0.9, 0.1, 0.9, 0.7, 0.2, 0.95, 0.3, 0.6, 0.8])
    kept, kept_scores = best_candidates(rows, scores, limit=4)
    assert kept == [11, 13, 16, 19] and kept_scores.tolist() == [0.9, 0.9, 0.95, 0.8]
    assert best_candidates(rows, scores, limit=10) == (rows, scores)
