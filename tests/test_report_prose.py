"""What a report says in words and how it tabulates closed answers: Swedish numbers, rounding,
the suppression sentence, closed and multi-choice tables, follow-up questions."""
import pandas as pd
import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.errors import InputError
from qualcode.reports.choices import (PER_QUESTION, PER_RESPONDENT, ChoiceColumn, column_kind, detect_separator,
                                      parse_multi_choice, tabulate)
from qualcode.reports.counts import count_codes
from qualcode.reports.outline import label_of, outline
from qualcode.reports.text import half_up_percent
from qualcode.reports.words import WORDS, listing, long_date, number, numbers
from test_report_data import CODEBOOK, coded_answers, coded_frame

SV = WORDS["sv"]


def test_small_numbers_are_words_and_numbers_compared_are_written_alike():
    assert [number(n, SV) for n in (0, 1, 7, 12, 13, 1234)] == ["noll", "en", "sju", "tolv", "13", "1\u00a0234"]
    assert number(1, SV, neuter=True) == "ett"
    assert numbers([7, 8], SV) == ["sju", "åtta"]
    assert numbers([7, 20], SV) == ["7", "20"]


def test_lists_use_och_and_semicolons_when_items_hold_commas():
    assert listing(["”Ja”", "”Nej”", "”Vet ej”"], SV) == "”Ja”, ”Nej” och ”Vet ej”"
    assert listing(["Kultur (fyra av åtta)", "Ledning, politik och styrning (tre av åtta)"], SV) == \
        "Kultur (fyra av åtta); Ledning, politik och styrning (tre av åtta)"


@pytest.mark.parametrize("count, base, expected", [(1, 8, 13), (3, 8, 38), (5, 8, 63), (1, 7, 14), (11, 20, 55),
                                                   (0, 5, 0), (1, 200, 1), (1, 400, 0)])
def test_shares_round_half_up(count, base, expected):
    assert half_up_percent(count, base) == expected


def test_dates_are_written_in_words():
    assert long_date("2026-12-06T03:12:45+00:00", SV) == "6 december 2026"
    assert long_date("2026-12-06T03:12:45+00:00", SV, with_time=True) == "6 december 2026 kl. 03.12 (UTC)"
    assert long_date("not a date", SV) == ""


# -- closed answers ------------------------------------------------------------------------
TICKS = ["Politiker; Tjänstemän", "Chefer; Tjänstemän", "Tjänstemän", "Ingen", "Chefer; Tjänstemän; Medborgare"]


def test_a_separator_joining_ticks_is_detected_and_a_comma_inside_an_answer_is_not():
    assert detect_separator(TICKS) == ";"
    assert detect_separator(["A|B", "B|C", "A"]) == "|"
    assert detect_separator(["Kommunalråd, vice KSO", "IT-chef", "Rektor, F-6", "Rektor, 7-9"]) is None
    assert detect_separator(["Ja; men bara delvis", "Nej", "Ja"]) is None    # one cell alone is no list


@pytest.mark.parametrize("spec, column, separator", [("svar", "svar", ";"), ("svar:|", "svar", "|"),
                                                     ("svar:", "svar", ";"), ("Fråga 7: vem driver", "Fråga 7: vem driver", ";")])
def test_multi_choice_option_names_a_column_and_a_separator(spec, column, separator):
    assert parse_multi_choice(spec) == ChoiceColumn(column, separator)


def test_ticks_are_tabulated_per_alternative_as_shares_of_all_who_answered():
    table = tabulate(TICKS + [""], [f"r{i}" for i in range(6)], ChoiceColumn("svar", ";"))
    rows = table.table.set_index("alternative")
    assert table.base == 5 and table.total == 6 and table.unanswered == 1 and table.multi
    assert rows.loc["Tjänstemän", ["respondents", "percent"]].tolist() == [4, 80]
    assert rows.loc["Chefer", ["respondents", "percent"]].tolist() == [2, 40]
    assert list(rows.index)[-1] == "Ingen"            # a residual answer comes last
    assert table.rounded_total is None                # several ticks: shares need not add up to 100


