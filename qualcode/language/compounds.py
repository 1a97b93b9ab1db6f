"""Swedish compound splitting scored by wordfreq frequencies (after Koehn & Knight 2003).

A word is split into known words (joined directly or by a linking `s` or `e`, or with a final
`a`/`e` dropped as in `skolgård`, `arbetsbelastning`) when the geometric mean of the parts'
frequencies beats the frequency of the whole word. Function words and suffixes are never
parts, and a word more frequent than any compound in our lists is never split (`alltid` is
not all + tid: in such lexicalised words the parts' meanings are lost). Splitting runs on
folded text, so `informationssakerhet` and `informationssäkerhet` give the same parts. Parts
are folded; the last part is lemmatised, the others are given in their dictionary form:
`split_compound("bredbandsutbyggnaden") == ("bredband", "utbyggnad")`.
Hyphens always split: `split_compound("e-tjänsterna") == ("e", "tjanst")`.
"""
from __future__ import annotations

from functools import lru_cache


from qualcode.language.lemmas import lemmatise
from qualcode.language.lexicon import MAX_WORD_LENGTH, fold, folded_index, frequencies, frequency

MIN_PART_LENGTH = 3
MIN_PART_FREQUENCY = 2e-7
MAX_PARTS = 4
SPLIT_FACTOR = 0.5  # a two-part split must beat the whole word's frequency by 1/SPLIT_FACTOR
EXTRA_PART_FACTOR = 0.05  # each part beyond two must pay for itself 20 times over
LEXICALISED_FREQUENCY = 5e-5  # words this frequent (alltid, vilket, mellan) are not split
LONG_HEAD = 14  # a part before the last one this long is split again when it splits
SHORT_PART_FACTOR = 0.1  # three-letter parts (kul, tur, sam) are mostly chance matches
STEM_FORM_BELOW = 1e-5  # a rarer piece may stand for a form with a dropped vowel ...
STEM_FORM_RATIO = 20  # ... when that form is this many times more frequent
# Endings and derivational suffixes that are words of their own in wordfreq (function words too).
_SUFFIXES = frozenset(
    "arna erna orna ande ende ens ers het heter ning ningar lig liga ligt are ade ing tion "
    "tioner sion ism ist isk iska iskt ell ella ellt iva ivt ivitet ter tet ingar ering eringar samt sam".split()
)
_LINKS = ("", "s", "e")


@lru_cache(maxsize=1)
def _part_tables() -> tuple[dict[str, tuple[float, str]], dict[str, tuple[float, str]]]:
    """(heads, tails): folded piece -> (score, dictionary form) for every piece that can be a
    compound part before the last one (heads) or as the last one (tails).

    A head may stand for a form with a dropped final vowel (`skol` -> skola, `gatu` -> gata)
    when the piece itself is rare and that form far more frequent."""
    from spacy.lang.sv.stop_words import STOP_WORDS  # spaCy is imported only when words are split

    not_parts = frozenset(fold(w) for w in STOP_WORDS) | _SUFFIXES
    freq = frequencies()
    folded = {key: freq[words[0]] for key, words in folded_index().items()}
    tails = {piece: (score, piece) for piece, score in folded.items() if len(piece) >= MIN_PART_LENGTH}
    heads = dict(tails)
    for form, score in folded.items():
        for piece in _pieces_with_dropped_vowel(form):
            own = folded.get(piece, 0.0)
            if own < STEM_FORM_BELOW and score > STEM_FORM_RATIO * own and score > heads.get(piece, (0.0,))[0]:
                heads[piece] = (score, form)
    return tuple(
        {piece: (_scored(piece, score), form) for piece, (score, form) in table.items()
         if piece not in not_parts and _scored(piece, score) >= MIN_PART_FREQUENCY}
        for table in (heads, tails)
    )


def _pieces_with_dropped_vowel(form: str) -> tuple[str, ...]:
    """How `form` may appear as a compound head: skola -> skol, gatu, kvinno; arbete -> arbet."""
    if len(form) <= MIN_PART_LENGTH or form[-1] not in "ae":
        return ()
    stem = form[:-1]
    return (stem, stem + "u", stem + "o") if form[-1] == "a" else (stem,)


def _scored(piece: str, frequency: float) -> float:
    return frequency * SHORT_PART_FACTOR if len(piece) == MIN_PART_LENGTH else frequency


