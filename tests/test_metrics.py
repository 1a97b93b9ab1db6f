"""Agreement metrics against values computed by hand, scikit-learn and the krippendorff package."""
import math

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score, f1_score

from qualcode.learn.metrics import (code_metrics, cohen_kappa, confused_pairs, indicator,
                                    krippendorff_alpha, macro_f1, micro_f1)

CODES = ["a", "b", "c"]
GOLD = [("a",), ("a", "b"), (), ("b",), ("a", "c")]
MACHINE = [("a",), ("b",), ("c",), ("b", "c"), ("a",)]


def test_kappa_by_hand():
    # 10 units: both 1 on 4, both 0 on 3, A-only 2, B-only 1 -> p_o 0.7, p_e 0.6*0.5+0.4*0.5 = 0.5
    a = [1, 1, 1, 1, 0, 0, 0, 1, 1, 0]
    b = [1, 1, 1, 1, 0, 0, 0, 0, 0, 1]
    assert cohen_kappa(a, b) == pytest.approx(0.4)


def test_alpha_by_hand():
    # Two coders, 4 units: coincidences o00=2, o01=o10=1, o11=4; n=8, n0=3, n1=5
    # alpha = 1 - (n-1) * D_o / sum_{c!=k} n_c n_k = 1 - 7 * 2 / 30
    data = [[0, 0, 1, 1], [0, 1, 1, 1]]
    assert krippendorff_alpha(data) == pytest.approx(1 - 14 / 30)


@pytest.mark.parametrize("seed", range(20))
def test_kappa_matches_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 2, 40), rng.integers(0, 2, 40)
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


@pytest.mark.parametrize("seed", range(20))
def test_alpha_matches_the_krippendorff_package_with_missing_values_and_more_coders(seed):
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 3, size=(int(rng.integers(2, 5)), 30)).astype(float)
    data[rng.random(data.shape) < 0.2] = np.nan
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert krippendorff_alpha(data) == pytest.approx(expected)


def test_undefined_agreement_is_nan_not_a_made_up_number():
    assert math.isnan(cohen_kappa([0, 0, 0], [0, 0, 0]))
    assert math.isnan(krippendorff_alpha([[1, 1, 1], [1, 1, 1]]))
    assert math.isnan(krippendorff_alpha([[np.nan, 1, np.nan], [0, np.nan, np.nan]]))


def test_per_code_table_by_hand():
    table = code_metrics(indicator(GOLD, CODES), indicator(MACHINE, CODES), CODES).set_index("code")
    # a: gold on 0,1,4; machine on 0,4 -> tp 2, fp 0, fn 1
    assert table.loc["a", ["support", "tp", "fp", "fn"]].tolist() == [3, 2, 0, 1]
    assert table.loc["a", "precision"] == 1.0
    assert table.loc["a", "recall"] == pytest.approx(2 / 3)
    assert table.loc["a", "f1"] == pytest.approx(0.8)
    assert table.loc["a", "agreement"] == pytest.approx(0.8)
    # c: gold on 4; machine on 2,3 -> tp 0: precision 0, recall 0, F1 0
    assert table.loc["c", ["tp", "fp", "fn"]].tolist() == [0, 2, 1]
    assert table.loc["c", "f1"] == 0.0


def test_macro_and_micro_f1_match_scikit_learn():
    gold, machine = indicator(GOLD, CODES), indicator(MACHINE, CODES)
    table = code_metrics(gold, machine, CODES)
    assert macro_f1(table) == pytest.approx(f1_score(gold, machine, average="macro"))
    assert micro_f1(table) == pytest.approx(f1_score(gold, machine, average="micro"))


def test_macro_f1_leaves_out_codes_the_gold_never_uses():
    gold, machine = indicator([("a",), ()], ["a", "b"]), indicator([("a",), ("b",)], ["a", "b"])
    assert macro_f1(code_metrics(gold, machine, ["a", "b"])) == 1.0


def test_confused_pairs_count_a_missed_code_and_an_extra_one_on_the_same_answer():
    pairs = confused_pairs(indicator(GOLD, CODES), indicator(MACHINE, CODES), CODES)
    # answer 1: a missed, nothing extra; answer 4: c missed, nothing extra; answer 3: c extra, nothing missed
    assert pairs.empty
    pairs = confused_pairs(indicator([("a",), ("a",), ("b",)], CODES), indicator([("b",), ("c",), ("a",)], CODES), CODES)
    assert pairs.to_dict("records") == [{"code": "a", "instead": "b", "answers": 1},
                                        {"code": "a", "instead": "c", "answers": 1},
                                        {"code": "b", "instead": "a", "answers": 1}]
