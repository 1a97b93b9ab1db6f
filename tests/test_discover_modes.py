"""Discovery modes (accurate E5, fast LSA, auto), codes of sentence units, and per-question
discovery, on real Swedish text."""
import dataclasses

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.codebook import load_codebook
from qualcode.discover import EmbeddingChoice, LsaEmbedding, ThemeDiscoverer, choose_embedding, discover, modes
from qualcode.errors import InputError
from qualcode.io import read_answers

REVIEW_SAMPLE = 1000


@pytest.fixture
def dev_table(dev_dir):
    return read_answers(dev_dir / "responses.csv")


@pytest.fixture
def reviews(real_dir):
    path = real_dir / "swedish_service_reviews" / "data.csv"
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return read_answers(path)


def _first(table, n):
    return dataclasses.replace(table, frame=table.frame.iloc[:n].reset_index(drop=True))


@pytest.mark.slow
def test_fast_mode_names_the_topics_of_real_reviews(reviews):
    found = discover(_first(reviews, REVIEW_SAMPLE), mode="fast", seed=0)
    assert found.embedding.mode == "fast" and "embedding: LSA (fast; as asked)" in found.summary
    words = " ".join(word for theme in found.model.themes_ for word in (theme.name, *theme.terms[:3]))
    for topic in ("städ", "mäklare", "bil", "mat", "restaurang"):
        assert topic in words, (topic, [theme.name for theme in found.model.themes_])


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["accurate", "fast"])
def test_same_seed_gives_same_clusters_in_both_modes(dev_table, mode):
    table = _first(dev_table, 80)
    first, second = (discover(table, mode=mode, seed=5) for _ in range(2))
    assert np.array_equal(first.model.labels_, second.model.labels_)
    assert [t.name for t in first.model.themes_] == [t.name for t in second.model.themes_]
    assert first.embedding.mode == mode


@pytest.mark.slow
def test_lsa_rows_have_unit_length_and_follow_the_seed(dev_table):
    model = ThemeDiscoverer(embedder=LsaEmbedding(random_state=1), random_state=1).fit(dev_table.texts[:120])
    norms = np.linalg.norm(model.embeddings_, axis=1)
    assert np.all(np.isclose(norms, 1.0, atol=1e-5) | (norms == 0))  # 0: no word shared with another answer
    again = ThemeDiscoverer(embedder=LsaEmbedding(random_state=1), random_state=1).fit(dev_table.texts[:120])
    assert np.array_equal(model.embeddings_, again.embeddings_)


def test_auto_takes_e5_when_small_or_cached_and_lsa_otherwise(dev_table, monkeypatch):
    # pairs of answers: texts no other test embeds
    texts = [f"{first} {second}" for first, second in zip(dev_table.texts[:6], dev_table.texts[6:12])]
    small = choose_embedding("auto", texts)
    assert small.mode == "accurate" and "characters take E5 about" in small.reason
    monkeypatch.setattr(modes, "AFFORDABLE_SECONDS", 100 / modes.SLOWEST_CHARACTERS_PER_SECOND)
    large = choose_embedding("auto", texts)
    assert large.mode == "fast" and str(large).startswith("LSA (fast; ") and "would take E5" in str(large)
    from qualcode.embed import get_embedder

    get_embedder("default").embed(texts, kind="query")
    assert choose_embedding("auto", texts) == EmbeddingChoice("accurate", "default", "every embedding is cached")
    assert choose_embedding("fast", texts).reason == "as asked"


class StatedSpeed:
    """An embedder that only states its speed (and has nothing cached)."""

    def __init__(self, characters_per_second):
        self.characters_per_second = characters_per_second

    def cached(self, texts, kind):
        return set()


@pytest.mark.parametrize("speed, mode", [(4_500, "fast"), (9_000, "fast"), (50_000, "accurate")])
def test_auto_on_ten_thousand_reviews_follows_the_backends_speed(reviews, monkeypatch, speed, mode):
    monkeypatch.setattr(modes, "get_embedder", lambda spec: StatedSpeed(speed))
    choice = choose_embedding("auto", reviews.texts)  # 2.8M characters, 2.6M in distinct texts
    assert choice.mode == mode and "2.6M characters" in choice.reason


def test_fast_mode_with_a_codebook_never_embeds(dev_table, default_codebook_path, monkeypatch):
    import qualcode.embed

    def refuse(*args, **kwargs):
        raise AssertionError("fast mode asked for an embedder")

    monkeypatch.setattr(qualcode.embed, "get_embedder", refuse)
    found = discover(_first(dev_table, 60), codebook=load_codebook(default_codebook_path),
                     uncoded_only=False, mode="fast", seed=0)
    assert found.coded and any(found.unit_codes)


