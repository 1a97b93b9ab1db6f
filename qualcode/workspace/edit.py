"""Editing the codebook in the workspace: preview what an edit changes, save it, undo it.

An edit (a code's fields, a new code, a code imported from another codebook file such as the
``suggested_codebook.yaml`` of ``qualcode discover``, two codes merged, a code split by moving
answers to a new code) becomes a :class:`Proposal`. :meth:`CodebookEditor.preview` re-codes
every answer with the edited codebook (the answers' analyses, embeddings and keyword matches
come from the caches, so only the scoring runs again) and says, per code, how many answers
have it before and after, and which gain or lose it. The counts are those of the answers as
they stand: the analysts' decisions where they decided, the machine's codes elsewhere.

:meth:`CodebookEditor.save` makes the edit a new codebook version of the project (with the
suggestions of the preview, and for a split the moved answers as one batch of decisions) and
writes it to the codebook's YAML file atomically, only the changed codes rewritten
(:func:`qualcode.codebook.yaml_edit.edited_yaml`); the file as it was is kept beside it as
``<file>.v<N>``, N being the project's version it held. Decisions are never touched: those
on a changed code are flagged (made under an earlier definition), those on a merged code carry
over to the code it joined. :meth:`CodebookEditor.undo` goes back to the version the edit was
made from: the project's current version, the suggestions and counts, and the YAML file.
"""
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qualcode.codebook.edit import add_code, edit_code, merge_codes
from qualcode.codebook.loader import load_codebook, parse_codebook_text
from qualcode.codebook.yaml_edit import edited_yaml
from qualcode.coding.result import evidence_json
from qualcode.errors import InputError, located
from qualcode.workspace.build import _Builder, fit_coder, version_changes
from qualcode.workspace.schema import set_codebook_version, transaction

OPERATIONS = ("edit", "add", "merge", "split")
LISTED = 50            # answers listed per code and direction in a preview
SNIPPET = 160


@dataclass
class Proposal:
    """An edit of the current codebook: the codebook it makes, what it did (``summary``),
    codes merged (``{gone: kept}``) and, for a split, the answers moved (code, new code, positions)."""

    codebook: object
    summary: str
    merged: dict = field(default_factory=dict)
    moved: tuple | None = None


@dataclass
class Recoding:
    """Every answer coded with one codebook: scores, codes applied and evidence JSON per answer."""

    code_ids: list
    thresholds: list
    settings: dict
    scores: np.ndarray
    suggested: np.ndarray
    codes: list
    evidence: list
    seconds: float


