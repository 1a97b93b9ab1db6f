"""The shipped codebook codebooks/digital_maturity.yaml: valid, complete and careful."""
import csv

import pytest

from qualcode.codebook import load_codebook

IDS = ["resources", "competence", "legacy_it", "culture", "leadership", "citizens", "efficiency",
       "collaboration", "infrastructure", "security"]
FALSE_FRIENDS = {"culture": "kulturskola*", "resources": "ekonomiskt bistånd",
                 "leadership": "ledningsnät*", "citizens": "servicehus*",
                 "security": "inte säker på"}


@pytest.fixture
def default_codebook(default_codebook_path):
    return load_codebook(default_codebook_path)


def test_exact_ids_in_order(default_codebook):
    assert default_codebook.ids == IDS
    assert default_codebook.language == "sv"


@pytest.mark.parametrize("code_id", IDS)
def test_every_code_is_complete(default_codebook, code_id):
    code = default_codebook[code_id]
    assert len(code.keywords) >= 25
    assert len(code.examples) >= 3
    assert code.include and code.exclude and len(code.description) > 80
    assert code.color and code.is_active


@pytest.mark.parametrize("code_id, pattern", FALSE_FRIENDS.items())
def test_known_false_friends_are_excluded(default_codebook, code_id, pattern):
    assert pattern in default_codebook[code_id].exclude_keywords


def test_no_over_broad_bare_words(default_codebook):
    too_broad = {"system", "data", "it", "tid", "chef", "medel"}
    for code in default_codebook:
        assert too_broad.isdisjoint(keyword.lower() for keyword in code.keywords), code.id


def test_examples_are_not_copied_from_the_development_answers(default_codebook, dev_dir):
    with open(dev_dir / "responses.csv", encoding="utf-8") as stream:
        answers = {" ".join(row["text"].lower().split()) for row in csv.DictReader(stream)}
    for code in default_codebook:
        for example in code.examples:
            assert " ".join(example.lower().split()) not in answers, (code.id, example)
