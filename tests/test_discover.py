"""Theme discovery: the estimator, its parts, the outputs and the command."""
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.coding.analysed import analyse_answers
from qualcode.discover import AutoKMeans, ThemeDiscoverer
from qualcode.discover.cluster import small_to_noise, split_large, themed_labels
from qualcode.discover.represent import class_tfidf, distinct_terms, representative, short_name
from qualcode.discover.suggest import unique_id
from qualcode.discover.units import FILLER, split_units

THEMES = {
    "bredband": ["Uppkopplingen i byarna är dålig, bredbandet räcker inte.",
                 "Dålig mobiltäckning och inget fiber ute i byarna.",
                 "Bredband och täckning saknas i glesbygden.",
                 "Nätet är för svagt, bredbandsutbyggnaden har stannat.",
                 "Täckningen på landsbygden är usel, fiber behövs."],
    "ekonomi": ["Vi har inte råd, budgeten är för liten.",
                "Ekonomin är ansträngd och pengarna räcker inte.",
                "Det saknas pengar i budgeten för nya system.",
                "Kommunens ekonomi sätter stopp, inga pengar till licenser.",
                "Budgeten är slut och ekonomin går inte ihop."],
    "kompetens": ["Personalen saknar digital kompetens.",
                  "Vi behöver kompetensutveckling i nya verktyg.",
                  "Många medarbetare kan inte systemen, utbildning saknas.",
                  "Brist på kompetens och utbildning hos personalen.",
                  "Kompetensen räcker inte, vi behöver fortbildning."],
}
TEXTS = [text for texts in THEMES.values() for text in texts]


def test_same_seed_gives_same_themes():
    first = ThemeDiscoverer(n_clusters="auto", random_state=3).fit(TEXTS)
    second = ThemeDiscoverer(n_clusters="auto", random_state=3).fit(TEXTS)
    assert np.array_equal(first.labels_, second.labels_)
    assert [t.name for t in first.themes_] == [t.name for t in second.themes_]
    assert np.allclose(first.distances_, second.distances_)


def test_three_themes_are_found_and_named():
    model = ThemeDiscoverer(n_clusters=3, random_state=0).fit(TEXTS)
    truth = np.repeat(np.arange(3), 5)
    for theme in model.themes_:
        members = truth[list(theme.members)]
        assert np.bincount(members).max() >= 4, theme
    names = " ".join(theme.name for theme in model.themes_)
    for word in ("bredband", "ekonomi", "kompetens"):
        assert word in names or any(word in term for t in model.themes_ for term in t.terms[:3])
    assert sum(t.size for t in model.themes_) == len(TEXTS)
    assert model.map_.shape == (len(TEXTS), 2)
    assert [t.size for t in model.themes_] == sorted((t.size for t in model.themes_), reverse=True)


def test_sentence_units_split_long_answers():
    model = ThemeDiscoverer(n_clusters=2, unit="sentence", random_state=0).fit(
        ["Budgeten är slut. Bredbandet i byarna är dåligt.", "Pengarna räcker inte.", "Fiber saknas."])
    assert [(u.answer, u.sentence) for u in model.units_] == [(0, 1), (0, 2), (1, 1), (2, 1)]
    assert model.units_[1].text == "Bredbandet i byarna är dåligt."


def test_auto_k_clusters_finer_than_separated_groups_and_never_mixes_them():
    rng = np.random.default_rng(0)
    centres = np.eye(8)[:4] * 10
    points = np.vstack([centre + rng.normal(size=(8, 8)) for centre in centres])
    model = AutoKMeans(random_state=0).fit(points)
    assert model.n_clusters_ in model.candidate_ks(len(points)) and model.n_clusters_ >= 4
    groups = np.repeat(np.arange(4), 8)
    assert all(len(set(groups[model.labels_ == c])) == 1 for c in range(model.n_clusters_))


