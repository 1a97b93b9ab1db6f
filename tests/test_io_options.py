"""The shared command-line options and the quiet/verbose/progress behaviour."""
import click
from click.testing import CliRunner

from qualcode import progress
from qualcode.cli.options import answer_options, verbosity_options
from qualcode.io import read_answers


@click.command()
@click.argument("answers", type=click.Path())
@answer_options
@verbosity_options
def show(answers, reading):
    table = read_answers(answers, **reading)
    progress.say(f"{len(table)} svar")
    progress.explain(f"läste {answers}")
    with progress.progress(table.texts, "Kodar") as texts:
        click.echo("|".join(texts))


def run(tmp_path, *args):
    path = tmp_path / "svar.csv"
    path.write_text("respondent;kommun;Q1;Q2\nA;Boden;Ja, tack;Nej\nB;Piteå;Kanske;Vet ej\n",
                    encoding="utf-8")
    return CliRunner().invoke(show, [str(path), *args])


def test_answer_options_reach_read_answers(tmp_path):
    result = run(tmp_path, "--wide", "--id-column", "respondent", "--questions", "Q*",
                 "--delimiter", ";", "--encoding", "utf-8")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Ja, tack|Nej|Kanske|Vet ej\n"
    assert result.stderr == "4 svar\n"


def test_quiet_silences_all_but_errors_and_verbose_explains(tmp_path):
    assert run(tmp_path, "--wide", "--questions", "Q1", "-q").stderr == ""
    verbose = run(tmp_path, "--wide", "--questions", "Q1", "-v").stderr
    assert "2 svar" in verbose and "läste" in verbose and "Kodar" in verbose
    assert "encoding utf-8" in verbose and "delimiter ';'" in verbose
    assert "2 answers (2 with content)" in verbose
    assert run(tmp_path, "--wide", "--questions", "Q1").stderr == "2 svar\n"


def test_no_progress_bar_when_stderr_is_not_a_terminal(capsys):
    with progress.progress(iter(["ett", "två"]), "Kodar") as items:
        assert list(items) == ["ett", "två"]
    assert capsys.readouterr().err == ""
