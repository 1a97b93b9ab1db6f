"""The semantic signal reads the codebook's prose: description items, examples, and the
exclusion rule, which holds a code back and sends its items to the code it names."""
import numpy as np
import pytest

from qualcode.codebook import Codebook
from qualcode.coding.semantic import SemanticMatcher, code_anchors, exclusion_items
from qualcode.embed import ANSWER_KIND, get_embedder

CODES = [
    {"id": "resources", "label": "Ekonomi och resurser",
     "description": "Brist på pengar, budget, personal eller tid för utvecklingsarbete.",
     "keywords": ["budget"]},
    {"id": "competence", "label": "Kompetens och kunskap",
     "description": "Kunskap och kompetens om digitalisering hos medarbetare och chefer, utbildningsbehov.",
     "exclude": "Gäller inte ovilja mot förändring (culture) när kunskap inte nämns, och inte brist på "
                "personal i allmänhet (resources).",
     "keywords": ["kompetens"]},
    {"id": "culture", "label": "Kultur och förändringsvilja",
     "description": "Attityder, motstånd mot förändring och vilja att pröva nytt.",
     "keywords": ["kultur"]},
]


def test_exclusion_rule_is_split_into_items_with_the_code_they_name():
    rule = CODES[1]["exclude"]
    assert exclusion_items(rule, {"resources", "competence", "culture"}) == [
        ("ovilja mot förändring", "culture"), ("brist på personal i allmänhet", "resources")]
    assert exclusion_items("Gäller inte kultur som verksamhet (kulturskola, kulturhus).") == [
        ("kultur som verksamhet (kulturskola, kulturhus)", None)]
    assert exclusion_items(None) == []


def test_anchors_hold_description_items_exclusions_and_referred_items():
    codebook = Codebook.from_dict({"name": "t", "language": "sv", "codes": CODES})
    kinds = {(a.kind, a.text) for a in code_anchors(codebook["resources"], codebook.codes)}
    assert ("referred", "brist på personal i allmänhet") in kinds
    assert ("item", "Ekonomi och resurser: Brist på pengar") in kinds
    competence = {(a.kind, a.text) for a in code_anchors(codebook["competence"], codebook.codes)}
    assert ("exclusion", "brist på personal i allmänhet") in competence


@pytest.mark.slow
def test_exclusion_holds_the_semantic_signal_back():
    """'A general staff shortage is not competence': the rule lowers competence's similarity
    for such an answer, and leaves an answer about knowledge as it was."""
    embedder = get_embedder("default")
    with_rule = Codebook.from_dict({"name": "t", "language": "sv", "codes": CODES})
    without = Codebook.from_dict({"name": "t", "language": "sv",
                                  "codes": [{k: v for k, v in code.items() if k != "exclude"} for code in CODES]})
    answers = ["Vi är för få anställda och alla springer redan, det finns ingen personal att ta av.",
               "Personalen saknar grundläggande kunskaper om de digitala verktygen och behöver utbildning."]
    vectors = embedder.embed(answers, kind=ANSWER_KIND)

    def raw(codebook):
        return SemanticMatcher(codebook.codes, embedder).fit(vectors).raw_similarity(vectors)

    held, free = raw(with_rule), raw(without)
    competence = 1
    assert held[0, competence] < free[0, competence]
    assert held[1, competence] == pytest.approx(free[1, competence])
    scores = SemanticMatcher(with_rule.codes, embedder).fit(vectors).score(vectors)
    assert np.argmax(scores[0]) == 0 and np.argmax(scores[1]) == competence


def test_calibration_is_monotone_within_bounds_and_keeps_decisions():
    from qualcode.coding.calibration import TemperatureCalibrator, agreement_labels

    rng = np.random.default_rng(0)
    truth = rng.random((200, 3)) < 0.2
    logits = np.where(truth, 2.0, -2.0) + rng.normal(0, 1.5, truth.shape)
    lexical = (truth & (rng.random(truth.shape) < 0.6)).astype(float)
    semantic = np.where(truth, 1.0, -0.5) + rng.normal(0, 0.7, truth.shape)
    positive, negative = agreement_labels(lexical, np.zeros(truth.shape, bool), semantic,
                                          np.full(truth.shape, np.nan), 1.0)
    calibrator = TemperatureCalibrator().fit(logits, positive, negative)
    probabilities = calibrator.transform(logits)
    assert ((0 <= probabilities) & (probabilities <= 1)).all()
    order = np.argsort(logits.ravel())
    assert (np.diff(probabilities.ravel()[order]) >= 0).all()
    assert ((probabilities >= 0.5) == (logits >= 0)).all()
    assert calibrator.held_back_.shape == (200,) and np.isfinite(calibrator.held_back_).all()
    assert TemperatureCalibrator().fit(logits[:5], positive[:5], negative[:5]).factor_ == 1.0


def test_prose_overlap_finds_the_codes_words_inflected_and_in_compounds():
    from qualcode.coding.analysed import analyse_answers
    from qualcode.coding.prose import ProseOverlap, content_words

    prose = analyse_answers(["Komfort: trängsel och ståplatser, väderskydd och bänkar vid hållplatsen.",
                             "Pris: biljettpriser, rabatter och månadskort."])
    vocabularies = [content_words(answer) for answer in prose]
    answers = analyse_answers(["Det finns ingen bänk och inget väderskydd vid vår hållplats.",
                               "Månadskortet har blivit dyrare igen.",
                               "Bussen kom i tid i dag."])
    scores = ProseOverlap(vocabularies).fit(answers).score(answers)
    assert np.argmax(scores[0]) == 0 and np.argmax(scores[1]) == 1
    assert scores[2] == pytest.approx([0, 0], abs=1e-6)  # no shared word: no lean


def test_scores_drawn_to_the_threshold_where_views_disagree_keep_their_decisions():
    from qualcode.coding.calibration import VIEWS, drawn_to_threshold, view_support

    lexical = np.array([[1.0, 0.0], [0.0, 0.0]])
    semantic = np.array([[1.2, -1.2], [0.3, -0.3]])
    prose = np.array([[1.0, -1.0], [-0.2, 0.2]])
    learned = np.array([[0.8, 0.1], [0.4, np.nan]])
    support = view_support(lexical, np.zeros((2, 2), bool), semantic, prose, learned)
    assert support.tolist() == [[4, 0], [1, 0]]
    probability = np.array([[0.99, 0.01], [0.95, 0.2]])
    thresholds = np.array([0.5, 0.7])
    drawn = drawn_to_threshold(probability, thresholds, support)
    assert ((drawn >= thresholds) == (probability >= thresholds)).all()
    assert ((0 <= drawn) & (drawn <= 1)).all()
    assert drawn[0].tolist() == pytest.approx([0.99, 0.01])       # every view agrees: kept
    assert drawn[1, 0] == pytest.approx(0.5 + 0.45 * 2 / (VIEWS + 1))  # one view of four backs it
