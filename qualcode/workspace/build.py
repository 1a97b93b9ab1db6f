"""Creating a project and keeping it up to date with its answers file and codebook.

:func:`build_project` is what ``qualcode review`` does before it serves the workspace:

- a new project is built in a temporary file beside it and appears whole, or not at all;
- answers whose id the project does not know yet are added (the project keeps the text an
  answer was reviewed on; a changed text is reported, never replaced);
- a codebook with new content becomes a new codebook version, with what changed since the
  previous one; a codebook that shares no code with the project's is refused;
- every answer without a suggestion under the current codebook is coded, chunk by chunk, each
  chunk committed (Ctrl+C keeps what was coded; the next run codes the rest); answers given
  as a table coded with this very codebook keep that coding;
- the answers' vectors (for similar answers and a diverse order) are computed last.
"""
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from qualcode import __version__
from qualcode.coding.result import evidence_json, join_codes
from qualcode.errors import InputError, located
from qualcode.io import is_substantive
from qualcode.progress import explain, progress, say
from qualcode.workspace.schema import (check_writable, connect, current_codebook_version, set_codebook_version,
                                      transaction)
from qualcode.workspace.similarity import duplicate_key, embedder_vectors, lsa_vectors

VECTOR_BLOCK = 10_000
NAMED = 3


@dataclass
class Incoming:
    """Answers to put into a project: their table (strings), column roles and, when they come
    coded, the :class:`~qualcode.coding.CodedAnswers` and the codebook hash that coded them."""

    frame: pd.DataFrame
    roles: dict
    attribute_columns: list
    source: str
    coded: object = None
    settings: dict | None = None
    codebook_hash: str | None = None


def read_incoming(answers, reading=None):
    """:class:`Incoming` from a DataFrame, an answers file or a coded table (one with a
    ``codes`` column, read by :func:`qualcode.coding.read_coded` with its sidecar's roles)."""
    from qualcode.coding import CodedAnswers, read_coded
    from qualcode.coding.coded import CODES_COLUMN, is_output_column
    from qualcode.io import read_answers, read_sidecar
    from qualcode.io.answers import answers_from_frame

    reading = {key: value for key, value in (reading or {}).items() if value is not None}
    if isinstance(answers, pd.DataFrame):
        table = answers_from_frame(answers, reading.get("id_column", "id"), reading.get("text_column", "text"),
                                   reading.get("question_column"), reading.get("respondent_column"))
        coded = CodedAnswers.from_table(table) if CODES_COLUMN in table.frame.columns else None
        sidecar = {}
    else:
        table = read_answers(answers, **reading)
        coded = None
        sidecar = read_sidecar(answers)
        if CODES_COLUMN in table.frame.columns:
            coded = read_coded(answers, id_column=reading.get("id_column") or None)
    roles = ({"id": coded.id_column, "text": coded.text_column, "question": coded.question_column,
              "respondent": coded.respondent_column} if coded is not None else
             {"id": table.id_column, "text": table.text_column, "question": table.question_column,
              "respondent": table.respondent_column})
    frame = coded.frame if coded is not None else table.frame
    attributes = [c for c in frame.columns if c not in roles.values() and not is_output_column(c)]
    return Incoming(frame, roles, attributes, str(table.source or "<DataFrame>"), coded,
                    sidecar.get("settings"), sidecar.get("codebook", {}).get("hash"))


