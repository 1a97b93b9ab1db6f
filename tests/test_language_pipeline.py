"""The spaCy pipeline and analyse(): tokens, attributes, sentences and source offsets."""
from spacy.pipeline import Sentencizer

from qualcode.language import analyse, get_nlp
from qualcode.language.pipeline import SENTENCE_END_CHARS


def _tokens(text):
    return [token.text for token in get_nlp().tokenizer(text)]


def test_pipeline_is_built_once():
    nlp = get_nlp()
    assert nlp is get_nlp()
    assert nlp.pipe_names == ["qualcode_sentencizer", "qualcode_restore_diacritics", "qualcode_lemmatiser"]


def test_tokenizer_keeps_abbreviations_numbers_addresses_and_ocr_words_whole():
    tokens = _tokens("T.ex. 1,5 mnkr, bl.a. ca. 3 st. via info@kommun.se och https://www.kommun.se/a?b=1 "
                     "&r P& IT-chef e-tjänster A&O")
    for whole in ("T.ex.", "1,5", "bl.a.", "ca.", "st.", "info@kommun.se", "https://www.kommun.se/a?b=1",
                  "&r", "P&", "IT-chef", "e-tjänster", "A&O"):
        assert whole in tokens
    assert _tokens("Tid & pengar") == ["Tid", "&", "pengar"]


def test_token_attributes():
    doc = next(analyse(["Personalbristen i kommunerna är stor och IT-investeringar saknas."]))
    by_text = {token.text: token for token in doc}
    brist = by_text["Personalbristen"]
    assert (brist.lower_, brist.lemma_, brist._.parts) == ("personalbristen", "personalbrist", ("personal", "brist"))
    assert by_text["kommunerna"]._.folded_lemma == "kommun"
    assert by_text["är"]._.folded == "ar" and by_text["är"].is_stop
    assert by_text["IT-investeringar"]._.parts == ("it", "investering")
    assert by_text["kommunerna"]._.parts == () and not by_text["kommunerna"].is_stop
    assert not doc._.diacritics_restored


def test_acronyms_and_colon_inflections_keep_their_lemma():
    doc = next(analyse(["DIGG har API:er men BRA API:erna saknas"]))
    assert [t.lemma_ for t in doc] == ["digg", "ha", "api", "men", "bra", "api", "sakna"]


def test_text_that_lost_its_diacritics_lemmatises_like_correct_text():
    folded, correct = analyse(["Fragan ar om forvaltningarna far mojligheter.",
                               "Frågan är om förvaltningarna får möjligheter."])
    assert folded._.diacritics_restored
    assert [t.lemma_ for t in folded] == [t.lemma_ for t in correct]
    assert [t._.folded for t in folded] == [t._.folded for t in correct]
    assert folded.text == "Fragan ar om forvaltningarna far mojligheter."


def test_seed_report_ocr_lemmatises_like_correct_forms(seed_report_text):
    lemmas = {t.text: t.lemma_ for doc in analyse(seed_report_text.split("\n\n")) for t in doc}
    expected = {"&r": "vara", "dr": "vara", "6kad": "ökad", "enkéaten": "enkät", "fragan": "fråga",
                "mojligheter": "möjlighet", "kommunerna": "kommun", "landsbygdskommuner": "landsbygdskommun"}
    assert {word: lemmas.get(word) for word in expected} == expected


def test_sentences_end_at_punctuation_and_blank_lines():
    doc = next(analyse(["Ekonomin. Tid saknas!\n\nKompetens\nbehövs"]))
    assert [s.text.strip() for s in doc.sents] == ["Ekonomin.", "Tid saknas!", "Kompetens\nbehövs"]


def test_source_offsets_point_into_the_original_text():
    source = "Vi har <b>fÃ¶r</b> lite tid &amp; kom-\nmunerna  saknar pengar"
    doc = next(analyse([source]))
    assert doc._.source == source
    assert doc.text == "Vi har för lite tid & kommunerna saknar pengar"
    spans = {t.text: source[slice(*doc._.source_span(t.idx, t.idx + len(t)))] for t in doc}
    assert spans["för"] == "fÃ¶r" and spans["kommunerna"] == "kom-\nmunerna" and spans["pengar"] == "pengar"
    assert source[doc._.source_offset(doc[-1].idx):] == "pengar"


def test_sentences_match_spacys_sentencizer(real_dir):
    lines = (real_dir / "swe_sentiment_emoji" / "data.csv").read_text("utf-8").splitlines()[1:400]
    nlp = get_nlp()
    ours, reference = nlp.get_pipe("qualcode_sentencizer"), Sentencizer(punct_chars=SENTENCE_END_CHARS)
    for text in lines + ["Hej där. Vad gör du?! \"Inget.\" Bra\n\nNy rad", ""]:
        expected = [s.text for s in reference(nlp.make_doc(text)).sents]
        assert [s.text for s in ours(nlp.make_doc(text)).sents] == expected


def test_analyse_keeps_order_and_handles_missing_texts():
    docs = list(analyse(["Ett", None, float("nan"), "", "Två"], batch_size=2))
    assert [d.text for d in docs] == ["Ett", "", "", "", "Två"]
    assert docs[1]._.source == ""
