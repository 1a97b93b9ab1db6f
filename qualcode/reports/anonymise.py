"""Mask names, e-mail addresses, phone numbers and personnummer in free text."""
import re

from qualcode.reports.names import FIRST_NAMES, WORD_LIKE_NAMES
from qualcode.reports.words import words_for

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# YYMMDD or YYYYMMDD, then -, + or nothing, then four digits
PERSONNUMMER = re.compile(r"(?<![\d-])(?:19|20)?(\d{2})(0[1-9]|1[0-2])(\d{2})[-+]?\d{4}(?![\d-])")
PHONE = re.compile(r"(?<![\w+])(?:\+46|0046|0)[\s-]?\(?\d{1,3}\)?(?:[\s-]?\d){5,8}(?!\d)")
CAPITALISED = r"[A-ZÅÄÖÉÜ][a-zåäöéüß]+(?:-[A-ZÅÄÖÉÜ][a-zåäöéüß]+)?"
WORD = re.compile(CAPITALISED)
RUN = re.compile(rf"\b{CAPITALISED}(?:[ \t]+{CAPITALISED})*\b")
SURNAME = re.compile(rf"{CAPITALISED}(?:sson|berg|ström|lund|qvist|kvist|gren|holm|dahl|stedt|blad)")


def anonymise(text, codebook=None):
    """Return ``text`` with e-mail addresses, personnummer, phone numbers and names masked.

    Names are common Swedish first names (with any capitalised words that follow them) and
    surnames with a typical ending (-sson, -berg, -ström, ...) after a first name; a first name
    that is also a common word ("Per", "Bo") is masked only when a capitalised word follows.
    """
    if not isinstance(text, str) or not text:
        return text
    words = words_for(codebook)
    text = EMAIL.sub(words["mask_email"], text)
    text = PERSONNUMMER.sub(lambda m: _personnummer(m, words), text)
    text = PHONE.sub(words["mask_phone"], text)
    return RUN.sub(lambda m: _masked_run(m.group(0), words["mask_name"]), text)


def anonymise_frame(frame, columns, codebook=None):
    """A copy of ``frame`` with ``anonymise`` applied to the given text columns."""
    masked = frame.copy()
    for column in columns:
        masked[column] = masked[column].map(lambda value: anonymise(value, codebook))
    return masked


def _personnummer(match, words):
    """Mask a date-like ten/twelve-digit number: as personnummer when the day is plausible."""
    day = int(match.group(3))
    plausible = 1 <= day <= 31 or 61 <= day <= 91  # 61-91: samordningsnummer
    return words["mask_pnr"] if plausible else words["mask_phone"]


def _masked_run(run, mask):
    """Mask a run of capitalised words from its first first name on, else its surnames."""
    words = list(WORD.finditer(run))
    for index, word in enumerate(words):
        if _is_first_name(word.group(0), followed=index + 1 < len(words)):
            return run[:word.start()] + mask
    return WORD.sub(lambda m: mask if SURNAME.fullmatch(m.group(0)) else m.group(0), run)


def _is_first_name(word, followed):
    """A common first name; one that is also a common word only before another name."""
    return word in FIRST_NAMES and (followed or word not in WORD_LIKE_NAMES)
