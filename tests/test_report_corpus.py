"""The shipped corpus corpora/norrbotten-2020 holds what its README says."""
from pathlib import Path

import pandas as pd
import pytest

from qualcode.codebook import load_codebook
from qualcode.io import read_answers

CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "norrbotten-2020"


@pytest.fixture(scope="module")
def answers():
    return read_answers(CORPUS / "answers.csv")


def test_answers_read_with_the_default_roles(answers):
    assert answers.question_column == "question" and answers.respondent_column == "respondent"
    assert answers.attribute_columns == ["befattning", "svarsalternativ"]
    frame = answers.frame
    assert len(frame) == 137 and frame["id"].is_unique
    assert int(answers.substantive.sum()) == 114   # "Nej." alone is no content
    assert frame["respondent"].nunique() == 20 and frame["question"].nunique() == 12


def _closed(frame, start):
    rows = frame[frame["question"].str.startswith(start)]
    return rows.groupby("respondent")["svarsalternativ"].first().value_counts().to_dict()


def test_closed_answers_follow_the_report(answers):
    frame = answers.frame
    assert _closed(frame, "Bedömer ni att er kompetens") == {"Nej": 11, "Ja": 7, "Vet ej": 2}   # 55 % Nej
    assert _closed(frame, "Upplever ni att det finns en kultur") == {"Ja": 8, "Nej": 8, "Vet ej": 4}
    ticks = frame[frame["question"].str.startswith("Vem upplever")]["svarsalternativ"].str.split("; ").explode()
    assert ticks.value_counts().to_dict() == {"Tjänstemän": 16, "Chefer": 9, "En specifik avdelning": 7,
                                              "Politiker": 6, "Medborgare": 4, "Ingen": 2}


def test_the_report_quotes_are_there_word_for_word(answers):
    texts = " ".join(answers.texts)
    assert ("Varför skall 290 kommuner i Sverige, som alla har samma uppdrag, uppfinna hjulet "
            "gång på gång var och en för sig?") in texts
    assert "Det är en grundförutsättning för vår förnyelse och behöver prioriteras och synliggöras." in texts


def test_provenance_covers_every_answer():
    provenance = pd.read_csv(CORPUS / "provenance.csv", dtype=str)
    answers = pd.read_csv(CORPUS / "answers.csv", dtype=str)
    assert provenance["id"].tolist() == answers["id"].tolist()
    assert set(provenance["basis"]) == {"quote", "listed point", "paraphrase", "reconstructed"}


def test_the_drivers_codebook_loads_with_its_parent():
    codebook = load_codebook(CORPUS / "drivers_codebook.yaml")
    assert [c.id for c in codebook.children("department")] == ["it_department"]