class CodebookEditor:
    """Codebook edits on ``project``: ``plan`` codes (:func:`qualcode.api.coding_plan`), ``path``
    is the YAML file edits are written to (default: the file the current version came from)."""

    def __init__(self, project, plan, path=None):
        self.project = project
        self.plan = plan
        self.given_path = Path(path) if path is not None else None
        self._recoded = {}          # content hash -> Recoding (the last preview's)
        self._coding = threading.Lock()     # one re-coding at a time (two cores are shared)
        self._warming = None

    # -- what an edit is ------------------------------------------------------------------
    def propose(self, change):
        """The :class:`Proposal` of ``change``, the screen's request: ``{"op": "edit", "code": id,
        "fields": {...}}``, ``{"op": "add", "fields": {...}}`` (``from``: the file it was imported
        from), ``{"op": "merge", "keep": id, "absorb": id}`` or ``{"op": "split", "code": id,
        "fields": {new code}, "answers": [positions]}``. InputError for an edit that is not valid."""
        if not isinstance(change, dict) or change.get("op") not in OPERATIONS:
            raise InputError(f"op: one of {', '.join(OPERATIONS)}")
        codebook = self.project.codebook
        op = change["op"]
        if op == "edit":
            code = _text(change.get("code"), "code")
            return Proposal(edit_code(codebook, code, change.get("fields") or {}), f"edited {code}")
        if op == "add":
            fields = {"status": "active", **(change.get("fields") or {})}
            edited = add_code(codebook, fields)
            source = f" from {Path(str(change['from'])).name}" if change.get("from") else ""
            return Proposal(edited, f"added {edited.codes[-1].id}{source}")
        if op == "merge":
            keep, absorb = _text(change.get("keep"), "keep"), _text(change.get("absorb"), "absorb")
            return Proposal(merge_codes(codebook, keep, absorb), f"merged {absorb} into {keep}", {absorb: keep})
        code = _text(change.get("code"), "code")
        if code not in self.project.code_ids:
            raise InputError(located(codebook.source, f"no active code {code!r} to split; the codes are "
                                                      f"{', '.join(self.project.code_ids)}"))
        positions = self._positions(change.get("answers"))
        edited = add_code(codebook, {"status": "active", **(change.get("fields") or {})}, after=code)
        new = edited.ids[edited.ids.index(code) + 1]
        return Proposal(edited, f"split {len(positions)} answers of {code} into {new}", moved=(code, new, positions))

    def _positions(self, answers):
        if not isinstance(answers, list) or not answers:
            raise InputError("answers: choose at least one answer to move to the new code")
        positions = []
        for answer in answers:
            if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < len(self.project):
                raise InputError(f"answers: {answer!r} is not an answer of this project")
            positions.append(answer)
        return tuple(sorted(set(positions)))

    # -- preview --------------------------------------------------------------------------
    def warm_up(self):
        """Code the answers with the current codebook in a background thread, once, so that the
        first preview finds the language pipeline (and the embedder) loaded and the caches filled
        (loading them takes seconds; the codebook view calls this when it opens)."""
        if self._warming is None:
            self._warming = threading.Thread(target=self._warm, daemon=True)
            self._warming.start()

    def _warm(self):
        try:
            self.recode(self.project.codebook)
        except Exception:       # only a head start: the preview itself reports what went wrong
            pass

    def recode(self, codebook):
        """Every answer coded with ``codebook`` (kept for the save that follows a preview)."""
        with self._coding:
            if codebook.content_hash not in self._recoded:
                self._recoded = {codebook.content_hash: self._recoding(codebook)}
            return self._recoded[codebook.content_hash]

    def _recoding(self, codebook):
        from qualcode.scale import DEFAULT_CHUNK

        started = time.perf_counter()
        texts = self.project.texts
        settings = self.project.meta.get("coding", {})
        if settings.get("model"):
            raise InputError(located(settings["model"], "the answers were coded with this trained model, which codes "
                                                        "only the codebook it was trained with; train it again on the "
                                                        "edited codebook ('qualcode train'), or code the project "
                                                        "without --model to edit the codebook here"))
        coder, recorded = fit_coder(self.plan, codebook, texts, settings)
        chunk = settings.get("chunk_size") or DEFAULT_CHUNK
        scores, suggested, codes, evidence = [], [], [], []
        for start in range(0, len(texts), chunk):          # chunks: a large survey's analyses are not all held
            result = coder.code(texts[start:start + chunk])
            scores.append(result.scores.to_numpy(dtype=np.float32))
            suggested.append(np.asarray(result.decisions, dtype=bool))
            codes += [list(applied) for applied in result.codes]
            evidence += [evidence_json(entry) for entry in result.evidence]
        width = len(coder.code_ids_)
        return Recoding(list(coder.code_ids_), np.asarray(coder.thresholds_, dtype=float).tolist(),
                        {**recorded, "edited": True},
                        np.concatenate(scores) if scores else np.zeros((0, width), np.float32),
                        np.concatenate(suggested) if suggested else np.zeros((0, width), bool),
                        codes, evidence, time.perf_counter() - started)

    def preview(self, proposal, coder=None):
        """What saving ``proposal`` would change: per code the answers with it before and after
        (as they stand; with ``coder``, as that coder's decisions leave them: blind mode), the
        answers that gain and lose it, the diff as text and the seconds the re-coding took."""
        project = self.project
        recoding = self.recode(proposal.codebook)
        before = standing(project, project.code_ids, project.suggested, project.decisions, coder=coder)
        decisions = project.replayed(proposal.merged) if proposal.merged else project.decisions
        after = standing(project, recoding.code_ids, recoding.suggested, decisions, proposal.moved, coder)
        labels = {code.id: code.label for code in project.codebook.codes}
        labels.update({code.id: code.label for code in proposal.codebook.codes})
        rows = []
        for code in dict.fromkeys(list(recoding.code_ids) + list(project.code_ids)):
            old = before[code] if code in before else np.zeros(len(project), dtype=bool)
            new = after[code] if code in after else np.zeros(len(project), dtype=bool)
            rows.append({"code": code, "label": labels.get(code, code), "before": int(old.sum()),
                         "after": int(new.sum()), "removed": code not in after, "added": code not in before,
                         "gained": self._listed(np.flatnonzero(new & ~old)),
                         "lost": self._listed(np.flatnonzero(old & ~new))})
        return {"summary": proposal.summary, "diff": version_changes(project.codebook, proposal.codebook)["text"],
                "hash": proposal.codebook.content_hash, "seconds": round(recoding.seconds, 3), "codes": rows}

    def _listed(self, positions):
        project = self.project
        return {"count": int(len(positions)),
                "answers": [{"answer": int(p), "id": project.ids[p], "text": _snippet(project.texts[p])}
                            for p in positions[:LISTED]]}

    # -- saving and undoing ---------------------------------------------------------------
    @property
    def path(self):
        """The codebook file edits are written to; InputError when the project knows none."""
        if self.given_path is not None:
            return self.given_path
        source = Path(self.project.codebook_versions[-1]["source"])
        if not source.is_file():
            raise InputError(located(source, "the project's codebook has no file to save edits to; start the "
                                             "workspace with --codebook FILE"))
        return source

    def _file_text(self):
        """The codebook file's text, refused unless it holds the project's current version."""
        path = self.path
        on_disk = load_codebook(path)
        if on_disk.content_hash != self.project.codebook.content_hash:
            raise InputError(located(path, f"the file was changed outside the workspace (it is not the project's "
                                           f"codebook version {self.project.codebook_version}); nothing was saved. "
                                           "Restart 'qualcode review' with --codebook to take the file in"))
        return path.read_text(encoding="utf-8-sig"), on_disk

    def save(self, proposal, coder):
        """Make ``proposal`` the project's new codebook version and write it to the YAML file
        (see the module docstring); returns the version."""
        project = self.project
        if proposal.codebook.content_hash == project.codebook.content_hash:
            raise InputError("nothing to save: the codebook is as it was")
        text, on_disk = self._file_text()
        recoding = self.recode(proposal.codebook)
        new_text = edited_yaml(text, on_disk, proposal.codebook)
        codebook = parse_codebook_text(new_text, source=str(self.path.resolve()))
        base = project.codebook_version
        changes = {"edit": proposal.summary, "merged": [[gone, kept] for gone, kept in proposal.merged.items()]}
        with project._lock:
            builder = _Builder(project._db, project.path)
            version = builder.add_codebook(codebook, text=new_text, changes=changes, announce=False)
            missing = builder.missing(version)
            if missing:
                model = builder.add_model(version, recoding.code_ids, recoding.thresholds, recoding.settings)
                builder.add_suggestions(model, missing, recoding.scores[missing],
                                        [recoding.codes[p] for p in missing], [recoding.evidence[p] for p in missing])
            try:
                self._write(new_text, base)
            except BaseException:
                self._point(base)
                raise
            project.reload()
        if proposal.moved is not None:
            code, new, positions = proposal.moved
            project.save(coder, "similar", {p: {code: False, new: True} for p in positions},
                         ordering=_split_mark(version))
        return version

    def undo(self, coder):
        """Go back to the codebook version the current one was edited from: the project's
        version, its suggestions, the moved answers of a split, and the YAML file. Returns the
        version now current; InputError when the current version was not made by an edit here."""
        project = self.project
        entry = project.codebook_versions[-1]
        if "edit" not in entry["changes"]:
            raise InputError(f"nothing to undo: codebook version {entry['version']} was not made in the workspace")
        self._file_text()
        base, version = entry["changes"]["base"], entry["version"]
        with project._lock:
            self._point(base)
            try:
                self._write(self._text_of(base), version)
            except BaseException:
                self._point(version)
                raise
            project.reload()
        moved = [batch for batch in project.decisions.batches.values()
                 if batch.ordering == _split_mark(version) and batch.batch not in project.decisions.undone]
        for batch in moved:
            project.undo(batch.coder, batch.batch)
        return base

    def _point(self, version):
        with transaction(self.project._db, self.project.path):
            set_codebook_version(self.project._db, version)

    def _text_of(self, version):
        """The YAML of ``version``: the file kept beside the codebook when it holds it, else the project's copy."""
        kept = self.path.with_name(f"{self.path.name}.v{version}")
        wanted = self.project.codebook_at(version).content_hash
        if kept.is_file():
            try:
                if load_codebook(kept).content_hash == wanted:
                    return kept.read_text(encoding="utf-8-sig")
            except InputError:
                pass
        return self.project.yaml_text(version)

    def _write(self, text, held):
        """Keep the file (codebook version ``held``) byte for byte as ``<file>.v<held>``, then
        write ``text`` atomically (with the file's line ends: Windows editors write CRLF)."""
        from qualcode.io import output_set

        path = self.path
        current = path.read_bytes()
        kept = path.with_name(f"{path.name}.v{held}")
        number = 2
        while kept.exists() and kept.read_bytes() != current:
            kept, number = path.with_name(f"{path.name}.v{held}-{number}"), number + 1
        ending = "\r\n" if b"\r\n" in current else "\n"
        with output_set([kept, path]) as outputs:
            outputs.write_bytes(kept, current)
            outputs.write_bytes(path, text.replace("\r\n", "\n").replace("\n", ending).encode("utf-8"))

    # -- importing ------------------------------------------------------------------------
    def candidates(self, text, name="imported.yaml"):
        """The codes of the codebook YAML ``text`` (e.g. discover's suggested_codebook.yaml) that
        the project's codebook does not have, as plain data; InputError for YAML that is not a
        valid codebook or holds no new code."""
        if not isinstance(text, str) or not text.strip():
            raise InputError(located(name, "the file is empty; choose a codebook YAML file"))
        other = parse_codebook_text(text, source=Path(str(name)).name)
        new = [code.to_dict() for code in other.codes if code.id not in self.project.codebook]
        if not new:
            raise InputError(located(other.source, "every code in this file is in the codebook already; nothing "
                                                   "to import"))
        for code in new:
            if code.get("parent") not in self.project.codebook:
                code.pop("parent", None)
        return new


