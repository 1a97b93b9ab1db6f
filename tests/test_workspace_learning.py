"""Learning while reviewing (a retrain after every N saves, in the background), the informative
order, and the machine's quality estimated from the random-sample decisions."""
import math
import sqlite3

import numpy as np
import pytest
from starlette.testclient import TestClient

from qualcode.learn.triage import code_certainty
from qualcode.workspace import Project
from qualcode.workspace.learning import Learner, decided_labels
from qualcode.workspace.quality import estimated_quality, wilson
from qualcode.workspace.server import LOOPBACK, Workspace, create_app
from workspace_support import project_copy

CODE = "leadership"


@pytest.fixture
def project(tmp_path):
    with Project(project_copy(tmp_path)) as opened:
        yield opened


def decide_leadership_by_word(project, ids, coder="anna", **context):
    """The analyst's rule: leadership applies where the answer speaks of "led..." (ledning,
    ledare); the machine's other codes are kept."""
    for answer in ids:
        position = project.position(answer)
        codes = [code for code in project.machine_codes(position) if code != CODE]
        if "led" in project.texts[position].lower():
            codes.append(CODE)
        project.decide(answer, codes, coder, **context)


def test_a_retrain_follows_every_n_saves_and_gives_the_unreviewed_answers_a_new_model(project):
    learner = project.learner(every=15)
    base = project.model_version
    j = project.code_ids.index(CODE)
    before = project.suggested[:, j].copy()
    ids = project.queue("anna", order="file", n=30)
    decide_leadership_by_word(project, ids[:14])
    assert not learner.running and project.model_version == base        # 14 saves: not yet
    decide_leadership_by_word(project, ids[14:15])
    assert learner.wait(60) and learner.error is None
    learned = project.model_version
    assert learned > base and learner.status()["decisions"] == 15 and learner.status()["next_in"] == 15
    reviewed = [project.position(answer) for answer in ids[:15]]
    unreviewed = np.setdiff1d(np.arange(len(project)), reviewed)
    assert set(project.model_of[reviewed]) == {base}                   # what the analyst saw stays
    assert set(project.model_of[unreviewed]) == {learned}
    # the machine gave leadership to many answers without "led"; having learned the rule it gives it to fewer
    assert project.suggested[unreviewed, j].sum() < before[unreviewed].sum()
    decide_leadership_by_word(project, ids[15:30])
    assert learner.wait(60) and project.model_version > learned
    with Project(project.path, write=False) as again:                     # in the file, the replaced ones gone
        assert again.model_version == project.model_version
        assert np.array_equal(again.model_of, project.model_of)
        assert again.models[again.model_version]["settings"]["decisions"] == 30
    counts = dict(sqlite3.connect(project.path).execute("SELECT model, count(*) FROM suggestions GROUP BY model"))
    # the answers reviewed under the first learned model keep its suggestions, the rest were replaced
    assert counts == {base: len(project), learned: 15, project.model_version: len(project) - 30}


def test_undone_saves_do_not_count_and_verify_decisions_label_one_code(project):
    learner = Learner(project, every=3)
    ids = project.queue("anna", order="file", n=3)
    project.verify(ids[0], CODE, False, "anna")
    project.decide(ids[1], ["culture"], "anna")
    project.undo("anna")
    assert not learner.due
    positions, labels = decided_labels(project)
    assert positions.tolist() == [project.position(ids[0])]
    assert labels[0].tolist() == [0 if code == CODE else -1 for code in project.code_ids]
    project.decide(ids[1], ["culture"], "anna")
    project.decide(ids[2], [], "anna")
    assert learner.due
    assert learner.retrain() == project.model_version


def test_the_informative_order_puts_uncertain_answers_first_and_follows_a_retrain(project):
    sure = code_certainty(project.scores, project.thresholds).mean(axis=1)
    first = [project.position(answer) for answer in project.queue("anna", order="informative", n=20)]
    sampled = [project.position(answer) for answer in project.queue("anna", order="random", n=20)]
    assert np.mean(sure[first]) < np.mean(sure[sampled])
    assert np.mean(sure[first]) < np.quantile(sure[project.substantive], 0.25)
    j = project.code_ids.index(CODE)        # code by code (verify mode): that code's uncertainty
    one = code_certainty(project.scores, project.thresholds)[:, j]
    by_code = [project.position(answer) for answer in project.queue("anna", order="informative", n=10, verify=CODE)]
    assert np.mean(one[by_code]) < np.mean(one[sampled]) and np.mean(one[by_code]) < np.mean(one[first])
    workspace = Workspace(project, "anna", learn_every=10)
    client = TestClient(create_app(workspace, "t", 8765), base_url=f"http://{LOOPBACK}:8765",
                        headers={"X-Qualcode-Token": "t"})
    page = client.get("/api/queue", params={"n": 10}).json()
    decide_leadership_by_word(project, [item["id"] for item in page["items"]])
    assert workspace.learner.wait(60) and project.model_version > page["model"]
    stale = client.get("/api/queue", params={"n": 5, "offset": page["next"], "model": page["model"]}).json()
    fresh = client.get("/api/queue", params={"n": 5}).json()
    assert stale["model"] == fresh["model"] == project.model_version
    assert [item["answer"] for item in stale["items"]] == [item["answer"] for item in fresh["items"]]
    note = f"model {project.model_version} · learned from 10 decisions"
    assert {item["model_note"] for item in fresh["items"]} == {note}
    learning = client.get("/api/learning").json()
    assert learning["learning"]["model"] == project.model_version and learning["learning"]["next_in"] == 10


