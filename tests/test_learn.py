"""The trained model: the prior-shrunk logistic regression, learning, the model file, `train`."""
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from qualcode.cli import cli
from qualcode.codebook import Codebook
from qualcode.errors import InputError
from qualcode.learn import Features, PriorLogisticRegression, TrainedModel

CODEBOOK = {
    "name": "Test", "language": "sv",
    "codes": [
        {"id": "resources", "label": "Ekonomi", "description": "Pengar och budget.", "keywords": ["ekonomi", "budget"]},
        {"id": "infrastructure", "label": "Bredband", "description": "Fiber och uppkoppling.",
         "keywords": ["bredband", "fiber"]},
    ],
}
TEXTS = ["Ekonomin är ansträngd.", "Budgeten räcker inte.", "Vi har inte råd.", "Fibern saknas i byarna.",
         "Uppkopplingen är usel.", "Bredbandet är dåligt.", "Det går bra.", "Pengarna tar slut."]
CODES = [["resources"], ["resources"], ["resources"], ["infrastructure"], ["infrastructure"],
         ["infrastructure"], [], ["resources"]]


def test_without_prior_it_is_scikit_learns_logistic_regression():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 4)), rng.integers(0, 2, 60)
    ours = PriorLogisticRegression(np.zeros(4), 1 / 2.0).fit(X, y)
    theirs = LogisticRegression(C=2.0, tol=1e-10, max_iter=10_000).fit(X, y)
    assert ours.coef_ == pytest.approx(theirs.coef_[0], abs=1e-4)
    assert ours.intercept_ == pytest.approx(theirs.intercept_[0], abs=1e-4)


def test_a_strong_prior_holds_the_weights_where_the_codebook_put_them():
    X, y = np.array([[1.0], [2.0], [-1.0], [-2.0]]), np.array([0, 0, 1, 1])
    assert PriorLogisticRegression([1.0], 1e6).fit(X, y).coef_[0] == pytest.approx(1.0, abs=1e-3)
    assert PriorLogisticRegression([1.0], 1e-3).fit(X, y).coef_[0] < 0


def synthetic(n, seed):
    """Features where code 0 follows embedding dimension 0 and code 1 has no labels to learn from."""
    rng = np.random.default_rng(seed)
    embedding = rng.normal(size=(n, 3))
    labels = np.column_stack([(embedding[:, 0] > 0).astype(int), np.zeros(n, dtype=int)])
    coder = np.zeros((n, 2, 5))
    coder[:, 1, 0] = rng.normal(size=n)  # the zero-shot log-odds of code 1
    terms = [["ekonomi"] if y else ["fiber"] for y in labels[:, 0]]
    return Features(coder, embedding, terms), labels


def test_learns_from_labels_and_keeps_the_zero_shot_coder_where_it_has_none():
    model = TrainedModel(Codebook.from_dict(CODEBOOK))
    features, labels = synthetic(40, 0)
    model.fit_features(features, labels)
    test, truth = synthetic(30, 1)
    probability = model.predict_proba_features(test)
    assert np.mean((probability[:, 0] >= 0.5) == truth[:, 0]) == 1.0
    assert probability[:, 1] == pytest.approx(1 / (1 + np.exp(-test.coder[:, 1, 0])))
    assert model.positives_.tolist() == [labels[:, 0].sum(), 0]


def test_model_file_round_trip_and_refusal_of_another_codebook(tmp_path):
    codebook = Codebook.from_dict(CODEBOOK)
    features, labels = synthetic(40, 0)
    model = TrainedModel(codebook, seed=3).fit_features(features, labels)
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = TrainedModel.load(path, codebook)
    assert loaded.seed == 3 and loaded.labelled_ == 40
    assert loaded.predict_proba_features(features) == pytest.approx(model.predict_proba_features(features))
    changed = Codebook.from_dict({**CODEBOOK, "version": 2})
    with pytest.raises(InputError, match=r"model.npz: this model was trained with codebook 'Test' .* train again"):
        TrainedModel.load(path, changed)
    (tmp_path / "junk.npz").write_bytes(b"not a model")
    with pytest.raises(InputError, match="cannot read this as a qualcode model"):
        TrainedModel.load(tmp_path / "junk.npz", codebook)


def test_train_command_writes_a_model_that_codes(tmp_path, monkeypatch):
    monkeypatch.setenv("QUALCODE_CACHE_DIR", str(tmp_path / "cache"))
    answers, gold = tmp_path / "answers.csv", tmp_path / "gold.csv"
    codebook = tmp_path / "codebook.yaml"
    codebook.write_text(Codebook.from_dict(CODEBOOK).to_yaml(), encoding="utf-8")
    pd.DataFrame({"id": [f"a{i}" for i in range(len(TEXTS))], "text": TEXTS}).to_csv(answers, index=False)
    pd.DataFrame({"id": [f"a{i}" for i in range(len(TEXTS))],
                  "codes": [";".join(c) for c in CODES]}).to_csv(gold, index=False)
    model_path = tmp_path / "model.npz"
    result = CliRunner().invoke(cli, ["train", str(answers), "--gold", str(gold), "--codebook", str(codebook),
                                      "-o", str(model_path)])
    assert result.exit_code == 0, result.output
    model = TrainedModel.load(model_path, Codebook.from_dict(CODEBOOK))
    texts = ["Budgeten är slut.", "Fibern är nere."]
    with pytest.raises(NotFittedError):  # the zero-shot coder underneath learns from the corpus to code
        model.code(texts)
    coded = model.fit_corpus(texts).code(texts)
    assert coded.codes == [["resources"], ["infrastructure"]]
    nothing = model.code([])  # an empty chunk or Dask partition (a bug: KeyError 'lexical')
    assert nothing.codes == [] and list(nothing.scores.columns) == ["resources", "infrastructure"]
    assert list(coded.scores.columns) == ["resources", "infrastructure"]
    assert coded.evidence[0]["resources"].model["probability"] >= 0.5

    output = tmp_path / "coded.csv"
    result = CliRunner().invoke(cli, ["code", str(answers), "--codebook", str(codebook), "-o", str(output),
                                      "--model", str(model_path)])
    assert result.exit_code == 0, result.output
    coded_table = pd.read_csv(output, dtype=str, keep_default_na=False)
    assert coded_table["codes"][1] == "resources" and coded_table["codes"][3] == "infrastructure"
    assert '"model"' in coded_table["evidence"][1]


def test_train_command_names_an_unknown_gold_code(tmp_path):
    answers, gold, codebook = tmp_path / "answers.csv", tmp_path / "gold.csv", tmp_path / "codebook.yaml"
    codebook.write_text(Codebook.from_dict(CODEBOOK).to_yaml(), encoding="utf-8")
    pd.DataFrame({"id": ["a", "b"], "text": TEXTS[:2]}).to_csv(answers, index=False)
    pd.DataFrame({"id": ["a", "b"], "codes": ["resources", "budget"]}).to_csv(gold, index=False)
    result = CliRunner().invoke(cli, ["train", str(answers), "--gold", str(gold), "--codebook", str(codebook),
                                      "-o", str(tmp_path / "m.npz"), "--mode", "fast"])
    assert result.exit_code == 2
    assert "gold.csv: row 3: codes: unknown code 'budget'" in result.output
    assert not (tmp_path / "m.npz").exists()