def build_project(path, answers=None, codebook=None, reading=None, coding=None, plan=None):
    """Create the project ``path`` or bring it up to date (see the module docstring); returns
    the open :class:`~qualcode.workspace.Project`. ``answers``: a path or DataFrame (None: the
    project's own); ``codebook``: a :class:`~qualcode.codebook.Codebook` (None: the project's
    current one); ``reading``: :func:`qualcode.io.read_answers` options; ``coding``: ``mode``,
    ``embedder``, ``threshold``, ``seed``, ``model``, ``sample_size``, ``chunk_size`` (None: as
    the project coded before); ``plan(codebook, mode, embedder, threshold, seed, model)`` gives
    the :class:`~qualcode.api.CodingPlan` to code with (:func:`qualcode.api.coding_plan`; the
    API and the CLI pass it, as they sit above the workspace)."""
    from qualcode.workspace.project import Project

    path = Path(path)
    new = not path.exists() or (path.is_file() and path.stat().st_size == 0)
    if new and (answers is None or codebook is None):
        raise InputError(located(path, "no such project; to create it, give the answers file and --codebook"))
    check_writable(path)
    incoming = read_incoming(answers, reading) if answers is not None else None
    builder = {"incoming": incoming, "codebook": codebook, "coding": coding or {}, "plan": plan}
    if new:
        _build_new(path, builder)
    else:
        connection = connect(path)
        try:
            _Builder(connection, path).build(**builder)
        finally:
            connection.close()
    return Project(path)


def _build_new(path, builder):
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(handle)
    temporary = Path(name)
    try:
        connection = connect(temporary)
        try:
            _Builder(connection, path).build(**builder)
            connection.execute("PRAGMA journal_mode = DELETE")   # the journal merged in: one file to move
        finally:
            connection.close()
        os.replace(temporary, path)
    except BaseException:
        for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm"), Path(f"{temporary}-journal")):
            leftover.unlink(missing_ok=True)
        raise