def test_a_sentence_carries_only_the_codes_found_in_it(dev_table, default_codebook_path):
    # D005: "Många i personalen är inte så datavana, ... Sen är det dålig täckning ute i byarna ..."
    found = discover(dev_table, codebook=load_codebook(default_codebook_path), unit="sentence",
                     mode="fast", question="f1", clusters=4, seed=0)
    codes = {(found.unit_ids[i], unit.sentence): found.unit_codes[i] for i, unit in enumerate(found.model.units_)}
    assert codes[("D005", 1)] == ("competence",)
    assert codes[("D005", 2)] == ("infrastructure",)
    answer_codes = discover(dev_table, codebook=load_codebook(default_codebook_path), mode="fast",
                            question="f1", clusters=4, seed=0)
    assert set(answer_codes.unit_codes[answer_codes.unit_ids.index("D005")]) == {"competence", "infrastructure"}


def test_codes_without_evidence_go_to_every_sentence(tmp_path):
    path = tmp_path / "coded.csv"
    pd.DataFrame({"id": ["A1", "A2", "A3"], "codes": ["resources", "", "infrastructure"],
                  "text": ["Budgeten är slut. Pengarna räcker inte.", "Personalen saknar utbildning.",
                           "Fibern saknas i byarna."]}).to_csv(path, index=False)
    found = discover(read_answers(path), unit="sentence", mode="fast", clusters=2)
    assert [codes for unit_id, codes in zip(found.unit_ids, found.unit_codes) if unit_id == "A1"] == \
        [("resources",), ("resources",)]


def test_question_restricts_discovery_to_its_answers(dev_table):
    found = discover(dev_table, question=["f2"], mode="fast", clusters=3, seed=0)
    asked = dict(zip(dev_table.frame["id"], dev_table.frame["question"]))
    assert {asked[unit_id] for unit_id in found.unit_ids} == {"f2"}
    assert " to question f2 " in found.summary


