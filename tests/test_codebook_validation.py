"""Invalid codebooks: every fault gives one message naming the file, the line, the field and a fix."""
import pytest

from qualcode.codebook import load_codebook
from qualcode.errors import InputError

VALID = """\
name: Test
language: sv
version: 1
codes:
  - id: resources
    label: Ekonomi
    description: Pengar och budget.
    keywords: [ekonomi, "inte råd", resurs*]
  - id: staffing
    label: Personal
    description: För lite personal.
    parent: resources
"""


def write(tmp_path, text, name="cb.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(path):
    with pytest.raises(InputError) as caught:
        load_codebook(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path))
    return message


# (case name, replaced text, replacement, expected message parts)
CASES = [
    ("unknown code key", "    label: Ekonomi\n", "    lable: Ekonomi\n",
     ["line 6", "lable", "did you mean 'label'"]),
    ("unknown top-level key", "language: sv\n", "langauge: sv\n",
     ["line 2", "langauge", "did you mean 'language'"]),
    ("duplicate id", "  - id: staffing\n", "  - id: resources\n",
     ["line 9", "duplicate id 'resources'", "first used at line 5"]),
    ("missing label", "    label: Personal\n", "",
     ["line 9", "label", "missing the required field 'label'"]),
    ("missing description", "    description: Pengar och budget.\n", "",
     ["line 5", "description", "code 'resources' is missing the required field 'description'"]),
    ("missing id", "  - id: staffing\n    label: Personal\n", "  - label: Personal\n",
     ["line 9", "missing the required field 'id'"]),
    ("empty description", "description: För lite personal.", "description: ''",
     ["line 11", "needs a non-empty 'description'"]),
    ("bad id syntax", "id: staffing", "id: Staffing-2",
     ["line 9", "'Staffing-2' is not a valid code id", "lower-case"]),
    ("id starting with digit", "id: staffing", "id: 2staff",
     ["line 9", "not a valid code id"]),
    ("parent naming no code", "parent: resources", "parent: resorces",
     ["line 12", "parent", "names no code", "did you mean 'resources'"]),
    ("parent of itself", "parent: resources", "parent: staffing",
     ["line 12", "cycle", "staffing -> staffing"]),
    ("empty keyword", '"inte råd", resurs*]', '"", resurs*]',
     ["line 8", "keywords", "item 2 of 'keywords' in code 'resources' is empty"]),
    ("star in the middle", "resurs*]", "res*urs]",
     ["line 8", "keywords", "'*' in the wrong place"]),
    ("star alone", "resurs*]", "'*']",
     ["line 8", "at least 2 letters before '*'"]),
    ("star after space", "resurs*]", "'inte *']",
     ["line 8", "at least 2 letters before '*'"]),
    ("regex in keyword", "resurs*]", "'budget|pengar']",
     ["line 8", "regular-expression characters"]),
    ("duplicate keyword", "resurs*]", "Ekonomi]",
     ["line 8", "appears twice", "remove one"]),
    ("keywords not a list", 'keywords: [ekonomi, "inte råd", resurs*]', "keywords: ekonomi",
     ["line 8", "'keywords' of code 'resources' must be a list"]),
    ("number as keyword", "resurs*]", "2020]",
     ["line 8", "must be text, not a number", "put it in quotes"]),
    ("label not text", "label: Personal", "label: [a, b]",
     ["line 10", "'label' of code 'staffing' must be text, not a list"]),
    ("bad color", "    parent: resources\n", "    parent: resources\n    color: red\n",
     ["line 13", "color", "not a hex colour"]),
    ("threshold out of range", "    parent: resources\n", "    parent: resources\n    threshold: 1.5\n",
     ["line 13", "threshold", "from 0 to 1"]),
    ("threshold as text", "    parent: resources\n", "    parent: resources\n    threshold: high\n",
     ["line 13", "threshold", "from 0 to 1"]),
    ("unknown status", "    parent: resources\n", "    parent: resources\n    status: draft\n",
     ["line 13", "status", "not one of active, suggested"]),
    ("bad language", "language: sv", "language: swedish",
     ["line 2", "language", "ISO 639-1"]),
    ("missing name", "name: Test\n", "",
     ["name", "needs a non-empty 'name'"]),
    ("empty codes", VALID[VALID.index("codes:"):], "codes: []\n",
     ["line 4", "codes", "non-empty list"]),
    ("code not a mapping", "  - id: staffing\n    label: Personal\n    description: För lite personal.\n"
     "    parent: resources\n", "  - staffing\n",
     ["line 9", "code 2 must be a mapping"]),
    ("duplicate key", "    label: Personal\n", "    label: Personal\n    label: Folk\n",
     ["line 11", "key 'label' appears twice", "first at line 10"]),
    ("examples as text", "    parent: resources\n", "    parent: resources\n    examples: Ett svar\n",
     ["line 13", "'examples' of code 'staffing' must be a list"]),
    ("version as list", "version: 1", "version: [1]",
     ["line 3", "version must be an integer or text"]),
    ("not yaml", "    label: Ekonomi\n", "    label: Ekonomi\n   bad: [unclosed\n",
     ["not valid YAML", "line"]),
]


@pytest.mark.parametrize("old, new, expected", [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_invalid_codebook_message(tmp_path, old, new, expected):
    assert old in VALID
    message = error_for(write(tmp_path, VALID.replace(old, new, 1)))
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


def test_there_are_at_least_twenty_invalid_cases():
    assert len(CASES) >= 20


def test_cycle_through_two_codes(tmp_path):
    text = VALID.replace("    keywords:", "    parent: staffing\n    keywords:")
    message = error_for(write(tmp_path, text))
    assert "cycle" in message and "resources -> staffing -> resources" in message
    assert ": line 8: parent:" in message


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(VALID.replace("Pengar", "Pengar och växlar").encode("cp1252"))
    message = error_for(path)
    assert "is not UTF-8" in message and "line 7" in message and "save the file as UTF-8" in message


def test_empty_file(tmp_path):
    assert "the file is empty" in error_for(write(tmp_path, "# only a comment\n"))


def test_top_level_list(tmp_path):
    assert "must be a mapping" in error_for(write(tmp_path, "- a\n- b\n"))


def test_missing_file(tmp_path):
    assert "no such file" in error_for(tmp_path / "absent.yaml")


def test_folder_instead_of_file(tmp_path):
    assert "is a folder" in error_for(tmp_path)


def test_from_dict_errors_name_the_source_without_lines():
    from qualcode.codebook import Codebook

    with pytest.raises(InputError, match=r"^<dict>: codes: .*non-empty list"):
        Codebook.from_dict({"name": "x", "language": "sv", "codes": []})


def test_a_bare_yaml_value_token_is_an_input_error_not_a_traceback(tmp_path):
    message = error_for(write(tmp_path, "="))
    assert "line 1" in message and "quote the value or fix the YAML syntax" in message
