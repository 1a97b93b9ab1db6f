"""Quotes: trimmed to the sentences that carry the code, never cut through them, list items
kept; each quote shown by its own evidence; no sentence quoted twice; whole answers preferred."""
import json
import re

import numpy as np
import pandas as pd
import pytest

from qualcode.reports import select_quotes, trim_quote
from qualcode.reports.quotes import Quoter, QuoteRules, best_candidates, compose_quote, quote_units
from test_report_data import CODEBOOK, coded_answers

TEXT = ("Vi har börjat resan.  Ekonomin är ansträngd och\nbudgeten räcker inte. "
        "Sedan annat. Och gamla IT-system som låser in oss.")


def _sentences(text):
    return [(m.start(), m.end()) for m in re.finditer(r"[^.]+\.", text)]


def _span(text, word):
    start = text.index(word)
    return (start, start + len(word))


def test_trim_keeps_the_carrying_sentence_with_ellipses_and_a_wrapped_line_joined():
    quote = trim_quote(TEXT, [_span(TEXT, "budgeten")], _sentences(TEXT))
    assert quote == "… Ekonomin är ansträngd och budgeten räcker inte. …"


def test_trim_joins_separate_sentences_with_an_ellipsis():
    spans = [_span(TEXT, "Ekonomin"), _span(TEXT, "IT-system")]
    assert trim_quote(TEXT, spans, _sentences(TEXT)) == (
        "… Ekonomin är ansträngd och budgeten räcker inte. … Och gamla IT-system som låser in oss.")


def test_trim_without_spans_starts_at_the_beginning():
    assert trim_quote(TEXT, [], _sentences(TEXT)) == "Vi har börjat resan. …"


def test_whole_short_answer_is_the_quote():
    assert trim_quote("Ekonomin.", [(0, 8)], [(0, 9)]) == "Ekonomin."


@pytest.mark.parametrize("limit", range(12, 60, 3))
def test_long_quotes_are_cut_between_words_never_inside_one(limit):
    text = "Kompetensutvecklingen av förvaltningsledningarna är det viktigaste för oss alla."
    quote = trim_quote(text, [(0, 5)], [(0, len(text))], max_chars=limit)
    kept = quote.rstrip(" …").split()
    assert quote.endswith(" …") and kept and kept == text.split()[:len(kept)]
    assert len(quote) <= limit or kept == text.split()[:1]   # a too-long first word stays whole


@pytest.mark.parametrize("limit", [40, 60, 90])
def test_cutting_a_long_sentence_keeps_the_words_that_carry_the_code(limit):
    text = ("Vi har under många år försökt att få ordning på verksamhetens alla olika rutiner och "
            "arbetssätt, men till slut är det alltid budgeten som sätter stopp för allt.")
    quote = trim_quote(text, [_span(text, "budgeten")], [(0, len(text))], max_chars=limit)
    assert "budgeten" in quote and quote.startswith("… ") and len(quote) <= limit


# The sentences the Swedish pipeline gives a numbered list: the marker "1." on its own.
LISTED = "1. Ekonomiska modeller\nVi behöver bli bättre på finansiering.\n2. Informationssäkerhet\nGDPR styr allt."


def _listed_sentences():
    starts = [0, 3, LISTED.index("\n2.") + 1, LISTED.index("Informationssäkerhet")]
    ends = [2, LISTED.index("\n2."), LISTED.index("\n2.") + 3, len(LISTED)]
    return list(zip(starts, ends))


def test_list_items_keep_their_marker_and_line_break():
    units = quote_units(LISTED, _listed_sentences())
    assert [LISTED[s:e] for s, e in units] == [
        "1. Ekonomiska modeller\nVi behöver bli bättre på finansiering.", "2. Informationssäkerhet\nGDPR styr allt."]
    assert compose_quote(LISTED, units, (1,)) == "… 2. Informationssäkerhet\nGDPR styr allt."
    assert compose_quote(LISTED, units, (0,)) == "1. Ekonomiska modeller\nVi behöver bli bättre på finansiering. …"


def _coded(rows, evidence, scores):
    """CodedAnswers of (id, respondent, text) rows with the given codes' evidence and scores."""
    frame = pd.DataFrame(rows, columns=["id", "respondent", "text"])
    frame["question"] = "q"
    frame["codes"] = [";".join(entry) for entry in evidence]
    for code in CODEBOOK.ids:
        frame[f"score_{code}"] = [row_scores.get(code, 0.1) for row_scores in scores]
    frame["evidence"] = [json.dumps(entry, ensure_ascii=False) for entry in evidence]
    return coded_answers(frame)


def _keyword(text, word, score=0.9):
    start = text.index(word)
    return {"score": score, "matches": [{"keyword": word, "text": word, "start": start, "end": start + len(word)}]}


def test_a_quote_shows_its_code_by_its_own_sentences():
    text = "Vi har börjat resan. Budgeten räcker inte till något."
    coded = _coded([("A1", "r1", text)], [{"resources": _keyword(text, "Budgeten")}], [{"resources": 0.9}])
    quotes = select_quotes(coded, CODEBOOK)
    assert quotes["quote"].tolist() == ["… Budgeten räcker inte till något."]