def test_a_single_choice_split_keeps_the_scale_order_and_says_when_rounding_misses_100():
    values = ["Vet ej", "Nej", "Ja", "Ja", "Ja", "Ja", "Ja", "Nej"]
    table = tabulate(values, range(8), ChoiceColumn("svar"))
    assert table.table["alternative"].tolist() == ["Ja", "Nej", "Vet ej"]
    assert table.table["percent"].tolist() == [63, 25, 13] and table.rounded_total == 101


def test_a_respondent_counts_once_per_alternative_over_several_rows():
    table = tabulate(["Ja", "Ja", "Nej"], ["r1", "r1", "r2"], ChoiceColumn("svar"))
    assert table.table.set_index("alternative")["respondents"].to_dict() == {"Ja": 1, "Nej": 1}


def test_a_column_that_changes_between_questions_is_per_question_and_one_that_never_does_is_the_respondents():
    facts = pd.DataFrame({"question": ["q1", "q2", "q1", "q2"], "respondent": ["r1", "r1", "r2", "r2"],
                          "answer": ["Ja", "Nej", "Ja", ""], "role": ["Rektor", "Rektor", "IT-chef", "IT-chef"]})
    assert column_kind(facts, "answer") == PER_QUESTION
    assert column_kind(facts, "role") == PER_RESPONDENT
    assert column_kind(facts.assign(answer=["Ja", "", "", ""]), "answer") == PER_QUESTION


def test_groups_of_a_multi_choice_column_hold_every_respondent_who_ticked_them():
    frame = coded_frame()
    frame["closed"] = ["Ja; Nej", "Ja; Nej", "Nej", "Nej", "Nej", "Ja", "Nej", "Ja", "Nej", "Nej"]
    counts = count_codes(coded_answers(frame), CODEBOOK, by="closed", min_group=1, separator=";")
    q1 = counts[counts["question"] == "q1"].set_index(["group", "code"])
    assert q1.loc[("Ja", "staff"), ["respondents", "base"]].tolist() == [1, 2]      # r1 (A1, A2) and r5
    assert q1.loc[("Nej", "staff"), ["respondents", "base"]].tolist() == [2, 4]     # r1 and r3 of r1, r2, r3, r6


# -- questions -----------------------------------------------------------------------------
def test_questions_are_numbered_in_file_order_and_follow_ups_go_under_the_question_before():
    entries = outline(["Upplever ni?", "Vad kan göras?", "Bedömer ni?"], ["Vad kan göras?"])
    assert [(e.number, e.question) for e in entries] == [("1", "Upplever ni?"), ("2", "Bedömer ni?")]
    assert [f.question for f in entries[0].follow_ups] == ["Vad kan göras?"]
    assert [len(e.follow_ups) for e in outline(["A?", "B?", "C?"], ["3"])] == [0, 1]


def test_labels_make_follow_ups_and_number_themselves():
    assert [label_of(q) for q in ("5.9 Upplever", "Q9_1", "Vad driver?")] == ["5.9", "Q9_1", None]
    entries = outline(["5.9 Upplever ni?", "5.9b Vad kan göras?", "5.10 Bedömer ni?", "Q10", "Q10_1"])
    assert [e.question for e in entries] == ["5.9 Upplever ni?", "5.10 Bedömer ni?", "Q10"]
    assert [e.number for e in entries] == [None, None, None]
    assert [[f.question for f in e.follow_ups] for e in entries] == [["5.9b Vad kan göras?"], [], ["Q10_1"]]


def test_a_follow_up_that_is_no_question_or_the_first_is_an_input_error():
    with pytest.raises(InputError, match="--follow-up Vad då[?]: no such question.*1 A[?]; 2 B[?]"):
        outline(["A?", "B?"], ["Vad då?"])
    with pytest.raises(InputError, match="the first question has no question before it"):
        outline(["A?", "B?"], ["1"])


