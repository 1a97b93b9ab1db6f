"""The coding engine on real Swedish sentences: every matching rule, evidence, determinism."""
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qualcode.codebook import Codebook
from qualcode.coding import Coder
from qualcode.coding.result import read_evidence
from qualcode.coding.analysed import analyse_answers
from qualcode.coding.lexical import LexicalMatcher

ROOT = Path(__file__).resolve().parent.parent
CODEBOOK = Codebook.from_dict({
    "name": "Test", "language": "sv",
    "codes": [
        {"id": "resources", "label": "Ekonomi och resurser", "description": "Pengar, budget, brist på personal eller tid.",
         "keywords": ["ekonomi", "budget", "inte råd", "resurs*"], "exclude_keywords": ["ekonomiskt bistånd"]},
        {"id": "competence", "label": "Kompetens", "description": "Kunskap och utbildning.",
         "keywords": ["kompetens", "kunskap"]},
        {"id": "legacy_it", "label": "Äldre IT", "description": "Gamla system som begränsar.",
         "keywords": ["system", "förändring"]},
        {"id": "culture", "label": "Kultur", "description": "Attityder och förändringsvilja.",
         "keywords": ["kultur"], "exclude_keywords": ["kulturskola"]},
        {"id": "infrastructure", "label": "Bredband", "description": "Fiber och uppkoppling.",
         "keywords": ["uppkoppling", "bredband", "fiber"]},
    ],
})


def matched_keywords(text, code_id):
    answer = analyse_answers([text])[0]
    return [(m.keyword, m.text, m.negated) for m in LexicalMatcher(CODEBOOK.codes).match(answer).get(code_id, [])]


@pytest.mark.parametrize("text, code_id, keyword, surface", [
    ("De gamla systemen pratar inte med varandra.", "legacy_it", "system", "systemen"),
    ("Verksamhetssystemen är från nittiotalet.", "legacy_it", "system", "Verksamhetssystemen"),
    ("Vi behöver kompetensutveckling för hela personalen.", "competence", "kompetens", "kompetensutveckling"),
    ("Det saknas spetskompetensen som krävs.", "competence", "kompetens", "spetskompetensen"),
    ("Vi har inte råd med nya licenser.", "resources", "inte råd", "inte råd"),
    ("Resursbristen är det största hindret.", "resources", "resurs*", "Resursbristen"),
    ("Det finns inga resurser avsatta.", "resources", "resurs*", "resurser"),
])
def test_keyword_matches_inflections_compounds_phrases_and_prefixes(text, code_id, keyword, surface):
    assert (keyword, surface, False) in matched_keywords(text, code_id)


def test_lost_diacritics_match_the_correct_keyword():
    assert matched_keywords("Alla forandringar tar lang tid har", "legacy_it")[0][:2] == ("förändring", "forandringar")


def test_phrase_needs_its_words_in_order():
    assert matched_keywords("Rådet sa att det inte gick.", "resources") == []


PHRASES = Codebook.from_dict({"name": "Fraser", "language": "sv", "codes": [
    {"id": "resources", "label": "Resurser", "description": "Brist på personal och pengar.",
     "keywords": ["för få", "ha råd", "inte råd", "brist på personal"]},
    {"id": "leadership", "label": "Ledning", "description": "Styrning och strategi.",
     "keywords": ["strategi", "politik"]},
]})


def phrase_matches(text, code_id):
    answer = analyse_answers([text])[0]
    return [m.text for m in LexicalMatcher(PHRASES.codes).match(answer).get(code_id, [])]


@pytest.mark.parametrize("text, surface", [
    ("Vi är alldeles för få på enheten för att hinna med.", "för få"),
    ("Vi har inte riktigt råd med fler licenser.", "inte riktigt råd"),
    ("Det råder brist på kvalificerad personal i hela kommunen.", "brist på kvalificerad personal"),
])
def test_phrase_skips_a_word_that_leaves_its_meaning(text, surface):
    assert surface in phrase_matches(text, "resources")