@pytest.mark.parametrize("arguments, message", [
    (["--question", "f9"], "responses.csv: --question 'f9': no answers to it in column 'question'; "
                           "the questions are: 'f1', 'f2', 'f3', 'f4'"),
    (["--question-column", "sector", "--question", "f1"],
     "--question 'f1': no answers to it in column 'sector'; the questions are: 'äldreomsorg', 'skola',"),
    (["--mode", "quick"], "Invalid value for '--mode'"),
])
def test_bad_question_or_mode_is_one_line_exit_2(dev_dir, tmp_path, arguments, message):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["discover", str(dev_dir / "responses.csv"), *arguments, "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_question_needs_a_question_column(tmp_path):
    path = tmp_path / "answers.csv"
    pd.DataFrame({"id": ["A1", "A2"], "text": ["Budgeten är slut.", "Fiber saknas."]}).to_csv(path, index=False)
    result = CliRunner().invoke(cli, ["discover", str(path), "--question", "f1", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "answers.csv: --question 'f1': the answers have no question column; name it with " \
           "--question-column" in result.output


def test_unknown_mode_in_python_is_an_input_error(dev_table):
    with pytest.raises(InputError, match="--mode quick: unknown mode; use one of auto, accurate, fast"):
        discover(dev_table, mode="quick")


def test_command_records_the_embedding_in_themes_md(dev_dir, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["discover", str(dev_dir / "responses.csv"), "--mode", "fast",
                                      "--question", "f3", "--question", "f4", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "embedding: LSA (fast; as asked)" in result.output
    themes = (out / "themes.md").read_text(encoding="utf-8")
    assert "to question f3, f4" in themes and "Seed 0, embedding: LSA (fast; as asked)." in themes


def test_no_candidate_and_no_codebook_writes_no_draft(tmp_path):
    """Every theme mostly coded and no codebook: nothing to draft, and discovery still succeeds."""
    from qualcode.discover.run import write_discovery

    path = tmp_path / "coded.csv"
    pd.DataFrame({"id": ["A1", "A2", "A3", "A4"], "codes": ["resources"] * 4,
                  "text": ["Budgeten är slut.", "Pengarna räcker inte.", "Ekonomin är ansträngd.",
                           "Vi har ingen budget för det."]}).to_csv(path, index=False)
    found = discover(read_answers(path), mode="fast", clusters=2)
    assert found.draft is None and found.candidate_ids == {}
    out = tmp_path / "out"
    (out).mkdir()
    (out / "suggested_codebook.yaml").write_text("stale", encoding="utf-8")
    written = write_discovery(found, out)
    assert not (out / "suggested_codebook.yaml").exists()
    assert all(p.exists() for p in written)
    assert "None: most answers of every theme carry a code." in (out / "suggestions.md").read_text(encoding="utf-8")


def test_answers_coded_here_are_analysed_once(dev_table, default_codebook_path, monkeypatch):
    """Discovery reuses the analyses coding made (issue 13): one analysis of the answers, same themes."""
    import qualcode.coding.analysed as analysed_module

    table = _first(dev_table, 80)
    calls = []
    original = analysed_module.analyse_answers

    def counted(texts, *args, **kwargs):
        calls.append(len(texts))
        return original(texts, *args, **kwargs)

    for module in ("qualcode.discover.discoverer", "qualcode.discover.run"):
        monkeypatch.setattr(f"{module}.analyse_answers", counted)
    found = discover(table, codebook=load_codebook(default_codebook_path), mode="fast", seed=0)
    assert calls == []  # discovery and its keyword suggestions reuse the coder's analyses
    assert found.missing  # ... which the keyword suggestions did read
    monkeypatch.undo()
    again = ThemeDiscoverer(embedder=LsaEmbedding(random_state=0), random_state=0).fit(
        [table.texts[i] for i, keep in enumerate(table.substantive) if keep])
    assert np.array_equal(found.model.labels_, again.labels_)
    assert [t.name for t in found.model.themes_] == [t.name for t in again.themes_]


@pytest.mark.slow
def test_answers_far_from_every_theme_are_listed_and_no_theme_is_a_catch_all(dev_table, tmp_path):
    from qualcode.discover import write_discovery
    from qualcode.discover.units import lexicon_form
    from qualcode.language import fold

    found = discover(_first(dev_table, 150), mode="fast", seed=0)
    model = found.model
    unthemed = int((model.labels_ < 0).sum())
    assert 0 < unthemed < len(model.units_) / 2
    assert f"{unthemed} answers unthemed" in found.summary
    assert all(theme.size <= 0.15 * len(model.units_) for theme in model.themes_)
    assert all(theme.answers >= 3 for theme in model.themes_)
    answer_words = {word.lemma for answer in model.answers_ for word in answer.words}
    for theme in model.themes_:
        for word in theme.name.replace(",", " ").split():
            assert word.lower() in answer_words or lexicon_form(fold(word)) == word.lower(), theme.name
    write_discovery(found, tmp_path)
    clusters = pd.read_csv(tmp_path / "clusters.csv", encoding="utf-8-sig")
    assert int(clusters.cluster.isna().sum()) == unthemed
    themes_md = (tmp_path / "themes.md").read_text(encoding="utf-8")
    assert f"## Unthemed\n\n- Size: {unthemed} answers" in themes_md
    first_unthemed = clusters.id[clusters.cluster.isna()].tolist()
    assert any(f"({answer_id})" in themes_md.split("## Unthemed")[1] for answer_id in first_unthemed)


def test_a_forced_number_of_clusters_themes_every_answer(dev_table):
    found = discover(_first(dev_table, 60), mode="fast", clusters=4, seed=0)
    assert found.model.n_clusters_ == 4 and (found.model.labels_ >= 0).all()


def test_themes_are_counted_per_group(dev_dir, tmp_path):
    out = tmp_path / "out"
    args = ["discover", str(dev_dir / "responses.csv"), "--mode", "fast", "--by", "municipality", "-o", str(out), "-q"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    by = pd.read_csv(out / "themes_by.csv", encoding="utf-8-sig")
    clusters = pd.read_csv(out / "clusters.csv", encoding="utf-8-sig")
    table = pd.read_csv(dev_dir / "responses.csv", dtype=str).set_index("id")
    first = clusters[clusters.cluster == 1]
    expected = table.loc[first.id, "municipality"].value_counts()
    counted = by[by.theme == 1].set_index("municipality")["answers"]
    assert counted.to_dict() == expected.to_dict()
    assert by.answers.sum() == len(clusters)  # every answer once: its theme, or theme 0 when unthemed
    assert "- By municipality: " in (out / "themes.md").read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, args[:4] + ["--by", "kommun", "-o", str(out)])
    assert result.exit_code == 2 and "--by kommun: no such column" in result.output
    CliRunner().invoke(cli, args[:4] + ["-o", str(out), "-q"])
    assert not (out / "themes_by.csv").exists()  # counts of an earlier run never stay behind
