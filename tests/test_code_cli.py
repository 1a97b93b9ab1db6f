"""`qualcode code` end to end: SPEC columns, input order and values, the sidecar, errors."""
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from qualcode.cli import cli

ANSWERS = pd.DataFrame({
    "id": ["007", "008", "009", "010"],
    "kommun": ["Kiruna", "Gällivare", "Kiruna", "Arjeplog"],
    "text": [
        "Ekonomin är ansträngd och vi har inte råd med nya licenser.",
        "Fibern når inte ut till byarna, uppkopplingen är usel.",
        "Vet ej",
        "Personalen behöver utbildning och mer kunskap om de digitala verktygen.",
    ],
})


@pytest.fixture
def answers_csv(tmp_path):
    path = tmp_path / "svar.csv"
    ANSWERS.to_csv(path, index=False)
    return path


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_code_writes_spec_columns_in_input_order(answers_csv, default_codebook_path, tmp_path):
    output = tmp_path / "coded.csv"
    before = answers_csv.read_bytes()
    result = run("code", answers_csv, "--codebook", default_codebook_path, "-o", output, "--mode", "fast")
    assert result.exit_code == 0, result.output
    coded = pd.read_csv(output, dtype=str, keep_default_na=False)
    assert list(coded["id"]) == ["007", "008", "009", "010"]
    assert list(coded.columns[:3]) == ["id", "kommun", "text"]
    assert {"codes", "evidence", "score_resources", "score_security"} <= set(coded.columns)
    assert "resources" in coded["codes"][0].split(";")
    assert "infrastructure" in coded["codes"][1].split(";")
    assert coded["codes"][2] == ""
    assert "competence" in coded["codes"][3].split(";")
    evidence = json.loads(coded["evidence"][0])["resources"]
    for match in evidence["matches"]:
        assert ANSWERS["text"][0][match["start"]:match["end"]] == match["text"]
    meta = json.loads((tmp_path / "coded.csv.meta.json").read_text(encoding="utf-8"))
    assert meta["codebook"]["name"] and len(meta["codebook"]["hash"]) == 64
    assert meta["settings"]["mode"] == "fast" and meta["columns"]["id"] == "id"
    assert answers_csv.read_bytes() == before


def test_existing_output_columns_are_replaced_with_a_warning(answers_csv, default_codebook_path, tmp_path):
    with_codes = tmp_path / "med_koder.csv"
    ANSWERS.assign(codes="old").to_csv(with_codes, index=False)
    output = tmp_path / "coded.xlsx"
    result = run("code", with_codes, "--codebook", default_codebook_path, "-o", output, "--mode", "fast")
    assert result.exit_code == 0
    assert "already has codes; they are replaced" in result.output
    coded = pd.read_excel(output, dtype=str).fillna("")
    assert "old" not in set(coded["codes"])


@pytest.mark.parametrize("args, message", [
    (["--codebook", "saknas.yaml"], "saknas.yaml: no such file"),
    (["--text-column", "svar"], "there is no column 'svar'"),
    (["--mode", "fast", "--threshold", "2"], "Invalid value for '--threshold': 2.0 is not in the range 0<=x<=1"),
    (["--embedder", "bert-base"], "--embedder bert-base: unknown embedder"),
])
def test_bad_input_exits_2_with_one_line(answers_csv, default_codebook_path, tmp_path, args, message):
    output = tmp_path / "coded.csv"
    base = ["code", answers_csv, "-o", output]
    if "--codebook" not in args:
        base += ["--codebook", default_codebook_path]
    result = run(*base, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert not output.exists()


def test_triage_marks_uncertain_answers_for_review(answers_csv, default_codebook_path, tmp_path):
    output = tmp_path / "coded.csv"
    result = run("code", answers_csv, "--codebook", default_codebook_path, "-o", output,
                 "--mode", "fast", "--triage", "0.9")
    assert result.exit_code == 0, result.output
    coded = pd.read_csv(output, dtype=str, keep_default_na=False)
    assert set(coded["needs_review"]) <= {"True", "False"}
    everything = run("code", answers_csv, "--codebook", default_codebook_path, "-o", output,
                     "--mode", "fast", "--triage", "1")
    assert everything.exit_code == 0
    assert set(pd.read_csv(output, dtype=str)["needs_review"]) == {"True"}


def test_missing_model_file_is_an_input_error(answers_csv, default_codebook_path, tmp_path):
    result = run("code", answers_csv, "--codebook", default_codebook_path, "-o", tmp_path / "c.csv",
                 "--model", tmp_path / "saknas.npz")
    assert result.exit_code == 2
    assert "saknas.npz" in result.output


def test_an_unexpected_error_is_one_line_with_exit_1(monkeypatch, answers_csv, default_codebook_path, tmp_path):
    import qualcode.codebook

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(qualcode.codebook, "load_codebook", broken)
    monkeypatch.delenv("QUALCODE_DEBUG", raising=False)
    result = CliRunner().invoke(cli, ["code", str(answers_csv), "--codebook", str(default_codebook_path),
                                      "-o", str(tmp_path / "c.csv")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: unexpected ZeroDivisionError: division by zero. This is a bug in qualcode; please report it "
        "with the command you ran (QUALCODE_DEBUG=1 shows the traceback)."]
