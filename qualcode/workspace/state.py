"""The human side of a project, derived from the append-only decision log.

Every save is a *batch* (an answer reviewed, a code verified, a set of similar answers, an
adjudication) of *decisions* (answer, code, applies or not); an undo is a batch that names the
batch it undoes. :class:`DecisionState` replays the log: per coder, answer and code the latest
decision whose batch is not undone (last write wins, so two tabs deciding the same answer leave
the later decision in force and both in the log). It reads only the rows it has not seen, so
several tabs or several ``qualcode review`` processes on one file stay in step.
"""
from collections import defaultdict
from dataclasses import dataclass, field

APPLIES = {"accept": True, "add": True, "reject": False, "remove": False}
ADJUDICATE, UNDO = "adjudicate", "undo"


def action_for(applies, suggested):
    """The log's word for a decision: accept/reject a code the machine suggested, add/remove one it did not."""
    if suggested:
        return "accept" if applies else "reject"
    return "add" if applies else "remove"


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision in force: whether ``code`` applies, who decided it when, in which batch."""

    applies: bool
    seq: int
    batch: int
    coder: str
    time: str
    codebook: int
    kind: str


@dataclass
class Batch:
    """One save as the log holds it."""

    batch: int
    coder: str
    kind: str
    time: str
    elapsed: float | None
    ordering: str | None
    client: str | None
    undoes: int | None
    cells: list = field(default_factory=list)   # (answer, code) decided in this batch

    @property
    def answers(self):
        """The answers this batch decided, in the order it decided them."""
        return list(dict.fromkeys(answer for answer, _ in self.cells))


class DecisionState:
    """The decisions in force, replayed from the log (see the module docstring).

    ``aliases`` maps a code id that a later codebook version renamed to its new id, so that
    decisions survive the rename; ``merged`` maps a code merged into another to that one's
    current id: that it applied carries over (the merged code applies where either did), that
    it did not says nothing about the code it joined.
    """

    def __init__(self, aliases=None, merged=None):
        self.aliases = dict(aliases or {})
        self.merged = dict(merged or {})
        self.last_batch = 0
        self.batches = {}
        self.undone = set()
        self.by_client = {}
        self._history = defaultdict(list)       # (coder or ADJUDICATE, answer, code) -> [Decision]
        self._current = defaultdict(dict)       # (coder, answer) -> {code: Decision}
        self._adjudicated = defaultdict(dict)   # answer -> {code: Decision}
        self._coders = {}                       # coder -> [batch], in log order

    # -- replaying the log ------------------------------------------------------------------
    def replay(self, batches, decisions):
        """Apply log rows newer than :attr:`last_batch`: ``batches`` as (batch, coder, kind, time,
        elapsed, ordering, client, undoes) and ``decisions`` as (seq, batch, answer, code,
        action, codebook), both in log order."""
        cells = defaultdict(list)
        carried = defaultdict(list)      # decisions on merged codes, applied after the batch's own
        for seq, batch, answer, code, action, codebook in decisions:
            code, applies = self.aliases.get(code, code), APPLIES[action]
            if code in self.merged:
                if applies:
                    carried[batch].append((seq, answer, self.merged[code], applies, codebook))
                continue
            cells[batch].append((seq, answer, code, applies, codebook))
        for batch, rows in carried.items():
            cells[batch].extend(rows)
        for row in batches:
            batch = Batch(*row)
            self.batches[batch.batch] = batch
            if batch.client:
                self.by_client[batch.client] = batch.batch
            self.last_batch = max(self.last_batch, batch.batch)
            if batch.undoes is not None:
                self._undo(batch.undoes)
                continue
            self._coders.setdefault(batch.coder, []).append(batch.batch)
            for seq, answer, code, applies, codebook in cells.get(batch.batch, ()):
                self._record(batch, Decision(applies, seq, batch.batch, batch.coder, batch.time, codebook,
                                             batch.kind), answer, code)

    def _key(self, decision, answer, code):
        return (ADJUDICATE if decision.kind == ADJUDICATE else decision.coder, answer, code)

    def _record(self, batch, decision, answer, code):
        batch.cells.append((answer, code))
        key = self._key(decision, answer, code)
        self._history[key].append(decision)
        self._set(key, decision)

    def _set(self, key, decision):
        who, answer, code = key
        place = self._adjudicated[answer] if who == ADJUDICATE else self._current[(who, answer)]
        if decision is None:
            place.pop(code, None)
        else:
            place[code] = decision

    def _undo(self, undone):
        if undone in self.undone or undone not in self.batches:
            return
        self.undone.add(undone)
        batch = self.batches[undone]
        who = ADJUDICATE if batch.kind == ADJUDICATE else batch.coder
        for answer, code in batch.cells:
            key = (who, answer, code)
            live = [d for d in self._history[key] if d.batch not in self.undone]
            self._set(key, live[-1] if live else None)

    def current_id(self, code):
        """The id ``code`` has now (after renames and merges)."""
        code = self.aliases.get(code, code)
        return self.merged.get(code, code)

    # -- reading the state ------------------------------------------------------------------
    @property
    def coders(self):
        """The coders who decided anything, in the order they first did."""
        return list(self._coders)

    def of(self, coder, answer):
        """``{code: Decision}`` in force for ``coder`` on ``answer`` ({} when not reviewed)."""
        return self._current.get((coder, answer), {})

    def reviewed(self, coder):
        """The answers ``coder`` has a decision in force on."""
        return {answer for (who, answer), decided in self._current.items() if who == coder and decided}

    def reviewed_by_anyone(self):
        """The answers with a decision in force, by any coder or an adjudication."""
        found = {answer for (_, answer), decided in self._current.items() if decided}
        return found | {answer for answer, decided in self._adjudicated.items() if decided}

    def others(self, coder, answer):
        """``{other coder: {code: Decision}}`` on ``answer``."""
        return {who: self.of(who, answer) for who in self._coders if who != coder and self.of(who, answer)}

    def adjudication(self, answer):
        """``{code: Decision}`` of the adjudications in force on ``answer``."""
        return self._adjudicated.get(answer, {})

    def final(self, answer):
        """``{code: Decision}`` that stands for ``answer``: an adjudication where there is one, else
        the latest decision of any coder (last write wins)."""
        standing = {}
        for who in self._coders:
            for code, decision in self.of(who, answer).items():
                if code not in standing or decision.seq > standing[code].seq:
                    standing[code] = decision
        standing.update(self.adjudication(answer))
        return standing

    def disagreements(self, coders=None):
        """``{answer: [codes]}`` where two coders' decisions in force differ (no adjudication on it)."""
        coders = coders or self.coders
        found = {}
        answers = {answer for (who, answer) in self._current if who in coders}
        for answer in answers:
            decided = [self.of(who, answer) for who in coders if self.of(who, answer)]
            if len(decided) < 2:
                continue
            codes = sorted({code for d in decided for code in d})
            differing = [code for code in codes
                         if len({d[code].applies for d in decided if code in d}) > 1
                         and code not in self.adjudication(answer)]
            if differing:
                found[answer] = differing
        return found

    def live_batches(self, coder, kinds=None):
        """``coder``'s batches not undone, oldest first (only those of ``kinds`` when given)."""
        return [self.batches[b] for b in self._coders.get(coder, ())
                if b not in self.undone and (kinds is None or self.batches[b].kind in kinds)]

    def elapsed(self, coder=None):
        """Seconds per decision of the batches not undone (``coder``'s, or everyone's)."""
        coders = [coder] if coder else self.coders
        return [batch.elapsed for who in coders for batch in self.live_batches(who)
                if batch.elapsed is not None and batch.kind in ("review", "verify", ADJUDICATE)]
