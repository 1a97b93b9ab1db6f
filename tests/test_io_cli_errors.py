"""Bad input through the real command line: exit status 2, one line on stderr, no output."""
import pytest
from click.testing import CliRunner

from qualcode.cli import COMMANDS, cli

pytestmark = pytest.mark.skipif("code" not in COMMANDS, reason="no 'code' command yet")

BAD_ANSWERS = {
    "missing.csv": None,
    "dubbletter.csv": "id;text\nR1;Ekonomin.\nR1;Tiden.\n".encode("cp1252"),
    "binär.csv": b"PK\x03\x04" + bytes(64),
    "trasig.csv": 'id;text\nR1;"Ekonomin.\n'.encode(),
}


@pytest.mark.parametrize("name", BAD_ANSWERS)
def test_bad_answers_exit_2_with_one_line(tmp_path, default_codebook_path, name):
    answers = tmp_path / name
    if BAD_ANSWERS[name] is not None:
        answers.write_bytes(BAD_ANSWERS[name])
    output = tmp_path / "kodat.csv"
    result = CliRunner().invoke(cli, ["code", str(answers), "--codebook",
                                      str(default_codebook_path), "-o", str(output)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {answers}: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output + result.stderr
    assert not output.exists()


def test_output_onto_the_input_exits_2_and_leaves_it_alone(tmp_path, default_codebook_path):
    answers = tmp_path / "svar.csv"
    answers.write_text("id;text\nR1;Ekonomin.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["code", str(answers), "--codebook",
                                      str(default_codebook_path), "-o", str(answers)])
    assert result.exit_code == 2 and "this is an input file" in result.stderr
    assert answers.read_text(encoding="utf-8") == "id;text\nR1;Ekonomin.\n"
