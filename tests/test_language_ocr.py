"""OCR damage of the kinds in the source report is repaired before matching and embedding,
and evidence offsets still point into the damaged original."""
import pytest

from qualcode.coding.analysed import analyse_answers
from qualcode.language import analyse, normalise, restore_diacritics

CLEAN = ("Det är svårt att följa med när kompetensutvecklingen gäller alla och ökad "
         "digitalisering kräver förändringar i förvaltningen.")
# Each damage type of the seed report once, in a text that kept å/ä/ö in two of its words:
# ä -> a / & / d / é / éa, leading ö -> 6, ö -> é / o, å -> a, words broken across lines
# with a hyphen (`kompetensutveck-`) and without one (`digitali` / `sering`).
DAMAGED = ("Det &r svart att félja med ndr kompetensutveck-\nlingen géller alla och 6kad "
           "digitali\nsering kréaver förändringar i förvaltningen.")


def _lemmas(doc):
    return [token.lemma_ for token in doc if not token.is_punct and not token.is_space]


def test_every_damage_type_is_repaired_in_text_that_kept_some_letters():
    damaged, clean = analyse([DAMAGED, CLEAN])
    assert damaged._.diacritics_restored
    assert _lemmas(damaged) == _lemmas(clean)
    assert damaged._.repaired == CLEAN


@pytest.mark.parametrize("damaged, repaired", [
    ("Det &r svart", "Det är svårt"),  # ä -> &, å -> a
    ("en 6kad kostnad", "en ökad kostnad"),  # leading ö -> 6
    ("Det géller alla", "Det gäller alla"),  # ä -> é
    ("enkéaten visar", "enkäten visar"),  # ä -> éa
    ("P& frdgan om", "På frågan om"),  # å -> &, å -> d
    ("vi beddmer", "vi bedömer"),  # ö -> d
    ("ndr bussen", "när bussen"),  # ä -> d in a word the lexicon has as a rare one
    ("féljande brister", "följande brister"),  # ö -> é
    ("personalomséttningen", "personalomsättningen"),  # a compound wordfreq lacks
])
def test_each_confusion_is_restored(damaged, repaired):
    assert restore_diacritics(damaged) == repaired


def test_words_broken_across_lines_are_joined_and_words_on_two_lines_are_not():
    assert normalise("förvaltnin\ngsledningen") == "förvaltningsledningen"
    assert normalise("forandrings-\nprocesser") == "forandringsprocesser"
    assert normalise("digitali\nsering") == "digitalisering"
    assert normalise("ni kom\nmer") == "ni kommer"
    assert normalise("Tack for\natt ni kom") == "Tack for\natt ni kom"
    assert normalise("trasig\ngatlampa") == "trasig\ngatlampa"
    assert normalise("Bussen\nkom") == "Bussen\nkom"


def test_correct_text_with_one_lost_letter_is_repaired_but_correct_words_are_kept():
    assert restore_diacritics("Bussen kom aldrig i tid, det är dåligt och ar inte bra") == \
        "Bussen kom aldrig i tid, det är dåligt och är inte bra"
    text = "Vi är få och han sa att det var bra men man har för lite tid."
    assert restore_diacritics(text) == text


def test_offsets_of_repaired_words_point_into_the_damaged_original():
    answer, = analyse_answers([DAMAGED], cache=False)
    source = {word.lemma: DAMAGED[word.start:word.end] for word in answer.words}
    assert source["vara"] == "&r"
    assert source["svår"] == "svart"
    assert source["ökad"] == "6kad"
    assert source["gälla"] == "géller"
    assert source["kompetensutveckling"] == "kompetensutveck-\nlingen"
    assert source["digitalisering"] == "digitali\nsering"
    assert source["förvaltning"] == "förvaltningen"
    assert answer.repaired == CLEAN
    for start, end in answer.sentences:
        assert DAMAGED[start:end].startswith("Det &r") and DAMAGED[start:end].endswith("förvaltningen.")


def test_an_answer_that_needs_no_repair_has_none():
    answer, = analyse_answers(["Bussen  kommer aldrig i tid på morgonen."], cache=False)
    assert answer.repaired is None


# Answers written for this test (not from any development set), each with its OCR-damaged copy.
ANSWERS = [
    ("Vi har inte råd att byta verksamhetssystem, budgeten räcker inte ens till drift.",
     "Vi har inte rdd att byta verksamhets-\nsystem, budgeten r&cker inte ens till drift."),
    ("Personalen behöver mer kunskap och utbildning i de digitala verktygen.",
     "Personalen behdver mer kunskap och utbildning i de digitala verk\ntygen."),
    ("Uppkopplingen i byarna är usel och fibern når inte ut till glesbygden.",
     "Uppkopplingen i byarna &r usel och fibern nar inte ut till gles-\nbygden."),
    ("Ledningen saknar en gemensam bild av vart förändringsarbetet ska leda.",
     "Ledningen saknar en gemensam bild av vart forandringsarbetet ska léda."),
    ("Det är svårt att få medarbetarna att vilja ändra sina arbetssätt.",
     "Det &r svart att fa medarbetarna att vilja éndra sina arbetssatt."),
    ("Informationssäkerheten och dataskyddet måste stärkas innan vi öppnar e-tjänster.",
     "Informationssékerheten och dataskyddet maste starkas innan vi 6ppnar e-tjanster."),
]


@pytest.mark.parametrize("mode", ["fast", "accurate"])
def test_a_damaged_answer_is_coded_like_its_clean_copy(default_codebook_path, mode):
    from qualcode.codebook import load_codebook
    from qualcode.coding import Coder

    clean, damaged = zip(*ANSWERS)
    result = Coder(load_codebook(default_codebook_path), mode=mode).fit_code([*clean, *damaged])
    assert any(result.codes[:len(clean)])
    assert result.codes[len(clean):] == result.codes[:len(clean)]


def test_the_sentences_of_a_damaged_answer_are_embedded_repaired_and_point_into_the_original():
    from qualcode.coding.analysed import analyse_answers

    text = "Uppkopplingen i byarna &r usel. Fibern nar inte ut till gles-\nbygden."
    answer = analyse_answers([text])[0]
    assert len(answer.sentences) == 2 and answer.embedded_sentence(0) == "Uppkopplingen i byarna är usel."
    assert answer.embedded_sentence(1).endswith("inte ut till glesbygden.")   # the broken word joined
    assert answer.sentence_text(0) == "Uppkopplingen i byarna &r usel."        # evidence keeps the original
    clean = analyse_answers(["Fibern når inte ut."])[0]
    assert clean.repaired_sentences is None and clean.embedded_sentence(0) == "Fibern når inte ut."
