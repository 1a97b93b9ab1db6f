"""`qualcode quotes`: readable on the terminal, SPEC columns in files, masking on request."""
import json

import pandas as pd
from click.testing import CliRunner

from qualcode.cli import cli
from test_report_data import CODEBOOK, coded_frame


def _coded_file(tmp_path):
    frame = coded_frame()
    frame.loc[0, "text"] = "Budgeten är för liten, mejla anna.berg@kommun.se. Vi har brist på personal."
    frame.loc[0, "evidence"] = json.dumps({"resources": {"matches": [{"start": 0, "end": 8}]},
                                           "staff": {"matches": [{"start": 62, "end": 70}]}})
    path = tmp_path / "coded.csv"
    frame.to_csv(path, index=False)
    (tmp_path / "cb.yaml").write_text(CODEBOOK.to_yaml(), encoding="utf-8")
    return path


def test_quotes_print_per_code_with_who_said_it(tmp_path):
    path = _coded_file(tmp_path)
    result = CliRunner().invoke(cli, ["quotes", str(path), "--codebook", str(tmp_path / "cb.yaml"),
                                      "--per-code", "1"])
    assert result.exit_code == 0, result.output
    assert "Personal (staff)" in result.output and "”Kompetensen saknas helt.”" in result.output


def test_quotes_to_csv_have_the_spec_columns_and_are_anonymised(tmp_path):
    path = _coded_file(tmp_path)
    out = tmp_path / "quotes.csv"
    result = CliRunner().invoke(cli, ["quotes", str(path), "--codebook", str(tmp_path / "cb.yaml"),
                                      "--anonymise", "-o", str(out)])
    assert result.exit_code == 0, result.output
    quotes = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(quotes.columns)[:6] == ["code", "label", "quote", "id", "respondent", "score"]
    assert "closed" in quotes.columns and "path" in quotes.columns
    assert not quotes["quote"].str.contains("anna.berg").any()
    a1 = quotes[(quotes["id"] == "A1") & (quotes["code"] == "staff")]
    assert a1.empty or a1["quote"].iat[0] == "… Vi har brist på personal."