def test_wilson_interval_matches_the_formula():
    z = 1.959963984540054
    for successes, trials in [(8, 10), (0, 5), (5, 5), (37, 120)]:
        p = successes / trials
        centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
        half = z / (1 + z * z / trials) * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
        estimate, low, high = wilson(successes, trials)
        assert estimate == pytest.approx(p)
        assert low == pytest.approx(max(0.0, centre - half)) and high == pytest.approx(min(1.0, centre + half))
    assert all(math.isnan(value) for value in wilson(0, 0))


def test_estimated_quality_counts_only_random_sample_decisions_in_force(project):
    j = project.code_ids.index(CODE)
    ids = project.queue("anna", order="random", n=30)
    expected = {"accept": 0, "reject": 0, "add": 0, "remove": 0}
    for n, answer in enumerate(ids):
        position = project.position(answer)
        applies = n % 3 != 0                 # the analyst disagrees with a third of the samples' codes
        suggested = bool(project.suggested[position, j])
        project.verify(answer, CODE, applies, "anna", ordering="random")
        expected[("accept" if applies else "reject") if suggested else ("add" if applies else "remove")] += 1
    other = project.queue("anna", order="informative", n=1)[0]
    project.verify(other, CODE, True, "anna", ordering="informative")       # chosen, not sampled: left out
    project.verify(ids[0], CODE, True, "bo", ordering="random")
    project.undo("bo")                                                       # undone: left out
    row = project.quality().set_index("code").loc[CODE]
    assert {action: row[action] for action in expected} == expected and row["sampled"] == 30
    precision = wilson(expected["accept"], expected["accept"] + expected["reject"])
    recall = wilson(expected["accept"], expected["accept"] + expected["add"])
    assert (row["precision"], row["precision_low"], row["precision_high"]) == pytest.approx(precision)
    assert (row["recall"], row["recall_low"], row["recall_high"]) == pytest.approx(recall)
    assert not row["leave_to_machine"]
    untouched = estimated_quality(project).set_index("code").loc["culture"]
    assert untouched["sampled"] == 0 and math.isnan(untouched["precision"]) and not untouched["leave_to_machine"]


def test_a_code_the_machine_gets_right_in_the_sample_can_be_left_to_it(project):
    ids = project.queue("anna", order="random", n=60)
    for answer in ids:
        project.decide(answer, project.machine_codes(project.position(answer)), "anna", ordering="random")
    quality = estimated_quality(project).set_index("code")
    common = quality[quality["accept"] >= 15]
    assert len(common) and common["leave_to_machine"].all()
    assert (quality.loc[quality["accept"] == 0, "leave_to_machine"] == False).all()   # noqa: E712


def test_a_learner_needs_a_positive_batch_size(project):
    with pytest.raises(ValueError, match="every must be at least 1"):
        Learner(project, every=0)


def test_a_retrain_that_a_codebook_edit_overtook_is_not_adopted(project, monkeypatch):
    learner = project.learner(every=1000)
    decide_leadership_by_word(project, project.queue("anna", order="file", n=10))
    base, scores = project.model_version, project.scores.copy()
    adopt = project.adopt

    def edited_meanwhile(*args):
        project.codebook_version += 1          # a codebook edit is saved while the retrain runs
        try:
            return adopt(*args)
        finally:
            project.codebook_version -= 1

    monkeypatch.setattr(project, "adopt", edited_meanwhile)
    assert learner.retrain() is None
    assert project.model_version == base and np.array_equal(project.scores, scores)


def test_review_refuses_a_negative_learn_every(tmp_path):
    from click.testing import CliRunner

    from qualcode.cli import cli

    result = CliRunner().invoke(cli, ["review", "--project", str(project_copy(tmp_path)), "--learn-every", "-1",
                                      "--no-browser"])
    assert result.exit_code == 2
    assert "Invalid value for '--learn-every': -1 is not in the range x>=0." in result.output


def test_suggestions_of_a_model_made_for_other_codes_are_not_adopted(project):
    """A retrain that ends after the codebook changed (new codes) leaves the screen's suggestions alone."""
    before = project.scores.copy()
    codes = list(project.code_ids[:-1])
    info = {"codes": codes, "thresholds": [0.5] * len(codes), "settings": {"kind": "learned"}}
    assert not project.adopt(99, info, [0, 1], np.ones((2, len(codes))), np.ones((2, len(codes)), dtype=bool))
    assert np.array_equal(project.scores, before) and 99 not in project.models