@pytest.mark.parametrize("text", [
    "Vi söker bidrag för att få igång projektet.",
    "Vi har inte råd att vänta.",
])
def test_phrase_does_not_skip_a_function_word(text):
    assert phrase_matches(text, "resources") in ([], ["inte råd"])
    assert "för att få" not in phrase_matches(text, "resources")
    assert "har inte råd" not in phrase_matches(text, "resources")


@pytest.mark.parametrize("text, surface", [
    ("Det saknas en strategisk plan för digitaliseringen.", "strategisk"),
    ("Vi saknar strategiska beslut från ledningen.", "strategiska"),
    ("De politiska prioriteringarna styr allt.", "politiska"),
])
def test_keyword_matches_its_regular_derivations(text, surface):
    assert phrase_matches(text, "leadership") == [surface]


def test_exclude_keyword_blocks_the_code_in_its_sentence_only():
    assert matched_keywords("Kulturskolan har fått nya lokaler.", "culture") == []
    assert matched_keywords("Vi handlägger ekonomiskt bistånd digitalt.", "resources") == []
    found = matched_keywords("Kulturskolan flyttar. Kulturen här är trög.", "culture")
    assert [surface for _, surface, _ in found] == ["Kulturen"]


@pytest.mark.parametrize("text, code_id", [
    ("Ekonomin är inte problemet.", "resources"),
    ("Inga problem med uppkopplingen längre.", "infrastructure"),
    ("Bredbandet är inte längre något problem hos oss.", "infrastructure"),
])
def test_theme_stated_as_not_a_problem_is_negated(text, code_id):
    found = matched_keywords(text, code_id)
    assert found and all(negated for _, _, negated in found)


def test_negation_covers_the_code_in_its_whole_sentence():
    found = matched_keywords("Ekonomin är faktiskt inte problemet, vi har en god budget.", "resources")
    assert [(surface, negated) for _, surface, negated in found] == [("Ekonomin", True), ("budget", True)]


def test_negation_stays_in_its_clause():
    found = matched_keywords("Ekonomin är inte problemet, utan att kompetensen saknas.", "competence")
    assert found == [("kompetens", "kompetensen", False)]


class FixedEmbedder:
    """A deterministic stand-in embedder: bag of hashed character trigrams."""

    name, dim = "trigrams", 64

    def embed(self, texts, kind="passage"):
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for k in range(len(text) - 2):
                vectors[row, sum(map(ord, text[k:k + 3].lower())) % self.dim] += 1
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)


ANSWERS = [
    "Ekonomin. Vi har inte råd att köpa nya system.",
    "Uppkopplingen i byarna är dålig, fibern är inte utbyggd.",
    "Personalen saknar kompetens och behöver utbildning.",
    "Ekonomin är inte problemet, men kompetensen saknas.",
    "Vet ej",
]


@pytest.fixture(params=["fast", "accurate"])
def coded(request):
    coder = Coder(CODEBOOK, embedder=FixedEmbedder(), mode=request.param)
    return coder.fit(ANSWERS).code(ANSWERS)


def test_codes_scores_and_evidence_offsets(coded):
    assert "resources" in coded.codes[0]
    assert "infrastructure" in coded.codes[1]
    assert "competence" in coded.codes[2]
    assert "resources" not in coded.codes[3] and "competence" in coded.codes[3]
    assert coded.codes[4] == []
    assert ((coded.scores >= 0) & (coded.scores <= 1)).all().all()
    for text, evidence, cell in zip(ANSWERS, coded.evidence, coded.evidence_cells()):
        assert read_evidence(cell) == {code: replace(entry, matches=tuple(replace(m, sentence=None)
                                                                         for m in entry.matches))
                                       for code, entry in evidence.items()}
        for entry in evidence.values():
            for match in entry.matches:
                assert text[match.start:match.end] == match.text
            assert text[entry.sentence.start:entry.sentence.end] == entry.sentence.text


def test_coding_is_deterministic():
    first = Coder(CODEBOOK, embedder=FixedEmbedder(), seed=3).fit(ANSWERS).code(ANSWERS)
    second = Coder(CODEBOOK, embedder=FixedEmbedder(), seed=3).fit(ANSWERS).code(ANSWERS)
    assert first.codes == second.codes
    assert first.scores.equals(second.scores)
    assert first.evidence == second.evidence


