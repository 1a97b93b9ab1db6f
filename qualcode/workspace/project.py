"""A review project: the answers, the codebook versions, the machine's suggestions and the
analysts' decisions, in one SQLite file (see :mod:`qualcode.workspace.schema`).

    import qualcode as qc
    project = qc.Project("survey.qcproj")
    project.decide("N001", ["resources", "competence"], coder="anna")
    project.export("decisions.csv")            # as `qualcode review export`
    project.report("out/")                     # as `qualcode report --project`

:class:`Project` holds what the screen needs in memory (the answers, the current suggestions
as a score matrix, the answers' vectors) and the human decisions as a
:class:`~qualcode.workspace.state.DecisionState` replayed from the log; every write is one
transaction appended to the log, committed before the call returns.
"""
import json
import threading
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from qualcode.coding.result import join_codes, read_evidence, split_codes
from qualcode.errors import InputError, located
from qualcode.workspace.schema import connect, current_codebook_version, transaction
from qualcode.workspace.state import ADJUDICATE, UNDO, DecisionState, action_for

KINDS = ("review", "verify", "similar", ADJUDICATE)


def now():
    """The log's time stamp: UTC, ISO 8601, milliseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class Project:
    """An open project file. ``Project(path)`` opens an existing project for reading and
    writing (``write=False``: read only, also from a read-only disk); create one with
    :func:`qualcode.api.open_project` or ``qualcode review``.

    Answers are named by their ids in the API; ``coder`` names the analyst deciding.
    """

    def __init__(self, path, write=True):
        self.path = Path(path)
        if not self.path.is_file():
            raise InputError(located(self.path, "no such project file; create it with 'qualcode review "
                                                "ANSWERS --codebook CB --project FILE' or qc.Project.create"))
        self.write = write
        self._lock = threading.RLock()
        self._listeners = []
        self._db = connect(self.path, write)
        self.reload()

    # -- loading ---------------------------------------------------------------------------
    def reload(self):
        """Read the project file again (answers, codebooks, suggestions, vectors, decisions)."""
        with self._lock:
            self.meta = {key: json.loads(value) for key, value in self._db.execute("SELECT key, value FROM meta")}
            self._load_answers()
            self._load_codebooks()
            self._load_suggestions()
            self._load_vectors()
            self.decisions = DecisionState(self.aliases, self.merged)
            self._changed_since = {}
            self.refresh()

    def _load_answers(self):
        rows = self._db.execute("SELECT id, text, question, respondent, attributes, substantive "
                                "FROM answers ORDER BY answer").fetchall()
        self.ids = [row[0] for row in rows]
        self.texts = [row[1] for row in rows]
        self.questions = [row[2] for row in rows] if rows and self.meta.get("columns", {}).get("question") else None
        self.respondents = [row[3] if row[3] is not None else row[0] for row in rows]
        self.substantive = np.array([bool(row[5]) for row in rows], dtype=bool)
        self.attribute_columns = list(self.meta.get("attribute_columns", []))
        records = json.loads("[" + ",".join(row[4] for row in rows) + "]")   # one parse, not one per answer
        self.attributes = pd.DataFrame(records, columns=self.attribute_columns, dtype=object).fillna("")
        self.index = {answer: position for position, answer in enumerate(self.ids)}

    def _load_codebooks(self):
        from qualcode.codebook.loader import parse_codebook_text

        rows = self._db.execute("SELECT version, hash, name, label, source, yaml, changes, added "
                                "FROM codebooks ORDER BY version").fetchall()
        entries = {r[0]: {"version": r[0], "hash": r[1], "name": r[2], "label": r[3], "source": r[4],
                          "changes": json.loads(r[6]), "added": r[7]} for r in rows}
        self._yaml = {r[0]: (r[5], r[4]) for r in rows}
        self._codebook_at = {}
        self.codebook_version = current_codebook_version(self._db) if rows else 0
        self.codebook_versions = _history(entries, self.codebook_version)
        self.aliases = _renames(self.codebook_versions)
        self.merged = _merges(self.codebook_versions, self.aliases)
        if not rows:
            self.codebook, self.code_ids = None, ()
            return
        self.codebook = parse_codebook_text(*self._yaml[self.codebook_version])
        self.code_ids = tuple(code.id for code in self.codebook.active_codes)

    def codebook_at(self, version):
        """The project's codebook version ``version`` (None when there is none)."""
        from qualcode.codebook.loader import parse_codebook_text

        if version not in self._codebook_at:
            found = self._yaml.get(version)
            self._codebook_at[version] = parse_codebook_text(*found) if found else None
        return self._codebook_at[version]

    def yaml_text(self, version=None):
        """The YAML the project keeps of codebook ``version`` (default: the current one)."""
        return self._yaml[self.codebook_version if version is None else version][0]

    def _load_suggestions(self):
        n, k = len(self.ids), len(self.code_ids)
        self.scores = np.zeros((n, k), dtype=np.float32)
        self.suggested = np.zeros((n, k), dtype=bool)
        self.model_of = np.zeros(n, dtype=np.int64)
        self.thresholds = np.full(k, 0.5)
        self.machine_counts = np.zeros(k, dtype=np.int64)     # answers the machine gave each code
        self.models = {}
        for model, codes, thresholds, settings, created in self._db.execute(
                "SELECT model, codes, thresholds, settings, created FROM models WHERE codebook = ? ORDER BY model",
                (self.codebook_version,)):
            self.models[model] = {"codes": json.loads(codes), "thresholds": json.loads(thresholds),
                                  "settings": json.loads(settings), "created": created}
        if not self.models:
            return
        latest = self.models[max(self.models)]
        column = {code: j for j, code in enumerate(self.code_ids)}
        self.thresholds = np.array([dict(zip(latest["codes"], latest["thresholds"])).get(code, 0.5)
                                    for code in self.code_ids])
        for model, info in self.models.items():     # in model order: a later model's suggestion wins
            rows = self._db.execute("SELECT answer, scores, codes FROM suggestions WHERE model = ? ORDER BY answer",
                                    (model,)).fetchall()
            if not rows:
                continue
            answers = np.array([row[0] for row in rows], dtype=np.int64)
            block = np.frombuffer(b"".join(row[1] for row in rows), dtype=np.float32).reshape(len(rows), -1)
            places = np.array([column.get(code, -1) for code in info["codes"]], dtype=np.int64)
            known = places >= 0
            self.scores[np.ix_(answers, places[known])] = block[:, known]
            patterns = {cell: _applied(cell, column, k) for cell in {row[2] for row in rows}}   # few distinct
            self.suggested[answers] = np.array([patterns[row[2]] for row in rows], dtype=bool).reshape(len(rows), k)
            self.model_of[answers] = model
        self.machine_counts = self.suggested.sum(axis=0)

    def _load_vectors(self):
        blocks = self._db.execute("SELECT start, count, dim, data FROM vectors ORDER BY start").fetchall()
        covered = sum(block[1] for block in blocks)
        if not blocks or covered != len(self.ids):
            self.vectors = None
            return
        self.vectors = np.concatenate([np.frombuffer(data, dtype=np.float16).reshape(count, dim)
                                       for _, count, dim, data in blocks])

    def refresh(self):
        """Replay the log rows written since the last call (by this or any other process)."""
        with self._lock:
            batches, decisions = self._log_rows(self.decisions.last_batch)
            if batches:
                self.decisions.replay(batches, decisions)

    def _log_rows(self, after):
        batches = self._db.execute("SELECT batch, coder, kind, time, elapsed, ordering, client, undoes "
                                   "FROM batches WHERE batch > ? ORDER BY batch", (after,)).fetchall()
        if not batches:
            return [], []
        decisions = self._db.execute("SELECT seq, batch, answer, code, action, codebook FROM decisions "
                                     "WHERE batch > ? AND batch <= ? ORDER BY seq", (after, batches[-1][0])).fetchall()
        return batches, decisions

    def replayed(self, merged=None):
        """The decisions in force as they would stand were the codes of ``merged`` ({code: the
        code it joins}) merged too (a fresh :class:`DecisionState` replayed from the whole log)."""
        with self._lock:
            state = DecisionState(self.aliases, {**self.merged, **(merged or {})})
            batches, decisions = self._log_rows(0)
            state.replay(batches, decisions)
            return state

    # -- what is known about an answer -------------------------------------------------------
    def __len__(self):
        return len(self.ids)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"Project({str(self.path)!r}, answers={len(self)}, codebook version {self.codebook_version})"

    @property
    def model_version(self):
        """The latest model of the current codebook (0 before any): bumped by every retrain."""
        return max(self.models, default=0)

    def adopt(self, model, info, positions, scores, suggested):
        """Make ``model`` (``info`` as :attr:`models` holds it, already in the file) the machine's
        suggestion for the answers at ``positions``: their ``scores`` and ``suggested`` codes.
        Returns False, changing nothing, when the codebook changed since the model learned: its
        version ``info["codebook"]`` (when given) or its codes are not the current ones."""
        positions = np.asarray(positions, dtype=np.int64)
        with self._lock:
            stale = info.get("codebook", self.codebook_version) != self.codebook_version
            if stale or list(info["codes"]) != list(self.code_ids):
                return False
            self.scores, self.suggested, self.model_of = self.scores.copy(), self.suggested.copy(), self.model_of.copy()
            self.scores[positions], self.suggested[positions], self.model_of[positions] = scores, suggested, model
            self.thresholds = np.asarray(info["thresholds"], dtype=float)
            self.machine_counts = self.suggested.sum(axis=0)
            self.models = {**self.models, model: info}
            return True

    def on_save(self, callback):
        """Call ``callback(batch)`` after every save made through this object (e.g. a
        :class:`~qualcode.workspace.learning.Learner` retraining)."""
        self._listeners.append(callback)

    def learner(self, every=20, **settings):
        """A :class:`~qualcode.workspace.learning.Learner` that retrains this project's machine in
        the background after every ``every`` saves."""
        from qualcode.workspace.learning import Learner

        return Learner(self, every, **settings).attach()

    @property
    def uncoded(self):
        """Positions of the answers without a suggestion under the current codebook."""
        return np.flatnonzero(self.model_of == 0)

    def position(self, answer):
        """The position of the answer with id ``answer``; InputError naming the project when unknown."""
        try:
            return self.index[str(answer)]
        except KeyError:
            raise InputError(located(self.path, f"no answer with id {answer!r} in this project")) from None

    def duplicates(self, position, limit=1000):
        """Positions of the answers with the same words as the one at ``position`` (case,
        diacritics and punctuation aside), in file order, itself left out."""
        with self._lock:
            rows = self._db.execute("SELECT answer FROM answers WHERE norm = (SELECT norm FROM answers WHERE "
                                    "answer = ?) AND answer != ? ORDER BY answer LIMIT ?",
                                    (int(position), int(position), limit)).fetchall()
        return [row[0] for row in rows]

    def machine_codes(self, position):
        """The codes the machine applied to the answer at ``position``, in codebook order."""
        return [code for code, on in zip(self.code_ids, self.suggested[position]) if on]

    def evidence(self, position):
        """``{code id: Evidence}`` the machine gave the answer at ``position``."""
        with self._lock:
            row = self._db.execute("SELECT evidence FROM suggestions WHERE answer = ? AND model = ?",
                                   (int(position), int(self.model_of[position]))).fetchone()
        return read_evidence(row[0]) if row else {}

    def machine_evidence(self):
        """Per answer, ``{code id: Evidence}`` the machine gave it under the current codebook."""
        evidence = [{} for _ in range(len(self))]
        if not self.models:
            return evidence
        marks = ",".join("?" * len(self.models))
        with self._lock:
            rows = self._db.execute(f"SELECT answer, model, evidence FROM suggestions WHERE model IN ({marks})",
                                    tuple(self.models)).fetchall()
        for answer, model, cell in rows:
            if model == self.model_of[answer]:
                evidence[answer] = read_evidence(cell)
        return evidence

    def codes_for(self, position, coder=None):
        """The codes of the answer at ``position`` as ``coder`` sees them (their decisions over the
        machine's suggestions), or, without ``coder``, as they stand (decisions of any coder,
        adjudications first, over the machine's)."""
        decided = self.decisions.of(coder, position) if coder else self.decisions.final(position)
        return [code for code, machine in zip(self.code_ids, self.suggested[position])
                if (decided[code].applies if code in decided else machine)]

    def changed_since(self, version):
        """The current codebook's codes whose definition differs from the one they had in codebook
        ``version`` (a code renamed or merged since differs too)."""
        if version == self.codebook_version:
            return frozenset()
        if version not in self._changed_since:
            old = self.codebook_at(version)
            self._changed_since[version] = frozenset(
                code.id for code in self.codebook.codes
                if old is None or old.get(code.id) != code
                or any(gone in old for gone, kept in self.merged.items() if kept == code.id))
        return self._changed_since[version]

    def check_codebook(self, codebook):
        """Raise InputError unless ``codebook`` (a path or Codebook) is the project's current one."""
        from qualcode.codebook import Codebook, load_codebook

        given = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
        if given.content_hash != self.codebook.content_hash:
            raise InputError(located(given.source, f"this is not the codebook of {self.path} (its version "
                                                   f"{self.codebook_version}); leave --codebook out, or add it as a "
                                                   "new version with 'qualcode review --project ... --codebook ...'"))

    def flagged(self, decided):
        """The codes of ``decided`` ({code: Decision}) whose decision was made under a codebook
        version in which the code was defined otherwise than now."""
        return [code for code, decision in decided.items() if code in self.changed_since(decision.codebook)]

    def flagged_under(self, decided):
        """``{code: codebook version the decision was made under}`` for the :meth:`flagged` codes."""
        return {code: decided[code].codebook for code in self.flagged(decided)}

    # -- deciding --------------------------------------------------------------------------
    def decide(self, answer, codes, coder, **context):
        """Record that ``coder`` reviewed ``answer`` (an id) and ``codes`` apply to it (every other
        code of the codebook does not); returns the batch number."""
        position = self.position(answer)
        return self.save(coder, "review", {position: self._applies(codes)}, **context)

    def verify(self, answer, code, applies, coder, **context):
        """Record ``coder``'s verdict on one code of one answer (verify mode); returns the batch."""
        self._check_codes([code])
        return self.save(coder, "verify", {self.position(answer): {code: bool(applies)}}, **context)

    def apply_similar(self, answer, similar, codes, coder, **context):
        """Give ``answer`` and the ``similar`` answers (ids) the ``codes``, in one batch (one undo)."""
        decided = self._applies(codes)
        positions = [self.position(answer)] + [self.position(other) for other in similar]
        return self.save(coder, "similar", {position: decided for position in positions}, **context)

    def adjudicate(self, answer, codes, coder, **context):
        """Settle the coders' disagreement on ``answer``: ``codes`` apply, the others do not."""
        return self.save(coder, ADJUDICATE, {self.position(answer): self._applies(codes)}, **context)

    def undo(self, coder, batch=None, **context):
        """Undo ``batch`` (by default ``coder``'s latest save that is not undone); returns the
        undone :class:`~qualcode.workspace.state.Batch`, or None when there is nothing to undo."""
        self.refresh()
        resent = self.decisions.by_client.get(context.get("client"))
        if resent is not None:          # this undo was made already: say what it undid
            return self.decisions.batches[self.decisions.batches[resent].undoes]
        if batch is None:
            live = self.decisions.live_batches(coder)
            if not live:
                return None
            batch = live[-1].batch
        found = self.decisions.batches.get(batch)
        if found is None or found.undoes is not None or found.coder != coder:
            raise InputError(located(self.path, f"batch {batch} is not one of {coder}'s decisions"))
        if batch not in self.decisions.undone:
            self._append(coder, UNDO, [], undoes=batch, **context)
        return found

    def _applies(self, codes):
        codes = [self.decisions.current_id(code) for code in codes]
        self._check_codes(codes)
        return {code: code in codes for code in self.code_ids}

    def _check_codes(self, codes):
        unknown = [code for code in codes if code not in self.code_ids]
        if unknown:
            raise InputError(located(self.path, f"unknown code {unknown[0]!r}; the codebook's codes are "
                                                f"{', '.join(self.code_ids)}"))

    def save(self, coder, kind, decided, **context):
        """Append one batch: ``decided`` is ``{position: {code: applies}}``; ``context`` may give
        ``elapsed`` (seconds), ``ordering``, ``session`` and ``client`` (an id that makes a resent
        save a no-op). Returns the batch number."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        column = {code: j for j, code in enumerate(self.code_ids)}
        rows = []
        for position, codes in decided.items():
            for code, applies in codes.items():
                j = column[code]
                rows.append((int(position), code, action_for(applies, self.suggested[position, j]),
                             float(self.scores[position, j]), int(self.model_of[position]) or None,
                             self.codebook_version))
        return self._append(coder, kind, rows, **context)

    def _append(self, coder, kind, rows, elapsed=None, ordering=None, session=None, client=None, undoes=None):
        if not self.write:
            raise InputError(located(self.path, "the project was opened read-only; open it with write=True"))
        coder = str(coder or "").strip()
        if not coder:
            raise InputError("give the coder's name (--coder NAME)")
        with self._lock:
            with transaction(self._db, self.path):
                if client is not None:
                    known = self._db.execute("SELECT batch FROM batches WHERE client = ?", (client,)).fetchone()
                    if known:
                        return known[0]
                batch = self._db.execute(
                    "INSERT INTO batches (coder, kind, time, elapsed, ordering, session, client, undoes) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (coder, kind, now(), elapsed, ordering, session, client, undoes)).lastrowid
                self._db.executemany("INSERT INTO decisions (batch, answer, code, action, score, model, codebook) "
                                     "VALUES (?, ?, ?, ?, ?, ?, ?)", [(batch, *row) for row in rows])
            self.refresh()
        for listener in self._listeners:
            listener(batch)
        return batch

    # -- reading the decisions ---------------------------------------------------------------
    def log(self):
        """The decision log as a DataFrame, one row per decision in log order (undone ones too,
        with ``undone`` True): seq, batch, answer_id, code, action, coder, time, score, model,
        codebook, kind, elapsed, ordering, session."""
        self.refresh()
        with self._lock:
            frame = pd.read_sql_query("SELECT * FROM log ORDER BY seq", self._db)
        frame = frame.drop(columns="answer")
        frame.insert(len(frame.columns), "undone", frame["batch"].isin(self.decisions.undone))
        return frame

    def reviewed(self, coder=None):
        """Positions of the answers with a decision in force (``coder``'s, or anyone's), in order."""
        self.refresh()
        found = self.decisions.reviewed(coder) if coder else self.decisions.reviewed_by_anyone()
        return sorted(found)

    def decisions_frame(self, coder=None):
        """One row per reviewed answer, as ``qualcode review export`` writes it: ``id``, ``codes``
        (as decided, codebook order), ``coder``, ``time`` and ``decided`` (the codes an analyst
        decided; all of them for an answer reviewed whole). Answers decided only under codes a
        later codebook removed are left out. Without ``coder``, the decisions that stand."""
        rows = []
        for position in self.reviewed(coder):
            decided = self.decisions.of(coder, position) if coder else self.decisions.final(position)
            decided = {code: d for code, d in decided.items() if code in self.code_ids}
            if not decided:
                continue
            latest = max(decided.values(), key=lambda d: d.seq)
            coders = sorted({d.coder for d in decided.values()})
            rows.append({"id": self.ids[position], "codes": join_codes(self.codes_for(position, coder)),
                         "coder": ";".join(coders), "time": latest.time,
                         "decided": join_codes([code for code in self.code_ids if code in decided])})
        return pd.DataFrame(rows, columns=["id", "codes", "coder", "time", "decided"])

    def export(self, path, coder=None):
        """Write :meth:`decisions_frame` to ``path`` (.csv, .xlsx, .jsonl, .parquet); returns the rows written."""
        from qualcode.io import write_table

        frame = self.decisions_frame(coder)
        write_table(frame, path, inputs=(self.path,))
        return len(frame)

    def coded(self):
        """The answers as they stand (:class:`~qualcode.coding.CodedAnswers`): the analysts' codes
        where they decided, the machine's elsewhere. Evidence of a code an analyst added has
        ``source`` "human"."""
        from qualcode.workspace.export import coded_answers

        return coded_answers(self)

    def report(self, directory, by=None, min_group=5, per_code=3, anonymise=False):
        """Write the report of ``qualcode report --project`` into ``directory``; returns the Report."""
        from qualcode.workspace.export import report_project

        return report_project(self, directory, by=by, min_group=min_group, per_code=per_code, anonymised=anonymise)

    def agreement(self):
        """Agreement per code between every two coders and between each coder and the machine
        (see :func:`qualcode.workspace.agreement.agreement_table`)."""
        from qualcode.workspace.agreement import agreement_table

        self.refresh()
        return agreement_table(self)

    def queue(self, coder, order="informative", n=20, **filters):
        """The ids of the next ``n`` answers for ``coder`` to review in ``order`` (informative,
        code, question, group, random, file), with the screen's filters (see
        :class:`qualcode.workspace.order.Filters`)."""
        from qualcode.workspace.order import Filters, ordering

        self.refresh()
        chosen = ordering(self, order, Filters(**filters), coder).take(self, coder, 0, n)[0]
        return [self.ids[position] for position, _ in chosen]

    def quality(self, target=0.8):
        """Per code, the machine's precision and recall estimated from the decisions made in random
        order, with 95 % Wilson intervals (see :func:`qualcode.workspace.quality.estimated_quality`)."""
        from qualcode.workspace.quality import estimated_quality

        self.refresh()
        return estimated_quality(self, target)

    def close(self):
        """Close the file; after a clean close the project is one file (the journal merged in)."""
        with self._lock:
            if self._db is None:
                return
            if self.write:
                try:
                    self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                except Exception:  # another process still has it open: it checkpoints when it closes
                    pass
            self._db.close()
            self._db = None


def _history(entries, current):
    """The versions ``current`` was made from, oldest first, ending with it: each version names
    the one it was made from (``base``; before there was one, the version before it)."""
    chain, version = [], current
    while version in entries and len(chain) <= len(entries):
        chain.append(entries[version])
        version = entries[version]["changes"].get("base", version - 1)
    return chain[::-1]


def _renames(versions):
    """``{old id: current id}`` for every code a later codebook version renamed (renames chained)."""
    aliases = {}
    for version in versions:
        for old, new in version["changes"].get("renamed", ()):
            aliases = {key: new if value == old else value for key, value in aliases.items()}
            aliases[old] = new
    return aliases


def _merges(versions, aliases):
    """``{merged code id: the current id of the code it was merged into}`` over ``versions``."""
    merged = {}
    for version in versions:
        for gone, kept in version["changes"].get("merged", ()):
            merged = {key: kept if value == gone else value for key, value in merged.items()}
            merged[gone] = kept
    return {gone: aliases.get(kept, kept) for gone, kept in merged.items()}


def _applied(cell, column, width):
    """The bool row of a ``codes`` cell over the codes at ``column`` (ids of other codebooks left out)."""
    row = np.zeros(width, dtype=bool)
    for code in split_codes(cell):
        if code in column:
            row[column[code]] = True
    return row
