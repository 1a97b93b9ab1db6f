"""Masking names, e-mail addresses, phone numbers and personnummer."""
import pandas as pd
import pytest

from qualcode.codebook import Codebook
from qualcode.reports import anonymise, anonymise_frame


@pytest.mark.parametrize("text, expected", [
    ("Ring Anna Berg på 070-123 45 67.", "Ring [namn] på [telefon]."),
    ("Mejla anna.berg@kommun.se eller IT@pitea.se!", "Mejla [e-post] eller [e-post]!"),
    ("Tel +46 920 123 45 eller 0920-45 67 89.", "Tel [telefon] eller [telefon]."),
    ("Personnummer 850101-1234, 198501011234 och 19850161+1234.",
     "Personnummer [personnummer], [personnummer] och [personnummer]."),
    ("Rektor Per Andersson sa det. Andersson håller med.", "Rektor [namn] sa det. [namn] håller med."),
    ("Enligt Karin är ekonomin ansträngd.", "Enligt [namn] är ekonomin ansträngd."),
])
def test_identifying_details_are_masked(text, expected):
    assert anonymise(text) == expected


@pytest.mark.parametrize("text", [
    "Per capita är kostnaden hög. Bo i glesbygd är svårt. Hans bil står i Luleå.",
    "290 kommuner, 10 år och den 2020-05-01 i Kiruna och Norrbotten.",
    "IT-avdelningen i Piteå kommun driver frågan sedan 2019.",
])
def test_ordinary_words_places_numbers_and_dates_stay(text):
    assert anonymise(text) == text


def test_masks_follow_the_codebook_language():
    english = Codebook.from_dict({"name": "x", "language": "en", "codes": [
        {"id": "a", "label": "A", "description": "a"}]})
    assert anonymise("Ask Maria at maria@x.org", english) == "Ask [name] at [e-mail]"


def test_anonymise_frame_masks_only_the_given_columns_and_copies():
    frame = pd.DataFrame({"id": ["Anna"], "text": ["Anna Berg ringde."]})
    masked = anonymise_frame(frame, ["text"])
    assert masked.loc[0, "text"] == "[namn] ringde." and masked.loc[0, "id"] == "Anna"
    assert frame.loc[0, "text"] == "Anna Berg ringde."