def test_suggested_codes_are_not_applied():
    data = CODEBOOK.to_dict()
    data["codes"][0]["status"] = "suggested"
    coder = Coder(Codebook.from_dict(data), embedder=FixedEmbedder(), mode="fast")
    assert "resources" not in coder.fit(ANSWERS).code(ANSWERS).scores.columns


def test_bad_mode_and_threshold_are_input_errors():
    from qualcode.errors import InputError

    slow, strict = Coder(CODEBOOK, mode="slow"), Coder(CODEBOOK, threshold=1.5)
    assert slow.mode == "slow"  # parameters are stored as given; fit checks them
    with pytest.raises(InputError, match="--mode slow: unknown mode"):
        slow.fit(ANSWERS)
    with pytest.raises(InputError, match="--threshold 1.5: must lie between 0 and 1"):
        strict.fit(ANSWERS)


def test_coder_is_a_scikit_learn_estimator():
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError

    coder = Coder(CODEBOOK, embedder=FixedEmbedder(), mode="fast", seed=4)
    assert clone(coder).get_params()["seed"] == 4 and not hasattr(coder, "codes_")
    with pytest.raises(NotFittedError):
        coder.code(ANSWERS)
    fitted = coder.fit(ANSWERS)
    state = dict(vars(fitted))
    first = fitted.code(ANSWERS[:2])
    assert vars(fitted).keys() == state.keys() and all(vars(fitted)[k] is v for k, v in state.items())
    assert fitted.code(ANSWERS[:2]).codes == first.codes  # coding changes nothing
    assert fitted.fit_code(ANSWERS).codes == Coder(CODEBOOK, embedder=FixedEmbedder(), mode="fast",
                                                   seed=4).fit(ANSWERS).code(ANSWERS).codes


@pytest.mark.parametrize("texts", [["Vet ej", ""], ["Ekonomin"], ["", "-", "?"]])
def test_tiny_or_empty_corpora_code_without_error(texts):
    result = Coder(CODEBOOK, embedder=FixedEmbedder(), mode="fast").fit(texts).code(texts)
    assert len(result.codes) == len(texts)


def test_coding_no_texts_gives_an_empty_result():
    coder = Coder(CODEBOOK, embedder=FixedEmbedder(), mode="fast").fit(ANSWERS)
    result = coder.code([])
    assert result.codes == [] and result.evidence == [] and list(result.scores.columns) == [c.id for c in CODEBOOK.codes]


@pytest.mark.slow
def test_evidence_names_the_same_keyword_in_every_process():
    import subprocess
    import sys

    script = ("from tests.test_coding import CODEBOOK, matched_keywords;"
              "print(matched_keywords('Vi har inte råd med resurserna och ekonomin.', 'resources'))")
    outputs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={"PYTHONHASHSEED": str(seed), "PATH": ""}, cwd=str(ROOT)).stdout
               for seed in (1, 2, 3)}
    assert len(outputs) == 1


def test_a_fitted_coder_pickles_without_its_corpus_and_codes_the_same():
    import pickle

    coder = Coder(CODEBOOK, embedder=FixedEmbedder(), mode="fast").fit(ANSWERS)
    shipped = pickle.loads(pickle.dumps(coder))
    assert not any(value is ANSWERS for value in vars(shipped).values())
    new = ["Budgeten räcker inte till licenserna.", "Fibern saknas fortfarande."]
    assert shipped.code(new).codes == coder.code(new).codes


def test_pickling_an_accurate_coder_leaves_the_original_its_embedder():
    """Bug: object.__getstate__ returns the live __dict__, so dropping the embedder from the
    pickled state removed it from the coder itself."""
    import pickle

    coder = Coder(CODEBOOK, embedder=FixedEmbedder()).fit(ANSWERS)
    shipped = pickle.loads(pickle.dumps(coder))
    assert coder.embedder_ is not None and isinstance(shipped.embedder_, FixedEmbedder)
    assert shipped.code(ANSWERS).codes == coder.code(ANSWERS).codes
