"""The one model of a coding result, shared by every layer.

Coding gives a :class:`CodingResult`: per answer and code a score and a decision, and per
applied code an :class:`Evidence` record (the matched words with offsets into the original
answer, the sentence, the nearest codebook text, each component's score, the source of the
decision). Counts, quotes, reports, discovery, learning and the workspace read these objects.
Text exists only at the edges: :func:`join_codes` and :meth:`Evidence.to_json` are the writers
of the coded table's ``codes`` and ``evidence`` cells, :func:`split_codes` and
:func:`read_evidence` their only readers.
"""
import json
import re
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

MACHINE, MODEL, HUMAN = "machine", "model", "human"
SOURCES = (MACHINE, MODEL, HUMAN)   # who decided: the zero-shot coder, a trained model, an analyst
CODE_SEPARATOR = ";"
# Cells typed by people may separate code ids by ";" (SPEC), "," "|" or spaces; ids never hold them.
_SEPARATORS = re.compile(r"[;,|\s]+")


def split_codes(cell):
    """The code ids of one ``codes`` cell: ``"a; b"`` -> ``("a", "b")``; empty or missing -> ``()``."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return ()
    return tuple(part for part in _SEPARATORS.split(str(cell).strip()) if part)


def join_codes(code_ids):
    """The ``codes`` cell of an answer: ids joined by ";" (SPEC), "" when none."""
    return CODE_SEPARATOR.join(code_ids)


@dataclass(frozen=True, slots=True)
class Match:
    """A keyword found in an answer, with character offsets into the original text.

    ``sentence`` is the number of the sentence it lies in (None when read back from a file);
    ``negated`` marks a match inside a "not a problem" clause, which counts against the code.
    """

    keyword: str
    text: str
    start: int
    end: int
    sentence: int | None = None
    negated: bool = False

    def to_dict(self):
        return {"keyword": self.keyword, "text": self.text, "start": self.start, "end": self.end,
                **({"negated": True} if self.negated else {})}


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the original answer: ``text`` is ``answer[start:end]``."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Nearest:
    """The codebook text (``kind``: description, include or example) closest to the answer."""

    kind: str
    text: str
    similarity: float


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a code was applied to an answer.

    ``score`` is the confidence; ``matches`` the keywords found (None when the decision had no
    lexical part, as for a code only a trained model applied); ``components`` each signal's
    score (lexical hits, semantic similarity, self-trained probability); ``sentence`` the
    sentence that carries the code; ``nearest`` the closest codebook text; ``model`` a trained
    model's probability and the zero-shot score beside it; ``source`` who decided.
    """

    score: float
    matches: tuple | None = ()
    components: dict | None = None
    sentence: Span | None = None
    nearest: Nearest | None = None
    model: dict | None = None
    source: str = MACHINE

    def spans(self):
        """(start, end) of every place the evidence points at: the matched words, the sentence."""
        found = [(m.start, m.end) for m in self.matches or ()]
        if self.sentence is not None:
            found.append((self.sentence.start, self.sentence.end))
        return found

    def focus(self):
        """The one span to show or code: the sentence, else the stretch of the matched words, else None."""
        if self.sentence is not None:
            return self.sentence.start, self.sentence.end
        if self.matches:
            return min(m.start for m in self.matches), max(m.end for m in self.matches)
        return None

    def to_dict(self):
        """The evidence as the coded table's JSON records it (key order is part of the format)."""
        record = {"score": self.score}
        if self.matches is not None:
            record["matches"] = [m.to_dict() for m in self.matches]
        if self.components is not None:
            record["components"] = dict(self.components)
        if self.sentence is not None:
            record["sentence"] = asdict(self.sentence)
        if self.nearest is not None:
            record["nearest"] = asdict(self.nearest)
        if self.model is not None:
            record["model"] = dict(self.model)
        if self.source != MACHINE and self.source != MODEL:
            record["source"] = self.source
        return record

    @classmethod
    def from_dict(cls, record):
        """Read one code's evidence record back; parts that are unreadable are left out."""
        score = record.get("score")
        return cls(
            score=float(score) if isinstance(score, (int, float)) else float("nan"),
            matches=tuple(_match(m) for m in record.get("matches", ()) if _is_span(m)) if "matches" in record else None,
            components=record["components"] if isinstance(record.get("components"), dict) else None,
            sentence=_span(record.get("sentence")),
            nearest=_nearest(record.get("nearest")),
            model=record["model"] if isinstance(record.get("model"), dict) else None,
            source=record["source"] if record.get("source") in SOURCES else
            (MODEL if isinstance(record.get("model"), dict) else MACHINE))


