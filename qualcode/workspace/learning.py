"""Learning while reviewing: every ``every`` saves, a :class:`Learner` retrains the machine on
all the decisions that stand and re-scores the answers nobody has reviewed yet.

The model is :class:`~qualcode.learn.TrainedModel` (per-code logistic regressions over the
zero-shot coder's view of an answer, its embedding and its terms, shrunk towards the
codebook). Its zero-shot coder learns from the whole corpus (its self-training included) once
per codebook version; a retrain then only fits the regressions on the decided answers and
scores every unreviewed answer, a few matrix products. A code an analyst decided on an answer
is a label (1 applies, 0 does not); codes nobody decided there (verify mode judges one code)
are left out of that code's fit.

A retrain runs in a background thread (:meth:`Learner.start`): the screen never waits for it.
Its suggestions are written to the project as a new model (``models`` row: the codebook
version, per-code thresholds, and in ``settings`` how many decisions it learned from) with its
own connection, in chunks, so saves go on meanwhile (the model row comes with the first chunk,
so a retrain cut short leaves no model without suggestions); then the project's in-memory
suggestions are swapped in one step (:meth:`~qualcode.workspace.Project.adopt`) and the orders are computed
again from the new scores. Reviewed answers keep the suggestion they were reviewed with (what
the analyst saw stays in the record, and agreement with the machine stays honest); a learned
model's suggestions that a later one replaced are deleted (they are machine output, and the
decisions keep the score that was shown).
"""
import threading
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from qualcode.coding.result import evidence_json, join_codes
from qualcode.progress import explain
from qualcode.workspace.schema import connect, transaction

RETRAIN_EVERY = 20          # saves between retrains
WRITE_CHUNK = 2_000         # suggestions written per transaction (saves wait at most one chunk)
LEARNED = "learned"         # ``settings["kind"]`` of a model trained on the project's decisions


@dataclass
class Corpus:
    """What the learner keeps of the project's answers between retrains (one codebook version)."""

    codebook_version: int
    size: int
    model: object            # the TrainedModel whose zero-shot coder was fitted on the corpus
    features: object         # its Features of every answer
    scores: np.ndarray       # the zero-shot scores of every answer (answers x codes)
    evidence: list           # the zero-shot evidence of every answer ({code: Evidence})


def decided_labels(project):
    """``(positions, labels)``: the answers with a decision in force and, per code of the
    project's codebook, 1 (applies), 0 (does not) or -1 (nobody decided that code there)."""
    column = {code: j for j, code in enumerate(project.code_ids)}
    with project._lock:
        state = project.decisions
        positions = sorted(state.reviewed_by_anyone())
        labels = np.full((len(positions), len(column)), -1, dtype=np.int8)
        for row, position in enumerate(positions):
            for code, decision in state.final(position).items():
                if code in column:
                    labels[row, column[code]] = int(decision.applies)
    return np.array(positions, dtype=np.int64), labels


def saves(state):
    """The number of saves in force (batches neither undone nor undoing) in a DecisionState."""
    return sum(1 for batch in state.batches.values() if batch.undoes is None and batch.batch not in state.undone)