def test_units_far_from_every_theme_stay_unthemed():
    vectors = np.array([[1, 0], [0.99, 0.14], [0.98, -0.2], [0, 1], [0.1, 0.99], [-0.14, 0.99],
                        [0.99, 0.1], [0.7, -0.7]], dtype=float)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    groups = list(range(len(vectors)))
    # noise near the first theme joins it; the unit between the themes and far from both stays out
    noisy = [4, 4, 4, 7, 7, 7, -1, -1]
    assert themed_labels(vectors, noisy, groups, quantile=1.0, min_size=3).tolist() == [0, 0, 0, 1, 1, 1, 0, -1]
    # with the 0.9 quantile the loosest member of a theme leaves it too
    assert themed_labels(vectors, noisy, groups, quantile=0.9, min_size=3).tolist() == [0, 0, -1, 1, 1, 1, 0, -1]
    # a cluster of fewer than 3 answers is no theme
    assert small_to_noise([0, 0, 0, 1, 1, 1, 2, 2], [0, 0, 1, 2, 3, 4, 5, 6], 3).tolist() == [-1] * 3 + [0] * 3 + [-1] * 2


def test_a_large_cluster_is_split():
    rng = np.random.default_rng(0)
    vectors = np.vstack([rng.normal([5, 0], 0.3, (10, 2)), rng.normal([0, 5], 0.3, (10, 2))])
    labels = split_large(vectors, np.zeros(20, dtype=int), max_size=12)
    assert sorted(np.bincount(labels).tolist()) == [10, 10]


def test_class_tfidf_prefers_distinctive_terms():
    unit_terms = [("budget", "pengar"), ("budget", "system"), ("fiber", "system"), ("fiber", "mast")]
    ranked = class_tfidf(unit_terms, np.array([0, 0, 1, 1]), 2)
    assert ranked[0][0][0] == "budget" and ranked[1][0][0] == "fiber"
    assert "system" not in [term for term, _, _ in ranked[0][:1]]


def test_short_name_skips_repeats_and_keeps_three_words():
    display = {"dalig": "dålig", "tackning": "täckning", "dalig tackning": "dålig täckning", "fiber": "fiber",
               "mast": "mast"}
    ranked = [("dalig tackning", 3, 3), ("tackning", 2, 3), ("fiber", 1, 2), ("mast", 1, 2)]
    assert short_name(ranked, display) == "dålig täckning, fiber"


def test_quotes_skip_near_duplicates():
    vectors = np.array([[1, 0], [1, 0.001], [0.8, 0.6], [0.2, 0.98]])
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = ["a", "a!", "b", "c"]
    assert representative(range(4), vectors, np.array([1.0, 0.0]), texts, n=3) == [0, 2, 3]


def test_terms_leave_out_stop_words_and_filler():
    units, display = split_units(analyse_answers(["Vi i kommunen behöver att budgeten räcker till bredband."]))
    words = {part for term in units[0].terms for part in term.split(" ")}
    assert {"vi", "att", "kommun"}.isdisjoint(words) and {"budget", "bredband"} <= words
    assert "kommun" in FILLER


def test_unique_id_follows_spec():
    assert unique_id(["Täckning", "mobil"], set()) == "tackning_mobil"
    assert unique_id(["Täckning", "mobil"], {"tackning_mobil"}) == "tackning_mobil_2"
    assert unique_id(["5G"], set()) == "tema_5g"


@pytest.fixture
def answers_file(tmp_path):
    frame = pd.DataFrame({"id": [f"A{i}" for i in range(len(TEXTS) + 1)], "text": TEXTS + ["-"]})
    path = tmp_path / "answers.csv"
    frame.to_csv(path, index=False)
    return path


