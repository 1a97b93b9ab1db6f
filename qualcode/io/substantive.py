"""Telling real answers from the empty ones analysts keep but do not count as content."""
import re
import unicodedata

import pandas as pd

# whole answers (case, surrounding space and punctuation ignored) that say nothing
NON_ANSWERS = frozenset({
    "", "x", "xx", "xxx", "nej", "nej tack", "nej inget", "nej, inget", "nix", "inget", "inga",
    "ingenting", "inget att tillägga", "inget mer", "inget mer att tillägga", "inget särskilt",
    "inget speciellt", "ingen kommentar", "inga kommentarer", "ingen åsikt", "har ingen åsikt",
    "ingen uppfattning", "vet ej", "vet inte", "vet ej/ingen åsikt", "kan ej svara",
    "kan inte svara", "svårt att säga", "svårt att svara", "kan inte säga", "ingen aning",
    "vet inte riktigt", "ej aktuellt", "inte aktuellt", "ej relevant", "inget svar", "n/a", "na",
    "none", "no", "nothing", "-", "--", "?",
})
LONGEST_NON_ANSWER = max(map(len, NON_ANSWERS))
LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def is_substantive(text):
    """False for an answer with no content: '', '-', 'vet ej', 'Inget att tillägga.', '...'.

    >>> is_substantive("Vet ej."), is_substantive("Ekonomin, helt klart")
    (False, True)
    """
    folded = unicodedata.normalize("NFC", str(text)).casefold()
    first = LETTER_OR_DIGIT.search(folded)
    if first is None:
        return False
    end = len(folded) - LETTER_OR_DIGIT.search(folded[::-1]).start()
    # punctuation and space around the words do not count: "Vet ej." is "vet ej"
    core = folded[first.start():end]
    return len(core) > LONGEST_NON_ANSWER or core not in NON_ANSWERS


def substantive_mask(texts):
    """A boolean Series, True where the answer in ``texts`` (a Series) has content."""
    return pd.Series([is_substantive(text) for text in texts], index=texts.index, dtype=bool)