class _Builder:
    """The steps of :func:`build_project` on an open connection."""

    def __init__(self, connection, path):
        self.db = connection
        self.path = path
        self.meta = {key: json.loads(value) for key, value in connection.execute("SELECT key, value FROM meta")}

    def set_meta(self, **values):
        with transaction(self.db, self.path):
            self.db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                [(key, json.dumps(value, ensure_ascii=False)) for key, value in values.items()])
        self.meta.update(values)

    def build(self, incoming, codebook, coding, plan):
        if not self.meta:
            self.set_meta(created=_now(), qualcode_version=__version__, seed=int(coding.get("seed") or 0))
        if incoming is not None:
            self.add_answers(incoming)
        if codebook is not None:
            self.add_codebook(codebook)
        version, current = self.current_codebook()
        if current is None:
            raise InputError(located(self.path, "the project has no codebook yet; give --codebook"))
        settings = {**self.meta.get("coding", {}), **{k: v for k, v in coding.items() if v is not None}}
        self.code_missing(version, current, incoming, settings, plan)
        self.ensure_vectors()

    # -- answers ---------------------------------------------------------------------------
    def add_answers(self, incoming):
        roles = incoming.roles
        if self.meta.get("columns") and self.meta["columns"]["id"] != roles["id"]:
            explain(f"{incoming.source}: id column {roles['id']!r} (the project's was {self.meta['columns']['id']!r})")
        known = dict(self.db.execute("SELECT id, text FROM answers"))
        frame = incoming.frame
        ids, texts = frame[roles["id"]].astype(str).tolist(), frame[roles["text"]].fillna("").astype(str).tolist()
        changed = [answer for answer, text in zip(ids, texts) if answer in known and known[answer] != text]
        if changed:
            say(f"Warning: {incoming.source}: {len(changed)} answers have another text than in {self.path} (e.g. "
                f"{', '.join(map(repr, changed[:NAMED]))}); the project keeps the text they were reviewed on")
        fresh = [i for i, answer in enumerate(ids) if answer not in known]
        attributes = list(dict.fromkeys(self.meta.get("attribute_columns", []) + incoming.attribute_columns))
        order = list(dict.fromkeys(self.meta.get("column_order", []) + [c for c in frame.columns if c in
                                                                         set(roles.values()) | set(attributes)]))
        self.set_meta(columns=self.meta.get("columns") or roles, attribute_columns=attributes, column_order=order,
                      sources=list(dict.fromkeys(self.meta.get("sources", []) + [incoming.source])))
        if not fresh:
            return
        start = len(known)
        columns = {name: frame[column].astype(str).tolist() if column else None for name, column in roles.items()}
        records = frame[incoming.attribute_columns].astype(str).to_dict("records") if incoming.attribute_columns \
            else [{}] * len(frame)
        rows = [(start + n, ids[i], texts[i], columns["question"][i] if columns["question"] else None,
                 columns["respondent"][i] if columns["respondent"] else None,
                 json.dumps(records[i], ensure_ascii=False), int(is_substantive(texts[i])), duplicate_key(texts[i]))
                for n, i in enumerate(fresh)]
        with transaction(self.db, self.path):
            self.db.executemany("INSERT INTO answers (answer, id, text, question, respondent, attributes, "
                                "substantive, norm) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        if known:
            say(f"{len(fresh)} new answers from {incoming.source} added to {self.path}")

    # -- codebook --------------------------------------------------------------------------
    def current_codebook(self):
        from qualcode.codebook.loader import parse_codebook_text

        version = current_codebook_version(self.db)
        row = self.db.execute("SELECT yaml, source FROM codebooks WHERE version = ?", (version,)).fetchone()
        return (version, parse_codebook_text(row[0], source=row[1])) if row else (0, None)

    def add_codebook(self, codebook, text=None, changes=None, announce=True):
        """Make ``codebook`` the current version: a new version (its YAML ``text``, default
        :meth:`Codebook.to_yaml`; ``changes`` added to what changed since the current one), or
        the earlier version with the same content. Returns the version."""
        version, current = self.current_codebook()
        if current is not None and current.content_hash == codebook.content_hash:
            return version
        known = self.db.execute("SELECT version FROM codebooks WHERE hash = ?", (codebook.content_hash,)).fetchone()
        if known is not None:
            with transaction(self.db, self.path):
                set_codebook_version(self.db, known[0])
            if announce:
                say(f"{codebook.source} is the project's codebook version {known[0]} again; decisions made so far "
                    "are kept")
            return known[0]
        recorded = {"base": version, **(changes or {})}
        if current is not None:
            recorded.update(version_changes(current, codebook))
        with transaction(self.db, self.path):
            new = self.db.execute("SELECT coalesce(max(version), 0) + 1 FROM codebooks").fetchone()[0]
            self.db.execute("INSERT INTO codebooks (version, hash, name, label, source, yaml, changes, added) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            (new, codebook.content_hash, codebook.name,
                             None if codebook.version is None else str(codebook.version), str(codebook.source),
                             text or codebook.to_yaml(), json.dumps(recorded, ensure_ascii=False), _now()))
            set_codebook_version(self.db, new)
        if announce and current is not None:
            say(f"{codebook.source} is a new version of the project's codebook (version {new}); decisions made so "
                f"far are kept. Changes:\n{recorded['text']}")
        return new

    # -- suggestions -----------------------------------------------------------------------
    def missing(self, version):
        rows = self.db.execute("SELECT answer FROM answers WHERE answer NOT IN (SELECT s.answer FROM suggestions s "
                               "JOIN models m ON m.model = s.model WHERE m.codebook = ?) ORDER BY answer", (version,))
        return [row[0] for row in rows]

    def code_missing(self, version, codebook, incoming, settings, plan):
        missing = self.missing(version)
        if not missing:
            return
        if incoming is not None and incoming.coded is not None:
            missing = self.import_coding(version, codebook, incoming, missing)
        if missing:
            self.code(version, codebook, missing, settings, plan)

    def import_coding(self, version, codebook, incoming, missing):
        """Keep the coding of a coded table made with this codebook; returns the answers still to code."""
        from qualcode.learn.triage import decision_thresholds

        coded = incoming.coded
        active = [code.id for code in codebook.active_codes]
        scores = coded.score_frame
        if (scores is None or list(scores.columns) != active
                or (incoming.codebook_hash and incoming.codebook_hash != codebook.content_hash)):
            say(f"{incoming.source} was coded with another codebook (or version); its answers are coded again "
                f"with {codebook.source}")
            return missing
        position = dict(self.db.execute("SELECT id, answer FROM answers"))
        rows = {position[answer]: row for row, answer in enumerate(coded.frame[coded.id_column].astype(str))
                if answer in position}
        taken = [p for p in missing if p in rows]
        if not taken:
            return missing
        values = scores.to_numpy(dtype=np.float32)
        decided = np.array([[code in set(codes) for code in active] for codes in coded.code_sets])
        settings = {**(incoming.settings or {}), "imported": incoming.source}
        model = self.add_model(version, active, decision_thresholds(values, decided).tolist(), settings)
        with transaction(self.db, self.path):
            self.db.executemany("INSERT INTO suggestions (answer, model, scores, codes, evidence) VALUES (?, ?, ?, ?, ?)",
                                [(p, model, values[rows[p]].tobytes(), join_codes(coded.code_sets[rows[p]]),
                                  evidence_json(coded.evidence(rows[p]))) for p in taken])
        self.set_meta(coding=self.meta.get("coding") or _recorded(incoming.settings or {}))
        return [p for p in missing if p not in rows]

    def code(self, version, codebook, missing, settings, plan):
        from qualcode.coding.analysed import long_lived_objects_frozen
        from qualcode.scale import DEFAULT_CHUNK

        chunk_size = settings.get("chunk_size") or DEFAULT_CHUNK
        texts = self.texts()
        coder, recorded = fit_coder(plan, codebook, texts, settings)
        model = self.add_model(version, list(coder.code_ids_), np.asarray(coder.thresholds_, dtype=float).tolist(),
                               recorded)
        self.set_meta(coding=_recorded(recorded))
        say(f"Coding {len(missing):,} answers ({recorded['mode']} mode) into {self.path}")
        starts = range(0, len(missing), chunk_size)
        with long_lived_objects_frozen(), progress(starts, "Coding answers", length=len(starts)) as bar:
            for start in bar:
                positions = missing[start:start + chunk_size]
                result = coder.code([texts[p] for p in positions])
                self.add_suggestions(model, positions, result.scores.to_numpy(dtype=np.float32), result.codes,
                                     [evidence_json(entry) for entry in result.evidence])
                explain(f"coded {min(start + chunk_size, len(missing)):,} of {len(missing):,} answers")

    def texts(self):
        """The answers' texts, in project order."""
        return [row[0] for row in self.db.execute("SELECT text FROM answers ORDER BY answer")]

    def add_suggestions(self, model, positions, scores, codes, evidence):
        """Store ``model``'s suggestions for the answers at ``positions`` in one transaction:
        per answer its float32 scores, the codes applied and the evidence JSON."""
        with transaction(self.db, self.path):
            self.db.executemany("INSERT INTO suggestions (answer, model, scores, codes, evidence) VALUES (?, ?, ?, ?, ?)",
                                [(int(p), model, np.asarray(scores[i], dtype=np.float32).tobytes(), join_codes(codes[i]),
                                  evidence[i]) for i, p in enumerate(positions)])

    def add_model(self, version, codes, thresholds, settings):
        return add_model(self.db, self.path, version, codes, thresholds, settings)

    # -- vectors ---------------------------------------------------------------------------
    def ensure_vectors(self):
        count = self.db.execute("SELECT count(*) FROM answers").fetchone()[0]
        covered = self.db.execute("SELECT coalesce(sum(count), 0) FROM vectors").fetchone()[0]
        if covered == count:
            return
        kind = self.meta.get("vectors") or self.vector_kind()
        texts = [row[0] for row in self.db.execute("SELECT text FROM answers ORDER BY answer")]
        if kind.startswith("embedder:"):
            start, vectors = covered, embedder_vectors(texts[covered:], kind[len("embedder:"):])
        else:
            explain("finding how the answers resemble each other (latent semantic analysis)")
            start, vectors = 0, lsa_vectors(texts)
        if vectors is None:
            return
        with transaction(self.db, self.path):
            if start == 0:
                self.db.execute("DELETE FROM vectors")
            self.db.executemany("INSERT INTO vectors (start, count, dim, data) VALUES (?, ?, ?, ?)",
                                [(start + offset, len(block), block.shape[1], block.tobytes())
                                 for offset in range(0, len(vectors), VECTOR_BLOCK)
                                 for block in [np.ascontiguousarray(vectors[offset:offset + VECTOR_BLOCK])]])
        self.set_meta(vectors=kind)

    def vector_kind(self):
        """The embedder's vectors when the answers were coded in accurate mode (they are in the
        embedding cache then), else latent semantic analysis."""
        coding = self.meta.get("coding", {})
        if coding.get("mode") == "accurate" and coding.get("embedder"):
            return f"embedder:{coding['embedder']}"
        return "lsa"


