"""Normalisation of survey exports and OCR text, and the offset map back to the original."""
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.language import normalise
from qualcode.language.normalise import normalise_with_offsets


def test_unicode_is_composed():
    assert normalise("fo\u0308rändring") == "förändring"


def test_mojibake_is_repaired():
    assert normalise("Vi har fÃ¶r lite tid och Ã¤r fÃ¥") == "Vi har för lite tid och är få"


def test_soft_hyphens_and_zero_width_characters_are_removed():
    assert normalise("kom\u00admunerna\u200b och\ufeff") == "kommunerna och"


def test_words_hyphenated_across_line_breaks_are_joined():
    assert normalise("kom-\nmunerna och lands-\nting") == "kommunerna och landsting"


def test_real_hyphens_at_line_breaks_are_kept():
    assert normalise("vår IT-\nchef och e-\ntjänster") == "vår IT-chef och e-tjänster"
    assert normalise("ekonomiska-\noch personella") == "ekonomiska- och personella"
    assert normalise("IT-in-\nvesteringar") == "IT-investeringar"


def test_html_remnants_are_cleaned():
    assert normalise("<p>Tid &amp; pengar<br/>Kompetens</p>") == "Tid & pengar\nKompetens"
    assert normalise("a &lt; b och <3") == "a < b och <3"


def test_quotes_and_dashes_are_plain():
    assert normalise("\u201dcitat\u201d \u2018x\u2019 \u00abord\u00bb") == "\"citat\" 'x' \"ord\""
    assert normalise("2019\u20142020 och \u2212 5") == "2019\u20132020 och - 5"


def test_whitespace_is_collapsed_and_paragraphs_kept():
    assert normalise("  Tid \t och\u00a0 pengar \r\n\r\n\n Mer  ") == "Tid och pengar\n\nMer"


def test_clean_text_is_returned_as_it_is():
    text = "Ekonomin är ansträngd, t.ex. 1,5 mnkr."
    result = normalise_with_offsets(text)
    assert result.text == text and result.starts is None


def test_offsets_point_at_the_same_words_in_the_source():
    source = "  Vi har  fÃ¶r lite <b>kom-\nmunal</b> tid&amp;pengar\u00ad!"
    result = normalise_with_offsets(source)
    assert result.text == "Vi har för lite kommunal tid&pengar!"
    spans = {m.group(): m.span() for m in re.finditer(r"\w+", result.text)}
    original = {
        word: source[slice(*result.source_span(start, end))]
        for word, (start, end) in spans.items()
    }
    assert original == {
        "Vi": "Vi", "har": "har", "för": "fÃ¶r", "lite": "lite",
        "kommunal": "kom-\nmunal", "tid": "tid", "pengar": "pengar",
    }


def test_seed_report_hyphenation_is_repaired(seed_report_text):
    text = normalise(seed_report_text)
    for joined in ("landsbygdskommuner", "landsting/regioner", "digitaliseringens", "eller strategi",
                   "IT-investeringar", "digitaliserings-arbetet", "tillganglighetsmal"):
        assert joined in text
    assert "-\n" not in text.replace("IT-\n", "")
    assert "  " not in text


_PIECES = st.sampled_from(
    ["ord", "kom-\n", "Ã¶", "&amp;", "<br>", "\u00ad", "  ", "\n\n\n", "o\u0308", "\u201d", "\u2014", "é", " ", "\t"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_offset_map_is_monotonic_and_complete(source):
    result = normalise_with_offsets(source)
    offsets = [result.source_offset(i) for i in range(len(result.text) + 1)]
    assert offsets == sorted(offsets)
    assert all(0 <= offset <= len(source) for offset in offsets)
    spans = [result.source_span(i, i + 1) for i in range(len(result.text))]
    assert all(a < b for a, b in spans)
    assert normalise(result.text) == result.text
