"""The notebook API: a DataFrame in, DataFrames out, the command line's results at any size."""
import json

import pandas as pd
import pytest
from click.testing import CliRunner

import qualcode as qc
from qualcode.cli import cli
from qualcode.errors import InputError

# more answers than the sample the coder learns from, coded in several chunks
SIZES = {"sample_size": 60, "chunk_size": 45}


@pytest.fixture
def survey(dev_dir):
    """The development answers as an analyst's DataFrame: other column names, numbers as numbers."""
    frame = pd.read_csv(dev_dir / "responses.csv", dtype=str, keep_default_na=False)
    frame = frame.rename(columns={"id": "svar_id", "text": "svar", "municipality": "kommun"})
    frame.insert(1, "löpnummer", range(1, len(frame) + 1))
    return frame


def run(*args):
    result = CliRunner().invoke(cli, [str(arg) for arg in args])
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.slow
def test_code_from_a_dataframe_equals_the_command_line(survey, default_codebook_path, tmp_path):
    coded = qc.code(survey, default_codebook_path, text="svar", id="svar_id", mode="fast", **SIZES)
    survey.to_csv(tmp_path / "svar.csv", index=False)
    run("code", tmp_path / "svar.csv", "--codebook", default_codebook_path, "-o", tmp_path / "coded.csv",
        "--text-column", "svar", "--id-column", "svar_id", "--mode", "fast",
        "--sample-size", SIZES["sample_size"], "--chunk-size", SIZES["chunk_size"])
    from_cli = pd.read_csv(tmp_path / "coded.csv", dtype=str, keep_default_na=False)
    assert len(coded) == len(survey) > SIZES["sample_size"]
    pd.testing.assert_frame_equal(coded.astype(str), from_cli.astype(str), check_dtype=False)
    sidecar = json.loads((tmp_path / "coded.csv.meta.json").read_text(encoding="utf-8"))
    meta = coded.attrs["qualcode"]
    assert meta["columns"] == sidecar["columns"] and meta["codebook"]["hash"] == sidecar["codebook"]["hash"]
    assert meta["settings"]["fitted_on"] == sidecar["settings"]["fitted_on"] == SIZES["sample_size"]


@pytest.mark.slow
def test_counts_quotes_and_report_from_the_coded_dataframe(survey, default_codebook_path, tmp_path):
    coded = qc.code(survey, default_codebook_path, text="svar", id="svar_id", mode="fast", **SIZES)
    coded.to_csv(tmp_path / "coded.csv", index=False)
    (tmp_path / "coded.csv.meta.json").write_text(json.dumps(coded.attrs["qualcode"]), encoding="utf-8")

    counts = qc.counts(coded, by="kommun")  # labels from the codebook recorded in attrs
    run("counts", tmp_path / "coded.csv", "--codebook", default_codebook_path, "--by", "kommun",
        "-o", tmp_path / "counts.csv")
    from_cli = pd.read_csv(tmp_path / "counts.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(counts["label"]) == list(from_cli["label"])
    shown = counts["respondents"].astype(object).where(counts["base"].notna(), "<5").astype(str)
    assert list(shown) == list(from_cli["respondents"])

    quotes = qc.quotes(coded, per_code=2)
    run("quotes", tmp_path / "coded.csv", "--codebook", default_codebook_path, "--per-code", 2,
        "-o", tmp_path / "quotes.csv")
    from_cli = pd.read_csv(tmp_path / "quotes.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(quotes["quote"]) == list(from_cli["quote"]) and len(quotes) > 10

    report = qc.report(coded, tmp_path / "report", by="kommun")
    assert (tmp_path / "report" / "report.html").is_file()
    assert report.answers == len(survey)
    assert pd.read_csv(tmp_path / "report" / "coded.csv", dtype=str, keep_default_na=False)["codes"].tolist() == \
        coded["codes"].tolist()


def test_a_report_needs_its_codebook(tmp_path):
    coded = pd.DataFrame({"id": ["1"], "text": ["Budgeten räcker inte."], "codes": ["resources"]})
    with pytest.raises(InputError, match="pass codebook=PATH"):
        qc.report(coded, tmp_path / "out")


def test_a_dataframe_is_read_like_a_file(default_codebook_path):
    with pytest.raises(InputError, match="<DataFrame>: column 'id': ids must be unique"):
        qc.code(pd.DataFrame({"id": [1, 1], "text": ["a", "b"]}), default_codebook_path, mode="fast")
    with pytest.raises(InputError, match="there is no column 'svar'"):
        qc.code(pd.DataFrame({"id": [1], "text": ["a"]}), default_codebook_path, text="svar", mode="fast")
