"""``qualcode codebook validate/show/diff/new/export/import`` from the command line."""
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.codebook import load_codebook

VALID = """\
name: Test
language: sv
codes:
  - id: resources
    label: Ekonomi
    description: Pengar och budget.
    keywords: [ekonomi, budget]
  - id: staffing
    label: Personal
    description: För lite personal.
    parent: resources
"""


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def write(tmp_path, text, name="cb.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_ok(tmp_path):
    result = run("codebook", "validate", write(tmp_path, VALID))
    assert result.exit_code == 0 and "valid, 2 codes" in result.output


def test_validate_error_is_one_line_and_exit_2(tmp_path):
    path = write(tmp_path, VALID.replace("label: Personal", "lable: Personal"))
    result = run("codebook", "validate", path)
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"Error: {path}: line 9: lable: unknown key in code 'staffing'"
                                     " (did you mean 'label'?); allowed keys: id, label, "
                                     "description, include, exclude, keywords, exclude_keywords, "
                                     "examples, parent, color, threshold, status, note")
    assert "Traceback" not in result.output


def test_show_prints_the_tree(tmp_path):
    result = run("codebook", "show", write(tmp_path, VALID))
    assert result.exit_code == 0
    assert "resources     Ekonomi   [  2 keywords,  0 exclusions,  0 examples]" in result.output
    assert "    staffing  Personal  [  0 keywords" in result.output
    assert "Pengar och budget." in result.output
    brief = run("codebook", "show", "--brief", write(tmp_path, VALID))
    assert "Pengar och budget." not in brief.output


def test_show_default_codebook(default_codebook_path):
    result = run("codebook", "show", default_codebook_path)
    assert result.exit_code == 0 and result.output.count("keywords,") == 10


def test_diff_exits_zero_with_and_without_differences(tmp_path):
    old = write(tmp_path, VALID, "old.yaml")
    new = write(tmp_path, VALID.replace("budget]", "budget, kostnad]"), "new.yaml")
    changed = run("codebook", "diff", old, new)
    assert changed.exit_code == 0 and "resources.keywords: added 'kostnad'" in changed.output
    same = run("codebook", "diff", old, old)
    assert same.exit_code == 0 and "No differences." in same.output


def test_new_writes_a_valid_template(tmp_path):
    path = tmp_path / "start.yaml"
    assert run("codebook", "new", "-o", path).exit_code == 0
    assert "#" in path.read_text(encoding="utf-8") and len(load_codebook(path)) == 2
    printed = run("codebook", "new")
    assert printed.output.startswith("# A qualcode codebook")


def test_export_import_round_trip(tmp_path):
    source = write(tmp_path, VALID)
    qdc, back = tmp_path / "cb.qdc", tmp_path / "back.yaml"
    assert run("codebook", "export", source, "-o", qdc).exit_code == 0
    result = run("codebook", "import", qdc, "-o", back, "--name", "Test")
    assert result.exit_code == 0
    assert load_codebook(back).to_dict() == load_codebook(source).to_dict()


def test_output_onto_input_is_refused(tmp_path):
    source = write(tmp_path, VALID)
    before = source.read_bytes()
    result = run("codebook", "export", source, "-o", source)
    assert result.exit_code == 2 and "is an input file" in result.stderr
    assert source.read_bytes() == before


def test_output_into_missing_folder_leaves_nothing(tmp_path):
    result = run("codebook", "export", write(tmp_path, VALID), "-o", tmp_path / "no" / "x.qdc")
    assert result.exit_code == 2 and "does not exist; create it first" in result.stderr
