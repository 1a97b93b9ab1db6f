"""Respondent-level counts checked against hand-computed expectations (see report_fixtures)."""
import pandas as pd
import pytest

from qualcode.errors import InputError
from qualcode.reports import cooccurrence, count_codes, displayed_counts
from test_report_data import CODEBOOK, coded_answers, coded_frame


def _row(counts, question, code, group=None):
    rows = counts[(counts["question"] == question) & (counts["code"] == code)]
    if group is not None:
        rows = rows[rows["group"] == group]
    assert len(rows) == 1
    row = rows.iloc[0]
    return row["respondents"], row["base"], row["share"]


def test_counts_are_per_respondent_with_substantive_base_and_parent_roll_up():
    counts = count_codes(coded_answers(), CODEBOOK)
    assert list(counts.columns) == ["question", "code", "label", "respondents", "base", "share"]
    # q1: six respondents answered, r4 only "vet ej" -> base 5; r1's two staff answers count once
    assert _row(counts, "q1", "resources") == (3, 5, 0.6)   # r1, r6 and r3 through its child staff
    assert _row(counts, "q1", "staff") == (2, 5, 0.4)
    assert _row(counts, "q1", "competence") == (2, 5, 0.4)
    assert _row(counts, "q1", "culture") == (1, 5, 0.2)
    assert _row(counts, "q1", "(uncoded)") == (1, 5, 0.2)   # r5
    assert _row(counts, "q1", "(no content)") == (1, 6, pytest.approx(0.167))   # r4 apart
    assert _row(counts, "q2", "competence") == (1, 2, 0.5)
    assert _row(counts, "q2", "(no content)") == (1, 3, pytest.approx(0.333))
    assert counts.loc[counts["code"] == "resources", "label"].iat[0] == "Ekonomi och resurser"


def test_without_codebook_ids_stand_alone_and_nothing_rolls_up():
    counts = count_codes(coded_answers())
    assert _row(counts, "q1", "resources") == (2, 5, 0.4)
    assert counts.loc[counts["code"] == "staff", "label"].iat[0] == "staff"


def test_groups_count_within_the_group_and_small_groups_are_suppressed():
    counts = count_codes(coded_answers(), CODEBOOK, by="closed", min_group=2)
    assert list(counts.columns) == ["question", "group", "code", "label", "respondents", "base", "share"]
    assert _row(counts, "q1", "resources", "(alla)") == (3, 5, 0.6)
    assert _row(counts, "q1", "resources", "Ja") == (1, 2, 0.5)
    assert _row(counts, "q1", "resources", "Nej") == (2, 3, pytest.approx(0.667))
    assert _row(counts, "q1", "competence", "Nej") == (2, 3, pytest.approx(0.667))
    assert _row(counts, "q1", "(no content)", "Nej") == (1, 4, 0.25)
    respondents, base, share = _row(counts, "q2", "culture", "Ja")   # one respondent: suppressed
    assert pd.isna(respondents) and pd.isna(base) and pd.isna(share)
    shown = displayed_counts(counts)
    suppressed = shown[(shown["question"] == "q2") & (shown["group"] == "Ja")]
    assert set(suppressed["respondents"]) == {"<2"} and set(suppressed["share"]) == {""}


def test_default_min_group_suppresses_groups_under_five():
    counts = count_codes(coded_answers(), CODEBOOK, by="closed")
    assert counts[counts["group"] != "(alla)"]["respondents"].isna().all()
    assert counts[counts["group"] == "(alla)"]["respondents"].notna().all()


def test_overall_rows_come_first_then_groups_in_order():
    counts = count_codes(coded_answers(), CODEBOOK, by="closed", min_group=1)
    q1 = counts[counts["question"] == "q1"]
    assert list(dict.fromkeys(q1["group"])) == ["(alla)", "Ja", "Nej"]
    assert list(q1["code"][:6]) == ["resources", "staff", "competence", "culture", "(uncoded)", "(no content)"]


def test_without_question_or_respondent_column_each_row_is_a_respondent():
    frame = coded_frame()
    counts = count_codes(coded_answers(frame, respondent_column=None, question_column=None), CODEBOOK)
    assert "question" not in counts.columns
    staff = counts[counts["code"] == "staff"].iloc[0]
    assert (staff["respondents"], staff["base"]) == (3, 8)   # A1, A2, A4 of 8 answers with content


def test_unknown_by_column_is_an_input_error_naming_the_columns():
    with pytest.raises(InputError, match="--by kommun: no such column.*closed"):
        count_codes(coded_answers(), CODEBOOK, by="kommun")


def test_cooccurrence_counts_answers_carrying_both_codes():
    matrix = cooccurrence(coded_answers(), CODEBOOK)
    assert list(matrix.index) == ["resources", "staff", "competence", "culture"]
    assert matrix.loc["staff", "staff"] == 3
    assert matrix.loc["resources", "staff"] == matrix.loc["staff", "resources"] == 1
    assert matrix.loc["resources", "competence"] == 1
    assert matrix.loc["staff", "culture"] == 1
    assert matrix.loc["competence", "culture"] == 0