def test_command_writes_every_output(answers_file, tmp_path):
    from qualcode.codebook import load_codebook

    out = tmp_path / "themes"
    result = CliRunner().invoke(cli, ["discover", str(answers_file), "--clusters", "3", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "clusters.csv", "map.png", "suggested_codebook.yaml", "suggestions.md", "themes.html", "themes.md"]
    clusters = pd.read_csv(out / "clusters.csv", encoding="utf-8-sig")
    assert list(clusters.columns) == ["id", "cluster", "distance"]
    assert len(clusters) == len(TEXTS) and set(clusters.cluster) == {1, 2, 3}
    draft = load_codebook(out / "suggested_codebook.yaml")
    assert len(draft.codes) == 3 and all(code.status == "suggested" for code in draft.codes)
    assert all(code.keywords and code.examples for code in draft.codes)
    assert "data:image/png;base64," in (out / "themes.html").read_text(encoding="utf-8")


def test_command_relates_themes_to_a_coded_table(answers_file, tmp_path):
    coded = pd.read_csv(answers_file)
    coded["codes"] = ["infrastructure"] * 5 + ["resources"] * 5 + [""] * 6
    path = tmp_path / "coded.csv"
    coded.to_csv(path, index=False)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["discover", str(path), "--clusters", "3", "-o", str(out)])
    assert result.exit_code == 0, result.output
    themes = (out / "themes.md").read_text(encoding="utf-8")
    assert "Overlaps `infrastructure`" in themes and "Overlaps `resources`" in themes
    assert "candidate new code" in themes
    result = CliRunner().invoke(cli, ["discover", str(path), "--uncoded-only", "--clusters", "auto",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out / "clusters.csv", encoding="utf-8-sig")) == 5


@pytest.mark.parametrize("arguments, message", [
    (["--uncoded-only"], "--uncoded-only needs the answers' codes"),
    (["--clusters", "many"], "'many': give a number of themes"),
])
def test_command_errors_are_one_line(answers_file, tmp_path, arguments, message):
    result = CliRunner().invoke(cli, ["discover", str(answers_file), *arguments, "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_terms_list_leaves_out_parts_of_listed_words():
    display = {"verkstad": "verkstad", "verk": "verk", "stad": "stad", "dack": "däck", "bil": "bil",
               "bil dack": "bil däck", "bilverkstad": "bilverkstad"}
    ranked = [(term, 1.0, 2) for term in ("bil", "verkstad", "verk", "stad", "bil dack", "dack", "bilverkstad")]
    assert distinct_terms(ranked, display, 4) == ("bil", "verkstad", "bil däck", "bilverkstad")


def test_bad_output_folder_is_refused_before_any_work(answers_file, tmp_path):
    missing_parent = tmp_path / "no" / "such" / "folder"
    result = CliRunner().invoke(cli, ["discover", str(answers_file), "-o", str(missing_parent)])
    assert result.exit_code == 2 and "does not exist" in result.output
    result = CliRunner().invoke(cli, ["discover", str(tmp_path / "absent.csv"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and not (tmp_path / "out").exists()


def test_labels_are_lexicon_words():
    answers = analyse_answers(["Killar i kassan var trevliga, killar är bra.", "Färdtjänsten kom sent igen.",
                               "Säljsamtalen var påträngande.", "Ridlektionen var rolig."])
    _, display = split_units(answers)
    # a wrong lemma the lexicon knows only as a rare word is shown as written
    assert display["killa"] == "killar"
    # compound parts in their lexicon spelling; stems that are no word never label a theme
    assert (display["fard"], display["tjanst"]) == ("färd", "tjänst")
    assert not display.is_label("salj") and not display.is_label("rid")
    ranked = [("salj", 3.0, 3), ("rid", 2.0, 3), ("samtal", 1.0, 3), ("lektion", 0.5, 2)]
    assert short_name(ranked, display) == "samtal, lektion"
    assert distinct_terms(ranked, display, 8) == ("samtal", "lektion")


def test_a_small_theme_is_named_from_words_of_one_answer():
    ranked = class_tfidf([("bredband", "fiber"), ("budget",), ("pengar",)], np.array([0, 1, 1]), 2)
    assert [term for term, _, _ in ranked[0]] == ["bredband", "fiber"]  # one unit: support 1
