"""Units of discovery (whole answers or their sentences) and the words that label them.

Every unit carries the index of its answer, its sentence number (1-based; 1 for whole
answers), its text, its span in the answer's original text, its analysed words, and its
*terms*: content lemmas, the parts of compounds and adjacent content-lemma pairs, keyed by
their diacritic-folded form. Swedish stop words and survey filler never become terms, so no
theme is named "kommun", "vi" or "att".
"""
from collections import Counter
from dataclasses import dataclass

UNITS = ("answer", "sentence")

# Words frequent in any survey or review that say nothing about a theme (folded lemmas).
FILLER = frozenset("""
kommun kommunen region lan verksamhet organisation arbete jobba jobb fraga svar tycka tanka
tro kanna hitta bruka borja sluta fortsatta lyckas hjalpa skapa anvanda behov problem
sak saker satt mojlighet grej typ osv etc bla mm ex exempel ganska val nagot nagon
allt alla alltid aldrig nastan egentligen faktiskt absolut precis sjalv sjalva lite mycket
manga vissa hela helt hel del dock annars samt aven sen innan sedan fortfarande sarskilt
ocksa bara just kanske nog tyvarr iallafall iaf liksom vilja ge ta se fa gora ha vara bli
kunna skola komma ga finnas behova maste bor lata gang ganger ar manad vecka timme dag
nagonting via ihop kring istallet massa sitta sta hos direkt riktig egen varje redan
tidigare inom utan mellan enda enkel verkligen bora valdig jatte otrolig
""".split())

MIN_TERM_LENGTH = 3
RARE_LEMMA = 100        # a lemma this many times rarer than its written form is not shown
LABEL_FREQUENCY = 1e-7  # a compound part names a theme only as a word this frequent
GENERIC_FLOOR = 0.2


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit to cluster: its answer, sentence number, text, (start, end) in the answer's
    original text, analysed words and term keys."""

    answer: int
    sentence: int
    text: str
    span: tuple
    words: tuple
    terms: tuple


def split_units(answers, unit="answer"):
    """Cut analysed answers into units and return ``(units, display)``.

    ``answers`` come from :func:`qualcode.coding.analysed.analyse_answers`. ``units`` is a
    list of :class:`Unit`, one per answer or per sentence; ``display`` maps each term key to
    its most frequent written form.
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, not {unit!r}")
    units = []
    for index, answer in enumerate(answers):
        if unit == "answer":
            if answer.text.strip():
                units.append(Unit(index, 1, answer.text, (0, len(answer.text)), answer.words, terms(answer.words)))
            continue
        for number, span in enumerate(answer.sentences):
            text = answer.sentence_text(number).strip()
            if text:
                words = tuple(word for word in answer.words if word.sentence == number)
                units.append(Unit(index, number + 1, text, span, words, terms(words)))
    return units, display_forms(answers)


def is_content(word):
    """True for a word that may name a theme: no stop word, filler, number or scrap."""
    key = word.folded_lemma
    return not word.is_stop and len(key) >= MIN_TERM_LENGTH and key not in FILLER and key.isalpha()


def terms(words):
    """The distinct term keys of some words: content lemmas, compound parts, adjacent pairs."""
    found = []
    for index, word in enumerate(words):
        if not is_content(word):
            continue
        found.append(word.folded_lemma)
        found.extend(part for part in word.parts if len(part) >= MIN_TERM_LENGTH and part not in FILLER)
        following = words[index + 1] if index + 1 < len(words) else None
        if following is not None and following.sentence == word.sentence and is_content(following):
            found.append(f"{word.folded_lemma} {following.folded_lemma}")
    return tuple(dict.fromkeys(found))


def specificity(word):
    """How specific ``word`` is to a theme, in (0, 1]: 1 for rare words, lower for the words
    every text uses (by Swedish word frequency, Zipf scale: "via" 0.66, "budget" 1.0)."""
    from wordfreq import zipf_frequency

    zipf = max((zipf_frequency(part, "sv") for part in word.split(" ")), default=0.0)
    return float(min(1.0, max(GENERIC_FLOOR, (7.0 - zipf) / 2.5)))


def display_forms(answers):
    """Map each folded lemma of ``answers`` to the word an analyst would read: its most
    frequent lemma (with diacritics), or the most frequent written form when the lexicon knows
    that lemma as a rare word only (a wrong lemma such as "killa" for "killar")."""
    from qualcode.language.lexicon import frequency

    lemmas, written = Counter(), Counter()
    for answer in answers:
        for word in answer.words:
            lemmas[word.folded_lemma, word.lemma] += 1
            written[word.folded_lemma, answer.text[word.start:word.end].lower()] += 1
    best, surface = {}, {}
    for (key, lemma), _ in lemmas.most_common():
        best.setdefault(key, lemma)
    for (key, form), _ in written.most_common():
        surface.setdefault(key, form)
    for key, lemma in best.items():
        if frequency(lemma) * RARE_LEMMA < frequency(surface[key]):
            best[key] = surface[key]
    return _DisplayMap(best)


def lexicon_form(key):
    """The base form of the Swedish lexicon that folds to ``key`` ("tjanst" -> "tjänst"), or
    None when no word in common use does, or only as an inflected form or a stem ("salj", "rid")."""
    from qualcode.language.lemmas import lemmatise
    from qualcode.language.lexicon import folded_index, is_known_word

    return next((word for word in folded_index().get(key, ())
                 if is_known_word(word, LABEL_FREQUENCY) and lemmatise(word) == word), None)


class _DisplayMap(dict):
    """Folded key -> written form; pairs are spelled word by word, compound parts never seen as
    a word by their lexicon form (the folded key itself when the lexicon has none)."""

    def __missing__(self, key):
        if " " in key:
            return " ".join(self[part] for part in key.split(" "))
        return lexicon_form(key) or key

    def is_label(self, key):
        """True when every word of ``key`` is a word an analyst would keep in a label: seen as
        a word in the answers, or a base form of the lexicon."""
        return all(part in self or lexicon_form(part) is not None for part in key.split(" "))