def standing(project, code_ids, suggested, decisions, moved=None, coder=None):
    """``{code: bool per answer}``: the codes as they stand, ``decisions`` (a DecisionState) over
    the machine's ``suggested`` (answers x ``code_ids``), with ``moved`` (code, new code,
    positions) applied last. With ``coder``, only that coder's decisions (blind mode)."""
    matrix = np.array(suggested, dtype=bool, copy=True)
    column = {code: j for j, code in enumerate(code_ids)}
    reviewed = decisions.reviewed(coder) if coder else decisions.reviewed_by_anyone()
    for position in reviewed:
        decided = decisions.of(coder, position) if coder else decisions.final(position)
        for code, decision in decided.items():
            if code in column:
                matrix[position, column[code]] = decision.applies
    if moved is not None:
        code, new, positions = moved
        rows = list(positions)
        if code in column:
            matrix[rows, column[code]] = False
        if new in column:
            matrix[rows, column[new]] = True
    return {code: matrix[:, j] for code, j in column.items()}


def standing_counts(project, coder=None):
    """``{code: answers with it as they stand}`` for the project's active codes (with ``coder``:
    that coder's decisions over the machine's codes)."""
    return {code: int(values.sum()) for code, values in
            standing(project, project.code_ids, project.suggested, project.decisions, coder=coder).items()}


def _split_mark(version):
    return f"codebook v{version} split"


def _text(value, name):
    if not isinstance(value, str) or not value:
        raise InputError(f"{name}: a code id")
    return value


def _snippet(text):
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[:SNIPPET - 1] + "…"
