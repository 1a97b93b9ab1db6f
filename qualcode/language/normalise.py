"""Text normalisation that remembers where every character came from.

Survey exports and OCR bring Unicode in several forms, mojibake, soft hyphens, words split
across line breaks, HTML remnants, curly quotes and odd dashes. `normalise_with_offsets`
cleans all of that and returns, for every position of the clean text, the position in the
original text, so that evidence found in the clean text can be shown in the original.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

import ftfy

from qualcode.language.compounds import split_compound
from qualcode.language.diacritics import best_spelling
from qualcode.language.lexicon import MIN_KNOWN_FREQUENCY, frequency



@dataclass(frozen=True)
class Normalised:
    """A normalised text and the map from its characters back to `source`.

    `starts[i]` and `ends[i]` delimit the source characters that character `i` of `text` came
    from; `starts[len(text)]` is `len(source)`. Both are None when the text was not changed.
    """

    text: str
    source: str
    starts: list[int] | None = None
    ends: list[int] | None = None

    def source_offset(self, index: int) -> int:
        """Map a character index in `text` (0..len(text)) to the index in `source` it came from."""
        index = max(0, min(index, len(self.text)))
        return index if self.starts is None else self.starts[index]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the span `text[start:end]` to the span of `source` it came from, without the
        deleted material around it (tags, soft hyphens) that `source_offset(end)` would include."""
        if self.ends is None or end <= start:
            return self.source_offset(start), self.source_offset(max(start, end))
        return self.source_offset(start), self.ends[min(end, len(self.text)) - 1]


def _substitute(text, maps, pattern, replacement):
    """Apply `pattern.sub(replacement, text)` and carry the (starts, ends) maps along.

    A replacement that keeps the length maps one to one; otherwise each of its characters
    maps to the whole replaced span.
    """
    pieces, new_starts, new_ends, last = [], [], [], 0
    for match in pattern.finditer(text):
        start, end = match.span()
        new = replacement(match) if callable(replacement) else replacement
        if new == match.group():
            continue
        if maps is None:
            maps = (list(range(len(text) + 1)), list(range(1, len(text) + 1)))
        starts, ends = maps
        pieces += [text[last:start], new]
        new_starts += starts[last:start]
        new_ends += ends[last:start]
        if len(new) == end - start:
            new_starts += starts[start:end]
            new_ends += ends[start:end]
        else:
            new_starts += [starts[start]] * len(new)
            new_ends += [ends[end - 1]] * len(new)
        last = end
    if not pieces:
        return text, maps
    starts, ends = maps
    pieces.append(text[last:])
    return "".join(pieces), (new_starts + starts[last:], new_ends + ends[last:])


def _fix_mojibake(match):
    return ftfy.fix_encoding(match.group())


def _nfc(match):
    return unicodedata.normalize("NFC", match.group())


def _unescape_entity(match):
    return html.unescape(match.group())


def _join_line_break_hyphen(match):
    """Decide what `-` + line break between two word pieces becomes: "" (join) or "-"."""
    text, start, end = match.string, match.start(), match.end()
    left = re.search(r"[\w&]+$", text[:start]).group()
    right = re.match(r"[\w&]+", text[end:]).group()
    if right.lower() in _SUSPENDED_HYPHEN_FOLLOWERS:
        return "- "
    if _keeps_hyphen(left, right):
        return "-"
    return ""


_SUSPENDED_HYPHEN_FOLLOWERS = {"och", "eller", "samt", "som", "resp", "respektive"}


def _keeps_hyphen(left, right):
    """A real hyphen: after an acronym, a digit or one letter; before a capital or a digit; or
    between two known words whose join the lexicon neither knows nor can split."""
    if left.isupper() or len(left) == 1 or left[-1].isdigit() or not right[0].islower():
        return True
    joined = _spelling(left + right)
    if frequency(joined) >= MIN_KNOWN_FREQUENCY or split_compound(joined):
        return False
    return _is_word(left) and _is_word(right) and len(left) > 3


def _join_line_break(match):
    """A line break inside a word broken without a hyphen (`forvaltnin` / `gsledning`) is
    removed; between words it stays. Pieces are read as spelt words (OCR damage and lost å/ä/ö
    restored, see `best_spelling`). When both pieces are words, the join must be a word at least
    as frequent as the rarer of them (`kom` / `mer`, not `Tack for` / `att`); else a word or a
    compound (`forvaltnings` / `ledning` as well)."""
    text, start, end = match.string, match.start(), match.end()
    left = re.search(r"[\w&]+$", text[:start]).group()
    right = re.match(r"[\w&]+", text[end:]).group()
    if not right[0].islower() or not (left + right).replace("&", "").isalpha():
        return match.group()
    joined = _spelling(left + right)
    if _is_word(left) and _is_word(right):
        rarer = min(frequency(_spelling(left)), frequency(_spelling(right)))
        return "" if frequency(joined) >= max(rarer, MIN_KNOWN_FREQUENCY) else match.group()
    return "" if frequency(joined) >= MIN_KNOWN_FREQUENCY or split_compound(joined) else match.group()


def _spelling(word):
    """The lower-case spelling of a word as the lexicon has it, with å/ä/ö restored."""
    return best_spelling(word.lower())


