"""The order of a report's questions: numbered in file order, follow-ups under their question.

A follow-up question ("Vad kan göras …?" after "Upplever ni …? Ja/Nej") is placed under the
question before it. It is named with ``--follow-up`` (its text, or its number in file order),
or found by the labels survey tools give questions: "5.9b", "5.9.1", "Q9_1" or "Q9b" follow
"5.9" or "Q9" when that question comes earlier in the file.
"""
import re
from dataclasses import dataclass, field

from qualcode.errors import InputError

LABEL = re.compile(r"\s*(?P<label>[A-Za-z]{0,2}\d+(?:[._-]?(?:\d+|[a-z]))*)(?=[\s.:)]|$)")
SUFFIX = re.compile(r"(?:[._-]?[a-z]|[._ -]\d+)(?:[._-]?(?:\d+|[a-z]))*")


@dataclass
class Entry:
    """A question in the report: its text, its number ("8"; None for a follow-up) and its
    follow-up questions."""

    question: str
    number: str | None = None
    follow_ups: list = field(default_factory=list)


def outline(questions, follow_up=()):
    """The main questions in file order (``questions``), numbered, with their follow-ups.

    ``follow_up`` names follow-up questions by text or by number in file order (1 is the
    first); each goes under the question before it. Raises InputError for a name that is no
    question and for the first question (nothing comes before it)."""
    questions = list(questions)
    named = {_resolve(name, questions) for name in follow_up}
    if questions and 0 in named:
        raise InputError(f"--follow-up {questions[0]!r}: the first question has no question before it "
                         "to follow up; name a later question")
    labels = [label_of(question) for question in questions]
    entries, main, main_label = [], None, None
    for index, question in enumerate(questions):
        if main is not None and (index in named or _follows(labels[index], main_label)):
            main.follow_ups.append(Entry(question))
            continue
        main, main_label = Entry(question), labels[index]
        entries.append(main)
    labelled = all(label_of(entry.question) for entry in entries)   # "5.9 Upplever ni …" numbers itself
    for number, entry in enumerate(entries, 1):
        entry.number = None if labelled else str(number)
    return entries


def label_of(question):
    """The label a question starts with ("5.9", "Q9b"), or None."""
    match = LABEL.match(str(question))
    return match.group("label") if match else None


def _follows(label, main_label):
    """Whether ``label`` extends ``main_label`` by a sub-label ("5.9b" of "5.9", "Q9_1" of "Q9")."""
    if not label or not main_label or not label.startswith(main_label) or label == main_label:
        return False
    return SUFFIX.fullmatch(label[len(main_label):]) is not None


def _resolve(name, questions):
    """The position of the question ``name`` names: its text, or its number in file order."""
    name = str(name).strip()
    if name in questions:
        return questions.index(name)
    if name.isdigit() and 1 <= int(name) <= len(questions):
        return int(name) - 1
    listing = "; ".join(f"{n} {q}" for n, q in enumerate(questions, 1))
    raise InputError(f"--follow-up {name}: no such question; give its text or its number in file "
                     f"order: {listing}")
