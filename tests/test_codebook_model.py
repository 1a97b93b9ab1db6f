"""The codebook model: lookup, hierarchy, content hash and round trips through dict and YAML."""
from qualcode.codebook import Codebook, load_codebook, parse_codebook_text
from qualcode.codebook.diff import diff_codebooks

TEXT = """\
# Kodbok för test
name: Test
language: sv
version: 2
codes:
  - id: hinder
    label: Hinder
    description: Allt som bromsar.
  - id: resources
    label: Ekonomi
    description: >
      Pengar och
      budget.
    keywords: [ekonomi, "inte råd", resurs*]
    parent: hinder
    color: "#ABC"
  - id: staffing
    label: Personal
    description: För lite personal.
    parent: resources
    status: suggested
    threshold: 0.4
"""


def codebook():
    return parse_codebook_text(TEXT, source="test.yaml")


def test_lookup_and_hierarchy():
    cb = codebook()
    assert cb.name == "Test" and cb.language == "sv" and cb.version == 2
    assert cb.ids == ["hinder", "resources", "staffing"]
    assert cb["resources"].label == "Ekonomi" and cb.get("absent") is None and "hinder" in cb
    assert [code.id for code in cb.children("hinder")] == ["resources"]
    assert [code.id for code in cb.ancestors("staffing")] == ["resources", "hinder"]
    assert [code.id for code in cb.active_codes] == ["hinder", "resources"]
    assert [code.id for code in cb.roots()] == ["hinder"]


def test_fields_are_normalised():
    code = codebook()["resources"]
    assert code.description == "Pengar och budget."
    assert code.keywords == ("ekonomi", "inte råd", "resurs*")
    assert code.color == "#aabbcc" and code.line == 9 and code.status == "active"
    assert codebook()["staffing"].threshold == 0.4


def test_content_hash_ignores_comments_formatting_and_key_order():
    reformatted = (TEXT.replace("# Kodbok för test\n", "")
                   .replace(">\n      Pengar och\n      budget.", "'Pengar  och budget.'")
                   .replace('[ekonomi, "inte råd", resurs*]', "\n      - ekonomi\n      - inte råd\n      - resurs*")
                   .replace("    label: Hinder\n    description: Allt som bromsar.\n",
                            "    description: Allt som bromsar.\n    label: Hinder\n    status: active\n"))
    assert reformatted != TEXT
    assert parse_codebook_text(reformatted).content_hash == codebook().content_hash


def test_content_hash_changes_with_content():
    changed = parse_codebook_text(TEXT.replace("resurs*]", "resurs*, budget]"))
    assert changed.content_hash != codebook().content_hash


def test_dict_and_yaml_round_trips_keep_everything(tmp_path):
    cb = codebook()
    assert Codebook.from_dict(cb.to_dict()).to_dict() == cb.to_dict()
    path = tmp_path / "again.yaml"
    path.write_text(cb.to_yaml(), encoding="utf-8")
    again = load_codebook(path)
    assert again.to_dict() == cb.to_dict() and again.content_hash == cb.content_hash


def test_to_dict_leaves_out_defaults():
    data = codebook()["hinder"].to_dict()
    assert data == {"id": "hinder", "label": "Hinder", "description": "Allt som bromsar."}


def test_diff_reports_renames_and_keyword_changes():
    old = codebook()
    new = parse_codebook_text(TEXT.replace("id: staffing", "id: personnel")
                              .replace("resurs*]", "resurs*, budget]")
                              .replace("Allt som bromsar.", "Allt som hindrar."))
    diff = diff_codebooks(old, new)
    assert [(a.id, b.id) for a, b in diff.renamed] == [("staffing", "personnel")]
    assert not diff.added and not diff.removed
    text = diff.to_text()
    assert "~ renamed staffing -> personnel" in text
    assert "~ resources.keywords: added 'budget'" in text
    assert "~ hinder.description: 'Allt som bromsar.' -> 'Allt som hindrar.'" in text
    assert diff_codebooks(old, old).is_empty and diff_codebooks(old, old).to_text() == "No differences."