@pytest.mark.parametrize("option, value, message", [
    ("--multi-choice", "kryss", "--multi-choice kryss: no such column; attribute columns: closed"),
    ("--follow-up", "Finns inte?", "--follow-up Finns inte?: no such question"),
])
def test_report_options_naming_nothing_exit_2_with_one_line(tmp_path, option, value, message):
    answers = tmp_path / "answers.csv"
    coded_frame()[["id", "respondent", "question", "closed", "text"]].to_csv(answers, index=False)
    codebook = tmp_path / "cb.yaml"
    codebook.write_text(CODEBOOK.to_yaml(), encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", str(answers), "--codebook", str(codebook), "-o", str(tmp_path / "out"),
                                      "--mode", "fast", option, value])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_a_report_in_english_writes_english(tmp_path):
    from qualcode.codebook import Codebook
    from qualcode.reports import report_coded

    data = CODEBOOK.to_dict()
    data["language"] = "en"
    report = report_coded(coded_answers(), Codebook.from_dict(data), tmp_path, by="closed", min_group=2)
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "This report covers ten answers from six respondents to two questions." in markdown
    assert "## Method" in markdown and "## Appendix: settings" in markdown
    assert not any(word in markdown for word in ("Andel", "respondenter", "Metod", "svarade"))
    assert report.attributes[0].table["alternative"].tolist() == ["Ja", "Nej"]   # the same on all of a respondent's rows


def _report(**fields):
    from types import SimpleNamespace

    return SimpleNamespace(words=SV, min_group=5, by="svarsalternativ", **fields)


@pytest.mark.parametrize("hidden, expected", [
    (["Vet ej"], "Gruppen ”Vet ej” redovisas inte, eftersom färre än fem av respondenterna i den svarade med innehåll"),
    (["Ja", "Vet ej"], "Grupperna ”Ja” och ”Vet ej” redovisas inte, eftersom färre än fem av respondenterna i var "
                       "och en av dem svarade med innehåll"),
    ([f"K{i}" for i in range(13)], "Här redovisas inte 13 grupper, eftersom färre än fem"),
])
def test_the_suppression_sentence_names_or_counts_the_groups_it_hides(hidden, expected):
    from types import SimpleNamespace

    from qualcode.reports.prose import hidden_note

    note = hidden_note(_report(), SimpleNamespace(hidden=hidden))
    assert note.startswith(expected) and note.endswith("I counts.csv står talen som ”<5”.")


def test_section_notes_leave_out_zero_lines_and_caution_on_a_small_base():
    from types import SimpleNamespace

    from qualcode.reports.prose import section_notes

    whole = SimpleNamespace(base=13, answered=13, uncoded=0, small_base=True)
    assert section_notes(_report(), whole) == [
        "Andelarna avser de 13 respondenter som svarade på frågan med innehåll.",
        "Underlaget är litet: varje respondent motsvarar åtta procentenheter, så andelarna bör läsas med försiktighet."]
    partial = SimpleNamespace(base=8, answered=20, uncoded=1, small_base=True)
    assert section_notes(_report(), partial)[1:3] == [
        "Svaret från en av dem fångas inte av något av kodbokens teman.",
        "Av de 20 respondenterna gav 12 inget svar med innehåll (fältet tomt eller till exempel ”vet ej” eller "
        "”-”) och ingår inte i basen."]
    assert section_notes(_report(), SimpleNamespace(base=0, answered=4, uncoded=0, small_base=False)) == [
        "Ingen av de fyra respondenterna svarade på frågan med innehåll."]


def test_a_multi_choice_column_besides_by_is_tabulated_per_question(tmp_path):
    from qualcode.reports import report_coded

    frame = coded_frame()
    frame["kryss"] = ["A|B", "A|B", "B", "A|C", "", "C", "A", "", "", ""]
    report = report_coded(coded_answers(frame), CODEBOOK, tmp_path, multi_choice=["kryss:|"])
    first = report.sections[0]
    table = first.closed[0]
    assert table.choice == ChoiceColumn("kryss", "|") and table.multi and not table.choice.detected
    assert dict(zip(table.table["alternative"], table.table["respondents"])) == {"A": 3, "B": 2, "C": 2}
    assert table.base == 5 and table.unanswered == 1       # r4 ticked nothing
    assert not report.sections[1].closed                    # nothing ticked for q2
    assert "Flera alternativ kunde väljas" in (tmp_path / "report.md").read_text(encoding="utf-8")
