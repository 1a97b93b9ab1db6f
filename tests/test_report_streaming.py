"""`qualcode report` streams: a report coded chunk by chunk is the report coded whole, and the
coding options (`--model`, `--threshold`, `--jobs`) reach the report as they reach `code`."""
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from qualcode.cli import cli

FAST = ("--mode", "fast")
DATED = re.compile(r"\d{4}-\d{2}-\d{2}|kl\. \d{2}\.\d{2}")  # when the report was made


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("QUALCODE_CACHE_DIR", str(tmp_path / "cache"))


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def report(answers, codebook, out, *options):
    run("report", answers, "--codebook", codebook, "-o", out, "--by", "municipality", *FAST, *options)
    return out


def undated(path):
    return DATED.sub("DATE", path.read_text(encoding="utf-8-sig"))


def trained_model(dev_dir, codebook, folder, n):
    """The first ``n`` dev answers written to ``folder`` and a fast model trained on their gold
    codes: (answers path, model path)."""
    responses = pd.read_csv(dev_dir / "responses.csv", dtype=str, keep_default_na=False).iloc[:n]
    gold = pd.read_csv(dev_dir / "gold.csv", dtype=str, keep_default_na=False)
    answers, gold_path, model = folder / "svar.csv", folder / "gold.csv", folder / "model.npz"
    responses.to_csv(answers, index=False)
    gold[gold["id"].isin(responses["id"])].to_csv(gold_path, index=False)
    run("train", answers, "--gold", gold_path, "--codebook", codebook, "-o", model, *FAST)
    return answers, model


@pytest.mark.slow
def test_a_report_coded_in_chunks_is_the_report_coded_whole(dev_dir, default_codebook_path, tmp_path):
    answers = dev_dir / "responses.csv"
    whole = report(answers, default_codebook_path, tmp_path / "whole")
    chunked = report(answers, default_codebook_path, tmp_path / "chunked", "--chunk-size", 37, "--jobs", 2)
    for name in ("coded.csv", "counts.csv", "counts.cooccurrence.csv", "quotes.csv", "closed.csv", "report.md"):
        if (whole / name).exists() or (chunked / name).exists():
            assert undated(chunked / name) == undated(whole / name), name
    assert len(pd.read_csv(chunked / "coded.csv")) == 260


def test_report_codes_with_a_trained_model_and_a_threshold_like_code(dev_dir, default_codebook_path, tmp_path):
    answers, model = trained_model(dev_dir, default_codebook_path, tmp_path, 80)

    run("code", answers, "--codebook", default_codebook_path, "-o", tmp_path / "coded.csv", "--model", model)
    out = tmp_path / "with-model"
    run("report", answers, "--codebook", default_codebook_path, "-o", out, "--model", model)
    coded, reported = (pd.read_csv(p, dtype=str, keep_default_na=False) for p in (tmp_path / "coded.csv",
                                                                              out / "coded.csv"))
    pd.testing.assert_series_equal(reported["codes"], coded["codes"])
    assert reported["evidence"].str.contains('"model"').any()

    strict = report(answers, default_codebook_path, tmp_path / "strict", "--threshold", 0.9)
    lenient = report(answers, default_codebook_path, tmp_path / "lenient", "--threshold", 0.1)
    coded_strict, coded_lenient = (pd.read_csv(p / "coded.csv", dtype=str, keep_default_na=False)["codes"]
                                   for p in (strict, lenient))
    assert coded_strict.str.len().gt(0).sum() < coded_lenient.str.len().gt(0).sum()


def test_report_refuses_a_setting_that_contradicts_the_model(dev_dir, default_codebook_path, tmp_path):
    answers, model = trained_model(dev_dir, default_codebook_path, tmp_path, 40)
    result = CliRunner().invoke(cli, ["report", str(answers), "--codebook", str(default_codebook_path),
                                      "-o", str(tmp_path / "out"), "--model", str(model), "--mode", "accurate"])
    assert result.exit_code == 2
    assert "--mode" in result.output and "model" in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
