"""evaluate, agree, triage and queue on small hand-built tables."""
import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.coding import read_coded, split_codes
from qualcode.embed import Embedder
from qualcode.errors import InputError
from qualcode.learn import agree, certainty, decision_thresholds, evaluate, select_queue, triage_curve

CODED = pd.DataFrame({
    "id": ["r1", "r2", "r3", "r4"],
    "text": ["Ekonomin är ansträngd.", "Vi saknar kompetens och pengar.", "Vet ej", "Fibern är dålig."],
    "codes": ["resources", "competence", "", "resources"],
    "score_resources": [0.9, 0.45, 0.1, 0.6],
    "score_competence": [0.2, 0.8, 0.3, 0.05],
    "score_infrastructure": [0.0, 0.1, 0.2, 0.48],
    "evidence": ["{}"] * 4,
})
GOLD = pd.DataFrame({"id": ["r1", "r2", "r4"], "codes": ["resources", "competence; resources", "infrastructure"]})


@pytest.fixture
def files(tmp_path):
    coded, gold = tmp_path / "coded.csv", tmp_path / "gold.csv"
    CODED.to_csv(coded, index=False)
    GOLD.to_csv(gold, index=False)
    return coded, gold


def test_split_codes_accepts_what_people_type():
    assert split_codes("a; b") == ("a", "b")
    assert split_codes("a,b | c") == ("a", "b", "c")
    assert split_codes("") == ()


def test_evaluate_by_hand(files):
    report = evaluate(read_coded(files[0], text_required=False), read_coded(files[1], text_required=False))
    table = report.per_code.set_index("code")
    assert table.loc["resources", ["tp", "fp", "fn"]].tolist() == [1, 1, 1]
    assert table.loc["competence", "f1"] == 1.0
    assert table.loc["infrastructure", ["tp", "fn"]].tolist() == [0, 1]
    assert report.summary["answers"] == 3
    assert report.summary["macro_f1"] == pytest.approx((0.5 + 1 + 0) / 3)
    assert report.summary["micro_f1"] == pytest.approx(2 * 2 / (2 * 2 + 1 + 2))
    assert report.confusions.to_dict("records") == [{"gold": "infrastructure", "machine": "resources", "answers": 1}]
    assert report.disagreements["id"].tolist() == ["r2", "r4"]
    assert report.disagreements.loc[1, "text"] == "Fibern är dålig."
    assert report.disagreements.loc[0, "only gold"] == "resources"


def test_a_coded_table_edited_in_excel_is_gold(tmp_path, files):
    edited = CODED.copy()
    edited.loc[3, "codes"] = "infrastructure"
    path = tmp_path / "edited.xlsx"
    edited.to_excel(path, index=False)
    report = evaluate(read_coded(files[0], text_required=False), read_coded(path, text_required=False))
    assert report.summary["answers"] == 4
    assert report.per_code.set_index("code").loc["infrastructure", "support"] == 1


def test_unknown_gold_code_names_file_row_and_column(tmp_path, files):
    pd.DataFrame({"id": ["r1", "r2"], "codes": ["resources", "resouces"]}).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(InputError, match=r"bad.csv: row 3: codes: unknown code 'resouces'"):
        evaluate(read_coded(files[0], text_required=False), read_coded(tmp_path / "bad.csv", text_required=False))


def test_gold_answers_missing_from_the_coded_table_are_an_error(tmp_path, files):
    pd.DataFrame({"id": ["r1", "r9"], "codes": ["", ""]}).to_csv(tmp_path / "more.csv", index=False)
    with pytest.raises(InputError, match=r"1 answers of .*more.csv are not in this table \(e.g. 'r9'\)"):
        evaluate(read_coded(files[0], text_required=False), read_coded(tmp_path / "more.csv", text_required=False))


def test_repeated_id_is_located(tmp_path):
    pd.DataFrame({"id": ["r1", "r1"], "codes": ["", ""]}).to_csv(tmp_path / "twice.csv", index=False)
    with pytest.raises(InputError, match=r"twice.csv: row 3: id: the id 'r1' is used twice"):
        read_coded(tmp_path / "twice.csv", text_required=False)