def add_model(connection, path, version, codes, thresholds, settings):
    """Add a model (what made a set of suggestions) under codebook ``version`` in a transaction
    of its own; returns its id."""
    with transaction(connection, path):
        return insert_model(connection, version, codes, thresholds, settings)


def insert_model(connection, version, codes, thresholds, settings):
    """Insert a ``models`` row in the transaction the caller holds; returns its id."""
    return connection.execute("INSERT INTO models (codebook, codes, thresholds, settings, created) "
                              "VALUES (?, ?, ?, ?, ?)",
                              (version, json.dumps(codes), json.dumps(thresholds),
                               json.dumps(settings, ensure_ascii=False, default=str), _now())).lastrowid


def fit_coder(plan, codebook, texts, settings):
    """The coder of ``plan`` (see :func:`build_project`) for ``codebook`` with the project's coding
    ``settings``, fitted on a seeded sample of ``texts``; returns it and the settings to record."""
    from qualcode.scale import DEFAULT_SAMPLE
    from qualcode.scale.stream import fit_on_sample

    if plan is None:
        raise ValueError("coding answers needs a plan (qualcode.api.coding_plan)")
    sample_size = settings.get("sample_size") or DEFAULT_SAMPLE
    plan = plan(codebook, settings.get("mode"), settings.get("embedder"), settings.get("threshold"),
                settings.get("seed"), settings.get("model"))
    chunks = iter([(0, pd.DataFrame({"text": texts}))])
    coder, fitted_on = fit_on_sample(plan.estimator, chunks, "text", sample_size, plan.seed)
    return coder, {**plan.settings, "sample_size": sample_size, "fitted_on": fitted_on}


def version_changes(current, codebook):
    """What changed from the codebook ``current`` to ``codebook``, as a version records it:
    ids added, removed, renamed (old, new) and changed, and the diff as text. InputError when
    they share no code (another codebook, not a new version of it)."""
    from qualcode.codebook.diff import diff_codebooks

    diff = diff_codebooks(current, codebook)
    if not set(current.ids) & set(codebook.ids) and not diff.renamed:
        raise InputError(located(codebook.source, f"this codebook shares no code with the project's "
                                                  f"({current.name!r}: {', '.join(current.ids[:5])}); give "
                                                  f"the project's codebook (a new version of it), or start a "
                                                  f"new project"))
    return {"added": [code.id for code in diff.added], "removed": [code.id for code in diff.removed],
            "renamed": [[old.id, new.id] for old, new in diff.renamed],
            "changed": sorted({change.code_id for change in diff.changes if change.code_id}),
            "text": diff.to_text()}


def _recorded(settings):
    """The coding settings a project reuses when it codes again (a new codebook, new answers)."""
    return {key: str(value) if isinstance(value, Path) else value
            for key in ("mode", "embedder", "threshold", "seed", "model", "sample_size")
            if (value := settings.get(key)) is not None}


def _now():
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
