"""`qualcode counts` and `quotes` on a coded table read back with its sidecar."""
import json

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from qualcode.cli import cli
from test_report_data import CODEBOOK, coded_frame


@pytest.fixture
def coded_file(tmp_path):
    """A coded CSV whose columns have other names, and the sidecar that names their roles."""
    frame = coded_frame().rename(columns={"id": "svar_id", "respondent": "person", "question": "fraga"})
    path = tmp_path / "coded.csv"
    frame.to_csv(path, index=False)
    roles = {"id": "svar_id", "text": "text", "question": "fraga", "respondent": "person"}
    (tmp_path / "coded.csv.meta.json").write_text(json.dumps({"columns": roles}), encoding="utf-8")
    (tmp_path / "cb.yaml").write_text(CODEBOOK.to_yaml(), encoding="utf-8")
    return path


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_counts_prints_a_readable_table_using_the_sidecar_roles(coded_file):
    result = _run("counts", coded_file, "--codebook", coded_file.parent / "cb.yaml")
    assert result.exit_code == 0, result.output
    assert "Ekonomi och resurser" in result.output and "(no content)" in result.output
    line = next(l for l in result.output.splitlines() if l.strip().startswith("q1") and "resources" in l)
    assert line.split()[-3:] == ["3", "5", "0.6"]


def test_counts_to_a_file_writes_counts_cooccurrence_and_a_chart(coded_file):
    out = coded_file.parent / "out" / "counts.csv"
    out.parent.mkdir()
    result = _run("counts", coded_file, "--codebook", coded_file.parent / "cb.yaml",
                  "--by", "closed", "--min-group", "2", "-o", out)
    assert result.exit_code == 0, result.output
    counts = pd.read_csv(out, keep_default_na=False, dtype=str)
    assert list(counts.columns) == ["question", "group", "code", "label", "respondents", "base", "share"]
    suppressed = counts[(counts["question"] == "q2") & (counts["group"] == "Ja")]
    assert set(suppressed["respondents"]) == {"<2"}
    assert (out.parent / "counts.cooccurrence.csv").exists()
    assert (out.parent / "counts.png").read_bytes()[:4] == b"\x89PNG"


def test_counts_to_xlsx_opens_with_openpyxl(coded_file):
    out = coded_file.parent / "counts.xlsx"
    assert _run("counts", coded_file, "-o", out).exit_code == 0
    rows = list(load_workbook(out).active.values)
    assert rows[0][:3] == ("question", "code", "label")


@pytest.mark.parametrize("args, message", [
    (["--by", "kommun"], "--by kommun: no such column"),
    (["-o", "{dir}/counts.txt"], "cannot write '.txt'"),
    (["-o", "{dir}/coded.csv"], "input file"),
])
def test_bad_options_end_in_one_line_and_exit_2(coded_file, args, message):
    args = [a.format(dir=coded_file.parent) for a in args]
    result = _run("counts", coded_file, *args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_a_table_without_codes_is_refused(tmp_path):
    path = tmp_path / "answers.csv"
    pd.DataFrame({"id": ["a"], "text": ["x"]}).to_csv(path, index=False)
    result = _run("counts", path)
    assert result.exit_code == 2 and "run 'qualcode code'" in result.output