def test_agree_compares_the_answers_both_coded(tmp_path):
    pd.DataFrame({"id": ["1", "2", "3", "4"], "codes": ["a", "a;b", "", "b"]}).to_csv(tmp_path / "anna.csv", index=False)
    pd.DataFrame({"id": ["1", "2", "3", "5"], "codes": ["a", "a", "b", "b"]}).to_csv(tmp_path / "bo.csv", index=False)
    report = agree(read_coded(tmp_path / "anna.csv", text_required=False), read_coded(tmp_path / "bo.csv", text_required=False))
    table = report.per_code.set_index("code")
    assert report.summary["answers"] == 3
    assert table.loc["a", "agreement"] == 1.0 and table.loc["a", "kappa"] == 1.0
    assert table.loc["b", "agreement"] == pytest.approx(1 / 3)
    assert report.triage is None


def test_thresholds_are_read_back_from_the_decisions():
    scores = np.array([[0.1, 0.9], [0.48, 0.2], [0.9, 0.3], [0.6, 0.95]])
    assert decision_thresholds(scores, scores >= 0.5).tolist() == [0.5, 0.5]
    only_high = np.array([[0, 1], [0, 0], [1, 0], [0, 1]], dtype=bool)
    assert decision_thresholds(scores, only_high)[0] == pytest.approx(0.6)


def test_certainty_is_the_least_certain_code_as_a_share_of_the_room_on_its_side():
    # threshold 0.5: 0.9 -> 0.8, 0.2 -> 0.6; threshold 0.2: 0.1 -> 0.5
    assert certainty([[0.9, 0.2]], [0.5, 0.5]).tolist() == pytest.approx([0.6])
    assert certainty([[0.9, 0.1]], [0.5, 0.2]).tolist() == pytest.approx([0.5])


def test_triage_curve_by_hand():
    sure = np.array([0.9, 0.8, 0.1, 0.5])
    gold = np.array([[1, 0], [0, 1], [1, 1], [1, 0]], dtype=bool)
    machine = np.array([[1, 0], [1, 1], [0, 0], [1, 1]], dtype=bool)
    curve = triage_curve(sure, gold, machine, coverages=(0.5, 1.0)).set_index("coverage")
    # top half: answers 0 and 1 -> decisions a, a, b: 2 right of 3
    assert curve.loc[0.5, ["answers", "level", "precision", "exact"]].tolist() == pytest.approx([2, 0.8, 2 / 3, 0.5])
    assert curve.loc[1.0, "precision"] == pytest.approx(3 / 5)


class ThemeEmbedder(Embedder):
    """Deterministic stand-in for E5: texts about money point one way, the rest another."""

    name, dim = "theme", 2

    def _embed(self, texts, kind):
        return np.array([[1.0, 0.1] if "pengar" in t or "Ekonomi" in t else [0.1, 1.0] for t in texts])


def test_queue_takes_uncertain_substantive_and_different_answers(files):
    queue = select_queue(read_coded(files[0], text_required=False), n=2, embedder=ThemeEmbedder(), diversity=1.0)
    assert queue["id"].tolist() == ["r4", "r2"]  # r3 "Vet ej" never; r2 and r4 differ in theme
    assert queue.loc[0, "borderline"].startswith("infrastructure 0.48")
    assert list(queue.columns) == ["rank", "id", "text", "codes", "borderline", "uncertainty"]


def test_evaluate_command_prints_a_table_and_writes_every_format(tmp_path, files):
    runner = CliRunner()
    result = runner.invoke(cli, ["evaluate", str(files[0]), "--gold", str(files[1])])
    assert result.exit_code == 0, result.output
    assert "macro F1 0.50" in result.output and "Triage" in result.output
    for suffix in (".csv", ".xlsx", ".json"):
        out = tmp_path / f"report{suffix}"
        assert runner.invoke(cli, ["evaluate", str(files[0]), "--gold", str(files[1]), "-o", str(out)]).exit_code == 0
    assert pd.read_csv(tmp_path / "report.csv")["code"].tolist() == ["resources", "competence", "infrastructure"]
    assert set(pd.read_excel(tmp_path / "report.xlsx", sheet_name=None)) == {
        "summary", "per_code", "confusions", "disagreements", "triage"}
    assert json.loads((tmp_path / "report.json").read_text())["summary"]["answers"] == 3


def test_commands_fail_in_one_line_with_exit_2(tmp_path, files):
    runner = CliRunner()
    result = runner.invoke(cli, ["evaluate", str(files[1]), "--gold", str(files[1])])
    assert result.exit_code == 2 and "no score_<code> columns" in result.output
    result = runner.invoke(cli, ["agree", str(files[0]), str(files[1]), "-o", str(files[1])])
    assert result.exit_code == 2 and "input file" in result.output
    result = runner.invoke(cli, ["queue", str(files[1])])
    assert result.exit_code == 2 and "Traceback" not in result.output