def test_similarity_alone_quotes_a_one_sentence_answer_but_not_an_unscored_longer_one():
    one = "Vi behöver bli bättre på att ta hand om varandra."
    two = "Det går sådär. Folk är trötta på allt nytt."
    evidence = [{"culture": {"score": 0.7, "matches": []}}] * 2
    coded = _coded([("A1", "r1", one), ("A2", "r2", two)], evidence, [{"culture": 0.7}] * 2)
    assert select_quotes(coded, CODEBOOK)["id"].tolist() == ["A1"]


def test_a_scorer_lets_the_sentence_that_scores_the_code_on_its_own_be_quoted():
    text = "Det går sådär. Folk är trötta på allt nytt."
    coded = _coded([("A2", "r2", text)], [{"culture": {"score": 0.7, "matches": []}}], [{"culture": 0.7}])

    def score_texts(texts):
        return pd.DataFrame({"culture": [0.9 if "trötta" in t else 0.2 for t in texts]})

    rules = QuoteRules({"culture": 0.5}, score_texts)
    assert select_quotes(coded, CODEBOOK, rules=rules)["quote"].tolist() == ["… Folk är trötta på allt nytt."]
    below = QuoteRules({"culture": 0.95}, score_texts)
    assert select_quotes(coded, CODEBOOK, rules=below).empty


def test_no_sentence_is_quoted_twice_and_the_code_with_fewer_candidates_gets_it():
    shared = "Budgeten och kompetensen räcker inte."
    other = "Kompetensen saknas helt hos oss."
    coded = _coded([("A1", "r1", shared), ("A2", "r2", other)],
                   [{"resources": _keyword(shared, "Budgeten"), "competence": _keyword(shared, "kompetensen")},
                    {"competence": _keyword(other, "Kompetensen")}],
                   [{"resources": 0.9, "competence": 0.95}, {"competence": 0.6}])
    quotes = select_quotes(coded, CODEBOOK, per_code=3)
    assert quotes[["code", "id"]].values.tolist() == [["resources", "A1"], ["competence", "A2"]]


def test_the_same_sentence_from_two_respondents_is_quoted_once():
    text = "Budgeten räcker inte."
    coded = _coded([("A1", "r1", text), ("A2", "r2", text)],
                   [{"resources": _keyword(text, "Budgeten")}] * 2, [{"resources": 0.9}] * 2)
    assert len(select_quotes(coded, CODEBOOK, per_code=3)) == 1


def test_a_whole_answer_is_preferred_to_a_trimmed_one():
    long = "Vi har börjat resan. Budgeten räcker inte för mer."
    whole = "Budgeten räcker inte för allt."
    coded = _coded([("A1", "r1", long), ("A2", "r2", whole)],
                   [{"resources": _keyword(long, "Budgeten")}, {"resources": _keyword(whole, "Budgeten")}],
                   [{"resources": 0.95}, {"resources": 0.9}])
    assert select_quotes(coded, CODEBOOK, per_code=1)["id"].tolist() == ["A2"]


def test_near_duplicates_and_repeated_respondents_are_skipped():
    texts = ["Ekonomin är ansträngd och budgeten räcker inte.", "Ekonomin är ansträngd och budgeten räcker inte!",
             "Vi har för lite pengar i budgeten.", "Pengarna i budgeten räcker inte till nya system."]
    coded = _coded([(f"A{i}", r, t) for i, (r, t) in enumerate(zip(["r1", "r2", "r3", "r3"], texts))],
                   [{"resources": _keyword(t, "budgeten")} for t in texts], [{"resources": 0.9}] * 4)
    quotes = select_quotes(coded, CODEBOOK, per_code=4)
    assert len(quotes) == 2 and quotes["respondent"].is_unique
    assert not {"A0", "A1"} <= set(quotes["id"])


def test_select_quotes_gives_rows_with_attributes_and_parents_draw_on_children():
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
    assert set(resources["respondent"]) <= {"r1", "r3", "r6"}
    assert not quotes["quote"].str.contains("vet ej|^-$").any()


def test_select_quotes_anonymises_on_request():
    answers = coded_answers()
    answers.frame.loc[0, "text"] = "Budgeten är för liten, säger Anna Berg. Vi har brist på personal."
    quotes = select_quotes(answers, CODEBOOK, per_code=3, anonymised=True)
    assert not quotes["quote"].str.contains("Anna").any()


def test_a_quoter_remembers_its_sentences_across_calls():
    text = "Budgeten räcker inte."
    coded = _coded([("A1", "r1", text)], [{"resources": _keyword(text, "Budgeten")}], [{"resources": 0.9}])
    quoter = Quoter(coded, CODEBOOK)
    assert len(quoter.quotes(1)) == 1 and quoter.quotes(1).empty


def test_quotes_are_chosen_among_the_highest_scoring_answers_in_row_order():
    rows = list(range(10, 20))
    scores = np.array([0.5, 0.9, 0.1, 0.9, 0.7, 0.2, 0.95, 0.3, 0.6, 0.8])
    kept, kept_scores = best_candidates(rows, scores, limit=4)
    assert kept == [11, 13, 16, 19] and kept_scores.tolist() == [0.9, 0.9, 0.95, 0.8]
    assert best_candidates(rows, scores, limit=10) == (rows, scores)