def _is_word(word):
    """Whether a piece is a word or a compound of words, read as `_spelling`."""
    spelling = _spelling(word)
    return frequency(spelling) >= MIN_KNOWN_FREQUENCY or bool(split_compound(spelling))


_QUOTES = str.maketrans({c: '"' for c in "“”„‟«»″〝〞＂"} | {c: "'" for c in "‘’‚‛′`´"})
_HYPHENS = str.maketrans({c: "-" for c in "\u2010\u2011\u2212"} | {c: "–" for c in "\u2012\u2013\u2014\u2015"})

_STEPS = (
    # (pattern, replacement); order matters: encoding first, layout last (invisible characters
    # and width variants go before, in _fold_hidden_and_wide).
    (re.compile(r"(?<![^\s<>&])[^\s<>&]*?[ÃÂâÅ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
                r"\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122][^\s<>&]*"),
     _fix_mojibake),
    (re.compile(r"(?s).[\u0300-\u036f]+"), _nfc),
    (re.compile(r"(?i)<\s*br\s*/?\s*>|<\s*/?\s*(?:p|div|li|ul|ol|tr)\b[^<>]*>"), "\n"),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>"), ""),
    (re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"), _unescape_entity),
    (re.compile(r"[“”„‟«»″〝〞＂‘’‚‛′`´]"), lambda m: m.group().translate(_QUOTES)),
    (re.compile("[\u2010-\u2015\u2212]"), lambda m: m.group().translate(_HYPHENS)),
    (re.compile(r"(?<=[\w&])-[ \t\u00a0]*\r?\n[ \t\u00a0]*(?=[\w&])"), _join_line_break_hyphen),
    (re.compile(r"(?<=[^\W\d_])[ \t\u00a0]*\r?\n[ \t\u00a0]*(?=[\w&])"), _join_line_break),
    (re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]*(?:\r\n|\r|\n)(?:[\s]*(?:\r\n|\r|\n))+[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]*"),
     "\n\n"),
    (re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]*(?:\r\n|\r|\n)[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]*"), "\n"),
    (re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000 ]{2,}|[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]"), " "),
    (re.compile(r"^\s+|\s+$"), ""),
)
_NEEDS_WORK = re.compile(
    r"[^\x20-\x7e\u00c0-\u00ff]|<[A-Za-z/]|&[#A-Za-z]|-\s*\n|\s\s|^\s|\s$|[\t\n\r]|[^\w\s]{65,}"
)


# -- Characters that hide or disguise a word ------------------------------------------------------
# Format characters (Unicode category Cf: soft hyphen, zero-width space and joiners, bidi marks,
# embeddings, overrides and isolates, word joiner, BOM, tags) and variation selectors are invisible
# and no part of a word's spelling: "\u200fekonomi" or "eko\u202bnomi\u202c" is "ekonomi".
_HIDDEN = re.compile("[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
                     "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufe00-\ufe0f\ufeff\ufff9-\ufffb\U000110bd"
                     "\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
                     "\U000e0020-\U000e007f\U000e0100-\U000e01ef]+")
# Full-width and half-width forms ("Ｆörändring"), Latin ligatures ("ﬁnansiering") and the
# mathematical letters used as bold or italic in social media ("𝐄𝐤𝐨𝐧𝐨𝐦𝐢") are letters in disguise:
# NFKC gives the plain ones.
_DISGUISED = re.compile("[\uff01-\uffee\ufb00-\ufb06\U0001d400-\U0001d7ff]+")
# A run of punctuation or symbols this long is cut with spaces: the tokenizer's time grows with the
# square of such a run ("!!!!..." of 10,000 characters took 45 s), and nothing in it is a word.
_LONG_RUN = 64
_PUNCTUATION_RUN = re.compile(rf"[^\w\s]{{{_LONG_RUN + 1},}}")


def _reveal(text, maps):
    """Remove hidden characters and undo width and font disguises, carrying the offset maps
    along (see `_substitute`); the first step of normalisation."""
    text, maps = _substitute(text, maps, _HIDDEN, "")
    return _substitute(text, maps, _DISGUISED, lambda m: unicodedata.normalize("NFKC", m.group()))


def _cut_long_runs(text, maps):
    """Cut runs of punctuation longer than _LONG_RUN with spaces; the last step (after HTML
    entities became characters)."""
    return _substitute(text, maps, _PUNCTUATION_RUN, _spaced_run)


def _spaced_run(match):
    run = match.group()
    return " ".join(run[i:i + _LONG_RUN] for i in range(0, len(run), _LONG_RUN))


def normalise_with_offsets(text: str) -> Normalised:
    """Normalise `text` and keep the map from clean offsets back to `text`."""
    if not _NEEDS_WORK.search(text):
        return Normalised(text, text)
    clean, maps = _reveal(text, None)
    for pattern, replacement in _STEPS:
        clean, maps = _substitute(clean, maps, pattern, replacement)
    clean, maps = _cut_long_runs(clean, maps)
    if not unicodedata.is_normalized("NFC", clean):
        clean, maps = _substitute(clean, maps, re.compile(r"(?s)."), _nfc)
    return Normalised(clean, text, *(maps or (None, None)))


def normalise(text: str) -> str:
    """Clean survey or OCR text: NFC, mojibake, soft hyphens, line-break hyphens, HTML, quotes,
    dashes and whitespace. Words and their order are kept; see `normalise_with_offsets`."""
    return normalise_with_offsets(text).text
