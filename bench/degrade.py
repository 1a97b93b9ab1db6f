"""Damage answers the way the OCR of the source report did (issue 17), deterministically.

    python bench/degrade.py ../shared/data/dev/responses.csv /tmp/dev-ocr.csv --seed 0

The rates were measured on ../shared/seeds/000_*.txt (a 2020 report on the digital maturity
of Norrbotten's municipalities, as its PDF was extracted): of 588 words spelt with å/ä/ö, not
one kept them all. Per letter (inside a word / first letter of a word):
- ä: a 72% / 62%, é 17%, éa 4.5% (`enkéaten`), d 3.5% / 8% (`dnnu`, `tillrdcklig`), & 27% at the start (`&r`)
- å: a 96%, d 2% (`frdgan`), & 1% (`p&`), é 1% (`forméga`)
- ö: o 80% / 42%, é 11% / 16% (`féljande`), d 6% (`beddmer`), a 2% (`majligheter`), 6 at the start 42% (`6kad`)
72 of its 425 lines end in a word broken with a hyphen (`digita-` / `liseringens`). Answers
are laid out in lines of 55-75 characters; a word of six letters or more that crosses a line
end is broken with a hyphen (60%), without one (20%), or moved whole to the next line.
`keep` (default 0.1) is the share of words that keep their letters, so that texts with a few
å/ä/ö left, which a restorer must not take for clean text, are part of the test.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import random
import re

# letter -> ((replacement, weight), ...) inside a word; LEADING overrides for a word's first letter
INSIDE = {
    "ä": (("a", 72), ("é", 17), ("éa", 4.5), ("d", 3.5), ("&", 1)),
    "å": (("a", 96), ("d", 2), ("&", 1), ("é", 1)),
    "ö": (("o", 80), ("é", 11), ("d", 6), ("a", 2), ("6", 1)),
}
LEADING = {
    "ä": (("a", 62), ("&", 27), ("d", 8), ("é", 3)),
    "å": INSIDE["å"],
    "ö": (("o", 42), ("6", 42), ("é", 16)),
}
UPPER = {"Ä": (("A", 80), ("&", 20)), "Å": (("A", 100),), "Ö": (("O", 55), ("6", 45))}
KEEP = 0.1
LINE_WIDTH = (55, 75)
BREAK = (("hyphen", 60), ("newline", 20), ("wrap", 20))
MIN_BROKEN_WORD = 6
WORD = re.compile(r"\w+", re.UNICODE)


def rng_for(text: str, seed: int) -> random.Random:
    """A generator that depends on the seed and the text only (not on the order of answers)."""
    digest = hashlib.blake2b(f"{seed}\0{text}".encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


def _choose(rng: random.Random, options) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def damage_word(word: str, rng: random.Random, keep: float = KEEP) -> str:
    """One word with its å/ä/ö damaged (or kept whole, with probability ``keep``)."""
    if not set(word) & set("åäöÅÄÖ") or rng.random() < keep:
        return word
    out = []
    for index, char in enumerate(word):
        if char in UPPER:
            out.append(_choose(rng, UPPER[char]))
        elif char in INSIDE:
            out.append(_choose(rng, (LEADING if index == 0 else INSIDE)[char]))
        else:
            out.append(char)
    return "".join(out)


def break_lines(text: str, rng: random.Random) -> str:
    """Lay ``text`` out in lines as a scanned page would, breaking long words at line ends."""
    width = rng.randint(*LINE_WIDTH)
    column = rng.randint(0, width - 1)  # the answer starts wherever its first line had room
    out = []
    for token in re.split(r"(\s+)", text):
        if not token or token.isspace():
            if token and column:
                out.append(" ")
                column += 1
            continue
        room = width - column
        if len(token) <= room:
            out.append(token)
            column += len(token)
            continue
        how = _choose(rng, BREAK) if len(token) >= MIN_BROKEN_WORD and room >= 3 and token[:room - 1].isalpha() else "wrap"
        if how == "wrap":
            if out and out[-1] == " ":
                out[-1] = "\n"
            out.append(token)
            column = len(token)
        else:
            cut = room - 1 if how == "hyphen" else room
            cut = max(2, min(cut, len(token) - 2))
            out.append(token[:cut] + ("-\n" if how == "hyphen" else "\n") + token[cut:])
            column = len(token) - cut
    return "".join(out)


def degrade(text: str, seed: int = 0, keep: float = KEEP) -> str:
    """``text`` as the source report's OCR would have given it; the same for the same seed."""
    rng = rng_for(text, seed)
    damaged = WORD.sub(lambda m: damage_word(m.group(), rng, keep), text)
    return break_lines(damaged, rng)


def degrade_file(source, target, seed: int = 0, text_column: str = "text", keep: float = KEEP) -> None:
    """Copy a CSV of answers with its text column degraded."""
    with open(source, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        row[text_column] = degrade(row[text_column], seed, keep)
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=float, default=KEEP, help="share of words that keep å/ä/ö")
    parser.add_argument("--text-column", default="text")
    args = parser.parse_args()
    degrade_file(args.source, args.target, args.seed, args.text_column, args.keep)


if __name__ == "__main__":
    main()