@lru_cache(maxsize=200_000)
def _best_products(word: str) -> tuple[tuple[float, tuple[str, ...]], ...]:
    """For k = 1..MAX_PARTS, the split of a folded word into k parts with the highest product
    of part frequencies: ((product, parts) or (0.0, ()), ...)."""
    heads, tails = _part_tables()
    best = [(0.0, ())] * MAX_PARTS
    if word in tails:
        score, form = tails[word]
        best[0] = (score, (form,))
    for end in range(MIN_PART_LENGTH, len(word) - MIN_PART_LENGTH + 1):
        head_part = heads.get(word[:end])
        if head_part is None:
            continue
        head_score, head = head_part
        for link in _LINKS:
            if word.startswith(link, end):
                tails_found = _best_products(word[end + len(link):])
                for k, (tail_score, tail) in enumerate(tails_found[:-1], start=1):
                    if head_score * tail_score > best[k][0]:
                        best[k] = (head_score * tail_score, (head,) + tail)
    return tuple(best)


def _score(product: float, parts: tuple[str, ...]) -> float:
    if len(parts) == 1:
        return product
    return product ** (1 / len(parts)) * SPLIT_FACTOR * EXTRA_PART_FACTOR ** (len(parts) - 2)


def _best_segmentation(folded: str) -> tuple[float, tuple[str, ...]]:
    """(score, parts) of the best split of a folded word; a word longer than MAX_WORD_LENGTH
    stays whole (the search recurses once per letter: a RecursionError on a pathological answer)."""
    if len(folded) > MAX_WORD_LENGTH:
        return 0.0, (folded,)
    options = [option for option in _best_products(folded) if option[0]]
    if not options:
        return 0.0, (folded,)
    product, parts = max(options, key=lambda option: _score(*option))
    return _score(product, parts), parts


def _lemma_of_last_part(source: str, last: str) -> str:
    """Folded lemma of the last part, looked up with the diacritics `source` still has."""
    spelling = source[-len(last):] if fold(source).endswith(last) else last
    if spelling not in frequencies():
        spelling = folded_index().get(fold(spelling), (spelling,))[0]
    return fold(lemmatise(spelling))


def _split_solid(word: str) -> tuple[str, ...]:
    """Split the lemma or the word itself, whichever splits better (simplemma garbles some
    compounds: `digitaliseringsstrategi` -> `digitaliseringsstrateg`)."""
    lower = word.lower()
    if _is_lexicalised(lower):
        return ()
    lemma = lemmatise(lower)
    lemma_score, lemma_parts = _best_segmentation(fold(lemma))
    surface_score, surface_parts = _best_segmentation(fold(lower))
    if lemma_score >= surface_score:
        return _split_long_heads(lemma_parts) if len(lemma_parts) > 1 else ()
    if len(surface_parts) == 1:
        return ()
    return _split_long_heads(surface_parts[:-1]) + (_lemma_of_last_part(lower, surface_parts[-1]),)


def _split_long_heads(parts: tuple[str, ...]) -> tuple[str, ...]:
    """Split again the parts before the last one that are long compounds of their own
    (`informationssakerhet|arbete` -> information, sakerhet, arbete)."""
    split = ()
    for index, part in enumerate(parts):
        pieces = _best_segmentation(part)[1] if len(part) >= LONG_HEAD and index < len(parts) - 1 else ()
        split += pieces if len(pieces) > 1 else (part,)
    return split


def _is_lexicalised(lower: str) -> bool:
    """Whether the word, in its most frequent spelling, is too frequent to be split."""
    spelling = folded_index().get(fold(lower), (lower,))[0]
    return frequency(spelling) >= LEXICALISED_FREQUENCY


@lru_cache(maxsize=200_000)
def split_compound(word: str) -> tuple[str, ...]:
    """Folded parts of a Swedish compound (last one lemmatised); () when `word` is not one."""
    pieces = [p for p in word.lower().split("-") if p]
    if len(pieces) == 1:
        return _split_solid(pieces[0]) if pieces[0].isalpha() else ()
    if not pieces or not all(p.isalnum() for p in pieces):
        return ()
    parts: list[str] = []
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        whole = fold(lemmatise(piece)) if last else fold(piece)
        parts.extend(_split_solid(piece) or (whole,))
    return tuple(parts)