def evidence_json(evidence):
    """The ``evidence`` cell of one answer: ``{code id: Evidence}`` as JSON."""
    return json.dumps({code: entry.to_dict() for code, entry in evidence.items()}, ensure_ascii=False)


def read_evidence(cell):
    """``{code id: Evidence}`` of one ``evidence`` cell (a JSON string or an already parsed dict);
    a cell that is empty, not JSON or not an object reads as no evidence."""
    if isinstance(cell, str):
        try:
            cell = json.loads(cell) if cell.strip() else {}
        except ValueError:
            return {}
    if not isinstance(cell, dict):
        return {}
    return {str(code): Evidence.from_dict(entry) for code, entry in cell.items() if isinstance(entry, dict)}


def _is_span(value):
    return (isinstance(value, dict) and isinstance(value.get("start"), int)
            and isinstance(value.get("end"), int) and 0 <= value["start"] <= value["end"])


def _match(record):
    return Match(str(record.get("keyword", "")), str(record.get("text", "")), record["start"], record["end"],
                 None, bool(record.get("negated", False)))


def _span(record):
    return Span(str(record.get("text", "")), record["start"], record["end"]) if _is_span(record) else None


def _nearest(record):
    if not isinstance(record, dict) or not isinstance(record.get("similarity"), (int, float)):
        return None
    return Nearest(str(record.get("kind", "")), str(record.get("text", "")), float(record["similarity"]))


@dataclass
class CodingResult:
    """What coding gives back for a list of answers, in their order.

    ``code_ids`` are the codes decided (the codebook's active codes, in codebook order);
    ``scores`` a DataFrame (answers x code ids) of confidences in [0, 1]; ``decisions`` a bool
    array of the same shape; ``evidence`` per answer ``{code id: Evidence}`` for its applied codes.
    What coding computed on the way travels along so that later steps need not compute it
    again: ``answers`` (each answer's :class:`~qualcode.coding.analysed.AnalysedAnswer`: its
    words and sentences with offsets into the original text), ``vectors`` (the answers'
    embeddings, or None in fast mode) and ``components`` (per signal an (answers x codes)
    array: lexical, semantic, self_trained, negated_only).
    """

    code_ids: tuple
    scores: pd.DataFrame
    decisions: np.ndarray
    evidence: list
    answers: list | None = None
    vectors: np.ndarray | None = None
    components: dict = field(default_factory=dict)

    def __len__(self):
        return len(self.evidence)

    @property
    def codes(self):
        """Per answer, the ids of its applied codes in codebook order."""
        return [[self.code_ids[j] for j in np.flatnonzero(row)] for row in self.decisions]

    def codes_cells(self):
        """The ``codes`` column as SPEC writes it."""
        return [join_codes(codes) for codes in self.codes]

    def evidence_cells(self):
        """The ``evidence`` column as SPEC writes it."""
        return [evidence_json(entry) for entry in self.evidence]

    def take(self, rows):
        """The result of the answers at positions ``rows``, in that order."""
        rows = list(rows)
        return CodingResult(
            self.code_ids, self.scores.iloc[rows].reset_index(drop=True), self.decisions[rows],
            [self.evidence[i] for i in rows],
            None if self.answers is None else [self.answers[i] for i in rows],
            None if self.vectors is None else self.vectors[rows],
            {name: None if values is None else values[rows] for name, values in self.components.items()})

    @classmethod
    def concat(cls, results):
        """One result of several, answers in order (all of the same codes)."""
        results = list(results)
        first = results[0]

        def joined(name):
            values = [getattr(result, name) for result in results]
            return None if any(value is None for value in values) else values

        answers, vectors = joined("answers"), joined("vectors")
        return cls(first.code_ids, pd.concat([r.scores for r in results], ignore_index=True),
                   np.concatenate([r.decisions for r in results]), [e for r in results for e in r.evidence],
                   None if answers is None else [a for part in answers for a in part],
                   None if vectors is None else np.concatenate(vectors),
                   {name: None if first.components[name] is None else
                    np.concatenate([r.components[name] for r in results]) for name in first.components})

    @classmethod
    def empty(cls, code_ids):
        """The result of coding no answers."""
        return cls(tuple(code_ids), pd.DataFrame(np.zeros((0, len(code_ids))), columns=list(code_ids)),
                   np.zeros((0, len(code_ids)), dtype=bool), [], [], None, {})