class Learner:
    """Retrains a project's machine from its decisions (see the module docstring).

    ``every``: saves between retrains (:meth:`notice` starts one when that many were made
    since the last); ``threshold``: the probability at which a learned code applies.
    """

    def __init__(self, project, every=RETRAIN_EVERY, threshold=0.5):
        if every < 1:
            raise ValueError(f"every must be at least 1, not {every}")
        self.project = project
        self.every = every
        self.threshold = threshold
        self.trained_at = saves(project.decisions) if project.model_version in _learned(project) else 0
        self.corpus = None
        self.error = None
        self.retrains = 0
        self._thread = None
        self._lock = threading.Lock()       # one background thread at a time
        self._training = threading.Lock()   # one retrain at a time (a direct call may meet the thread)

    def attach(self):
        """Retrain after every ``every`` saves made through the project from now on; returns self."""
        self.project.on_save(self.notice)
        return self

    @property
    def running(self):
        """True while a background retrain runs."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def due(self):
        """True when ``every`` saves were made since the last retrain."""
        return saves(self.project.decisions) - self.trained_at >= self.every

    def notice(self, *_):
        """Start a background retrain when one is due and none runs."""
        if self.due and not self.running:
            self.start()

    def start(self):
        """Retrain in a background thread (unless one runs already); returns the thread."""
        with self._lock:
            if not self.running:
                self._thread = threading.Thread(target=self._run, name="qualcode-learner", daemon=True)
                self._thread.start()
            return self._thread

    def wait(self, timeout=None):
        """Wait for the background retrain to end; returns True when none runs any more."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.running

    def _run(self):
        try:
            self.retrain()
            self.error = None
        except Exception as error:   # the review goes on with the previous suggestions
            self.error = f"{type(error).__name__}: {error}"

    def retrain(self):
        """Train on the decisions in force, store the new suggestions of the unreviewed answers
        and adopt them; returns the new model's id (None without any decision)."""
        with self._training, threadpool_limits(1):   # BLAS threads spinning on a busy machine made fits 8x slower
            return self._retrain()

    def _retrain(self):
        project = self.project
        done = saves(project.decisions)
        corpus = self._corpus()
        codes = list(corpus.model.code_ids_)
        positions, labels = decided_labels(project)
        if not len(positions) or codes != list(project.code_ids):    # none yet, or the codebook just changed
            return None
        model = corpus.model
        model.fit_features(corpus.features.rows(positions), labels)
        unreviewed = np.setdiff1d(np.arange(corpus.size), positions)
        probability = model.predict_proba_features(corpus.features.rows(unreviewed)).astype(np.float32)
        thresholds = np.full(len(codes), self.threshold)
        settings = {**project.meta.get("coding", {}), "kind": LEARNED, "decisions": int(len(positions)),
                    "saves": done, "trained_on": {"answers": int(len(positions)),
                                                  "labels": int((labels >= 0).sum())}}
        model_id = self._store(corpus, codes, unreviewed, probability, thresholds, settings)
        info = {"codebook": corpus.codebook_version, "codes": codes, "thresholds": thresholds.tolist(),
                "settings": settings}
        if not project.adopt(model_id, info, unreviewed, probability, probability >= thresholds):
            return None   # the codebook was edited while this retrain ran: its suggestions are stale
        self.trained_at = done
        self.retrains += 1
        return model_id

    def _corpus(self):
        """The corpus features, computed once per codebook version and set of answers."""
        from qualcode.learn import TrainedModel

        project = self.project
        if (self.corpus is None or self.corpus.codebook_version != project.codebook_version
                or self.corpus.size != len(project)):
            coding = project.meta.get("coding", {})
            model = TrainedModel(project.codebook, embedder=coding.get("embedder") or "default",
                                 mode=coding.get("mode") or "accurate", seed=int(coding.get("seed") or 0))
            texts = list(project.texts)
            explain(f"learning from the decisions: reading the {len(texts):,} answers once")
            model.fit_corpus(_sample(texts, coding.get("sample_size"), int(coding.get("seed") or 0)))
            zero_shot = model.coder_.code(texts)
            self.corpus = Corpus(project.codebook_version, len(texts), model, model.features_of(zero_shot),
                                 zero_shot.scores.to_numpy(), zero_shot.evidence)
        return self.corpus

    def _store(self, corpus, codes, positions, probability, thresholds, settings):
        """Write the model and its suggestions for ``positions`` with a connection of our own: the
        model with the first chunk (a retrain cut short leaves no model without suggestions)."""
        from qualcode.learn.model import model_evidence
        from qualcode.workspace.build import insert_model

        project = self.project
        decided = probability >= thresholds
        connection = connect(project.path)
        try:
            model_id = None
            for start in range(0, max(len(positions), 1), WRITE_CHUNK):
                rows = []
                for k in range(start, min(start + WRITE_CHUNK, len(positions))):
                    applied = np.flatnonzero(decided[k])
                    evidence = {codes[j]: model_evidence(corpus.evidence[positions[k]].get(codes[j]),
                                                         probability[k, j], corpus.scores[positions[k], j])
                                for j in applied}
                    rows.append((int(positions[k]), probability[k].tobytes(),
                                 join_codes([codes[j] for j in applied]), evidence_json(evidence)))
                with transaction(connection, project.path):
                    if model_id is None:
                        model_id = insert_model(connection, corpus.codebook_version, codes, thresholds.tolist(),
                                                settings)
                    connection.executemany("INSERT INTO suggestions (answer, model, scores, codes, evidence) "
                                           "VALUES (?, ?, ?, ?, ?)", [(p, model_id, *rest) for p, *rest in rows])
            replaced = [m for m in _learned(project) if m != model_id]
            if replaced:
                with transaction(connection, project.path):
                    connection.execute(f"DELETE FROM suggestions WHERE model IN ({','.join('?' * len(replaced))}) "
                                       "AND answer IN (SELECT answer FROM suggestions WHERE model = ?)",
                                       (*replaced, model_id))
        finally:
            connection.close()
        return model_id

    def status(self):
        """What the screen shows: the model in use, whether a retrain runs, when the next is due."""
        project = self.project
        model = project.model_version
        settings = project.models.get(model, {}).get("settings", {})
        return {"model": model, "learned": settings.get("kind") == LEARNED,
                "decisions": settings.get("decisions", 0), "running": self.running, "every": self.every,
                "next_in": max(0, self.every - (saves(project.decisions) - self.trained_at)),
                "retrains": self.retrains, "error": self.error}


def _learned(project):
    return [model for model, info in project.models.items() if info["settings"].get("kind") == LEARNED]


def _sample(texts, size, seed):
    """The texts the zero-shot coder learns from: all of them, or a seeded sample as coding takes."""
    from qualcode.scale import DEFAULT_SAMPLE

    size = int(size or DEFAULT_SAMPLE)
    if len(texts) <= size:
        return texts
    chosen = np.sort(np.random.default_rng(seed).choice(len(texts), size, replace=False))
    return [texts[i] for i in chosen]
