"""The project file and its Python API (qc.Project): decisions, the log, codebook versions,
bad project files, export, the report and the REFI-QDA export from a project."""
import io
import os
import sqlite3
import stat
import zipfile

import numpy as np
import pandas as pd
import pytest
import yaml

import qualcode as qc
from qualcode.api import open_project
from qualcode.coding import read_coded
from qualcode.errors import InputError
from qualcode.learn.metrics import cohen_kappa
from qualcode.workspace import Project, schema
from qualcode.workspace.state import DecisionState
from workspace_support import CODEBOOK, CORPUS, HOSTILE_TEXT, built_project, project_copy


@pytest.fixture
def project(tmp_path):
    with Project(project_copy(tmp_path)) as opened:
        yield opened


def test_a_new_project_holds_the_answers_the_codebook_and_the_machines_suggestions(project):
    corpus = pd.read_csv(CORPUS, dtype=str, keep_default_na=False)
    assert project.ids == corpus["id"].tolist()
    assert project.texts == corpus["text"].tolist()
    assert project.questions == corpus["question"].tolist()
    assert project.attribute_columns == ["befattning", "svarsalternativ"]
    assert project.codebook.name == qc.load_codebook(CODEBOOK).name and project.codebook_version == 1
    assert project.uncoded.size == 0
    coded = qc.code(corpus, CODEBOOK, question="question", respondent="respondent", mode="fast")
    assert [project.machine_codes(i) for i in range(len(project))] == [
        [c for c in cell.split(";") if c] for c in [None] for cell in coded["codes"]]
    assert np.allclose(project.scores[:, 0], coded["score_resources"].astype(float), atol=1e-4)
    assert project.vectors.shape == (len(project), 64)
    with sqlite3.connect(project.path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert raw.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_decisions_are_appended_to_the_log_and_the_state_is_derived_from_it(project):
    first = project.decide("N001", ["resources", "citizens"], coder="anna", elapsed=2.5, ordering="random")
    project.verify("N002", "leadership", False, coder="anna")
    log = project.log()
    assert set(log["batch"]) == {first, first + 1}
    review = log[log["batch"] == first]
    assert len(review) == len(project.code_ids)     # a reviewed answer records every code
    assert set(review.loc[review["code"].isin(["resources", "citizens"]), "action"]) <= {"add", "accept"}
    assert review["coder"].unique().tolist() == ["anna"] and review["elapsed"].iat[0] == 2.5
    assert review["ordering"].iat[0] == "random"
    assert project.codes_for(0, "anna") == ["resources", "citizens"]
    verify = log[log["batch"] == first + 1].iloc[0]
    machine_had_it = "leadership" in project.machine_codes(1)
    assert verify["action"] == ("reject" if machine_had_it else "remove")
    assert verify["score"] == pytest.approx(project.scores[1, project.code_ids.index("leadership")], abs=1e-6)
    with Project(project.path) as again:     # a fresh replay of the file gives the same state
        assert again.codes_for(0, "anna") == ["resources", "citizens"]
        assert "leadership" not in again.codes_for(1, "anna")
        assert again.reviewed("anna") == [0, 1]


def test_the_log_is_append_only(project):
    project.decide("N001", ["resources"], coder="anna")
    with sqlite3.connect(project.path) as raw:
        for statement in ("UPDATE decisions SET action = 'add'", "DELETE FROM decisions", "DELETE FROM batches"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                raw.execute(statement)


def test_undo_restores_the_state_before_and_keeps_both_in_the_log(project):
    machine = project.machine_codes(4)
    project.decide("N005", ["security"], coder="anna")
    second = project.decide("N005", ["culture"], coder="anna")
    assert project.codes_for(4, "anna") == ["culture"]
    undone = project.undo("anna")
    assert undone.batch == second and project.codes_for(4, "anna") == ["security"]
    project.undo("anna")
    assert project.codes_for(4, "anna") == machine and project.reviewed("anna") == []
    assert project.undo("anna") is None
    log = project.log()
    assert len(log) == 2 * len(project.code_ids) and log["undone"].all()


def test_two_tabs_deciding_the_same_answer_last_write_wins_and_both_are_logged(project):
    with Project(project.path) as other_tab:
        project.decide("N010", ["resources"], coder="anna", session="tab-1")
        other_tab.decide("N010", ["competence"], coder="anna", session="tab-2")
        project.refresh()
        assert project.codes_for(9, "anna") == ["competence"] == other_tab.codes_for(9, "anna")
        sessions = project.log().query("answer_id == 'N010'")["session"].unique().tolist()
        assert sessions == ["tab-1", "tab-2"]


def test_a_resent_save_is_logged_once(project):
    first = project.decide("N003", ["resources"], coder="anna", client="tab-1-17")
    again = project.decide("N003", ["resources"], coder="anna", client="tab-1-17")
    assert first == again and len(project.log()) == len(project.code_ids)


def test_unknown_codes_answers_and_coders_are_refused_with_a_message(project):
    with pytest.raises(InputError, match="unknown code 'budget'; the codebook's codes are resources"):
        project.decide("N001", ["budget"], coder="anna")
    with pytest.raises(InputError, match="no answer with id 'X9'"):
        project.decide("X9", [], coder="anna")
    with pytest.raises(InputError, match="coder's name"):
        project.decide("N001", [], coder=" ")
    with pytest.raises(InputError, match="not one of bertil's decisions"):
        project.undo("bertil", batch=project.decide("N001", [], coder="anna"))


def test_export_holds_exactly_the_decisions_and_reads_back_as_gold(project, tmp_path):
    project.decide("N001", ["resources", "citizens"], coder="anna")
    project.decide("N002", [], coder="anna")
    project.verify("N003", "competence", True, coder="anna")
    project.decide("N004", ["culture"], coder="bertil")
    path = tmp_path / "decisions.csv"
    assert project.export(path) == 4
    exported = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert exported.columns.tolist() == ["id", "codes", "coder", "time", "decided"]
    assert exported["id"].tolist() == ["N001", "N002", "N003", "N004"]
    assert exported["codes"].tolist()[:2] == ["resources;citizens", ""]
    assert "competence" in exported["codes"][2].split(";") and exported["decided"][2] == "competence"
    assert exported["decided"][0] == ";".join(project.code_ids)
    assert exported["coder"].tolist() == ["anna", "anna", "anna", "bertil"]
    gold = read_coded(path, text_required=False)
    assert gold.code_sets[0] == ("resources", "citizens")
    assert project.export(tmp_path / "anna.csv", coder="anna") == 3


def test_the_standing_codes_take_adjudications_then_the_latest_decision(project):
    project.decide("N001", ["resources"], coder="anna")
    project.decide("N001", ["competence"], coder="bertil")
    assert project.codes_for(0) == ["competence"]
    assert project.decisions.disagreements() == {0: ["competence", "resources"]}
    project.adjudicate("N001", ["resources", "competence"], coder="cecilia")
    project.decide("N001", [], coder="anna")
    assert project.codes_for(0) == ["resources", "competence"]
    assert project.decisions.disagreements() == {}
    coded = project.coded()
    assert coded.code_sets[0] == ("resources", "competence")
    assert {entry.source for entry in coded.evidence(0).values()} == {"human"}


def test_agreement_per_code_between_coders_and_against_the_machine(project):
    anna = {"N001": ["resources"], "N002": ["resources", "leadership"], "N003": [], "N004": ["leadership"]}
    bertil = {"N001": ["resources"], "N002": ["leadership"], "N003": ["resources"], "N004": ["leadership"]}
    for answer in anna:
        project.decide(answer, anna[answer], coder="anna")
        project.decide(answer, bertil[answer], coder="bertil")
    table = project.agreement().set_index(["first", "second", "code"])
    resources = table.loc[("anna", "bertil", "resources")]
    a = [int("resources" in anna[k]) for k in anna]
    b = [int("resources" in bertil[k]) for k in anna]
    assert resources["answers"] == 4 and resources["kappa"] == pytest.approx(cohen_kappa(a, b))
    assert table.loc[("anna", "bertil", "leadership"), "agreement"] == 1.0
    machine = [int("resources" in project.machine_codes(project.position(k))) for k in anna]
    assert table.loc[("anna", "machine", "resources"), "kappa"] == pytest.approx(cohen_kappa(a, machine), nan_ok=True)
    assert table.loc[("anna", "bertil", "(all)"), "answers"] == 4 * len(project.code_ids)
    import krippendorff

    expected_alpha = krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal")
    assert resources["alpha"] == pytest.approx(expected_alpha)


def test_the_report_counts_the_decisions_and_says_how_many_were_reviewed(project, tmp_path):
    before = project.coded()
    unreviewed = [i for i in range(len(project)) if "security" not in project.machine_codes(i)][:5]
    for position in unreviewed:
        project.decide(project.ids[position], ["security"], coder="anna")
    report, summary = project.report(tmp_path / "out")
    assert summary == {"answers": 137, "reviewed": 5, "machine": 132, "coders": {"anna": 5}, "adjudicated": 0}
    counted = pd.read_csv(tmp_path / "out" / "coded.csv", dtype=str, keep_default_na=False)
    machine_security = sum("security" in codes for codes in before.code_sets)
    assert counted["codes"].str.split(";").map(lambda c: "security" in c).sum() == machine_security + 5
    fact = "5 svar granskade av analytiker (anna 5), 132 med enbart maskinens koder"
    assert dict(report.settings)["Granskning"] == fact
    assert fact in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")


def test_the_qdpx_export_credits_each_code_to_the_analyst_who_decided_it(project):
    from qualcode.codebook.refi import refi_guid
    from qualcode.reports.qdpx import build_qdpx
    from qualcode.workspace.export import coded_answers, coders_by_answer

    project.decide("N001", ["resources"], coder="anna")
    project.decide("N001", ["resources"], coder="bertil")
    archive = build_qdpx(coded_answers(project), project.codebook, coders=coders_by_answer(project))
    xml = zipfile.ZipFile(io.BytesIO(archive)).read("project.qde").decode("utf-8")
    for name in ("anna", "bertil", "qualcode"):
        assert f'name="{name}"' in xml
    assert xml.count(f'creatingUser="{refi_guid("user", "anna")}"') == 1
    assert xml.count(f'creatingUser="{refi_guid("user", "bertil")}"') == 1


def test_a_new_codebook_version_keeps_the_decisions_and_says_which_codes_changed(tmp_path):
    path = project_copy(tmp_path)
    with Project(path) as project:
        project.decide("N001", ["resources", "security"], coder="anna")
    data = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    data["codes"][0]["keywords"] = list(data["codes"][0].get("keywords", [])) + ["pengapåse"]
    removed = data["codes"].pop()        # security
    data["codes"].append({"id": "climate", "label": "Klimat", "description": "Klimat och miljö."})
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with open_project(path, codebook=edited) as project:
        assert project.codebook_version == 2 and "climate" in project.code_ids
        changes = project.codebook_versions[-1]["changes"]
        assert changes["changed"] == ["resources"] and changes["removed"] == [removed["id"]]
        assert changes["added"] == ["climate"]
        assert project.codes_for(0, "anna") == ["resources"]       # the decision on security stays in the log
        assert project.flagged(project.decisions.of("anna", 0)) == ["resources"]
        assert "security" in set(project.log()["code"])
        assert project.uncoded.size == 0


def test_a_codebook_sharing_no_code_with_the_project_is_refused(tmp_path):
    path = project_copy(tmp_path)
    other = tmp_path / "other.yaml"
    other.write_text("name: Annat\nlanguage: sv\ncodes:\n  - id: weather\n    label: Väder\n"
                     "    description: Väder och vind.\n", encoding="utf-8")
    with pytest.raises(InputError, match="shares no code with the project's"):
        open_project(path, codebook=other)


def test_new_answers_are_added_and_only_they_are_coded(tmp_path):
    path = project_copy(tmp_path)
    more = pd.read_csv(CORPUS, dtype=str, keep_default_na=False)
    more.loc[len(more)] = {**more.iloc[0].to_dict(), "id": "N999", "text": "Vi saknar pengar till nya system."}
    with open_project(path, more, mode="fast") as project:
        assert len(project) == 138 and project.ids[-1] == "N999"
        assert project.model_of[-1] == 2 and set(project.model_of[:-1]) == {1}
        assert project.vectors.shape[0] == 138


def test_a_coded_table_made_with_the_codebook_keeps_its_coding(tmp_path):
    coded_path = tmp_path / "coded.csv"
    from qualcode.api import code_file

    code_file(CORPUS, CODEBOOK, coded_path, mode="fast")
    with open_project(tmp_path / "p.qcproj", coded_path, CODEBOOK) as project:
        settings = project.models[1]["settings"]
        assert settings["imported"] == str(coded_path) and settings["mode"] == "fast"
        table = read_coded(coded_path)
        assert [project.machine_codes(i) for i in range(len(project))] == [list(c) for c in table.code_sets]
        assert "codes" not in project.attribute_columns and "evidence" not in project.attribute_columns


def test_a_failed_new_project_leaves_no_file(tmp_path, monkeypatch):
    from qualcode.workspace import build

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(build._Builder, "code", broken)
    with pytest.raises(RuntimeError):
        open_project(tmp_path / "p.qcproj", CORPUS, CODEBOOK, mode="fast")
    assert os.listdir(tmp_path) == []


def test_a_project_from_a_newer_qualcode_is_refused(tmp_path):
    path = project_copy(tmp_path)
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    for write in (True, False):
        with pytest.raises(InputError, match=r"written by a newer qualcode \(project format 2; this qualcode reads "
                                             r"up to 1\); upgrade qualcode"):
            Project(path, write=write)


def test_files_that_are_not_projects_are_refused(tmp_path):
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as raw:
        raw.execute("CREATE TABLE t (x)")
    with pytest.raises(InputError, match="not a qualcode project file"):
        Project(other)
    with pytest.raises(InputError, match="not a qualcode project file"):
        open_project(CORPUS, CORPUS, CODEBOOK)
    with pytest.raises(InputError, match="no such project file"):
        Project(tmp_path / "missing.qcproj")
    with pytest.raises(InputError, match="no such project; to create it, give the answers file and --codebook"):
        open_project(tmp_path / "new.qcproj", CORPUS)


def test_a_read_only_project_is_refused_for_writing_and_read_for_exports(tmp_path, monkeypatch):
    path = project_copy(tmp_path)
    with Project(path) as project:
        project.decide("N001", ["resources"], coder="anna")
    os.chmod(path, stat.S_IRUSR)
    # root may write any file: make the check see the file as the analyst's system does
    monkeypatch.setattr(schema.os, "access", lambda p, mode: not (mode & os.W_OK and os.fspath(p) == os.fspath(path)))
    with pytest.raises(InputError, match="the project file is read-only, so decisions could not be saved"):
        Project(path)
    with Project(path, write=False) as project:
        assert project.export(tmp_path / "d.csv") == 1
        with pytest.raises(InputError, match="opened read-only"):
            project.decide("N002", [], coder="anna")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in a read-only folder")
def test_a_project_in_a_read_only_folder_is_read_as_immutable(tmp_path):
    folder = tmp_path / "share"
    folder.mkdir()
    path = project_copy(folder)
    with Project(path) as project:
        project.decide("N001", ["resources"], coder="anna")
    os.chmod(folder, stat.S_IRUSR | stat.S_IXUSR)
    try:
        with Project(path, write=False) as project:
            assert project.reviewed() == [0]
    finally:
        os.chmod(folder, stat.S_IRWXU)


def test_a_locked_project_names_the_lock(tmp_path, monkeypatch):
    path = project_copy(tmp_path)
    monkeypatch.setattr(schema, "BUSY_SECONDS", 0.1)
    with Project(path) as project:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(schema.ProjectLocked, match="locked by another program"):
                project.decide("N001", ["resources"], coder="anna")
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        project.decide("N001", ["resources"], coder="anna")
        assert project.reviewed() == [0]


def test_exact_duplicates_come_first_among_similar_answers(tmp_path):
    from qualcode.workspace.similarity import similar_answers

    with Project(project_copy(tmp_path, "mixed")) as project:
        found = similar_answers(project, project.position("D1"), cutoff=0.99)
        vet_ej = [answer for answer, text in zip(project.ids, project.texts)
                  if text.strip(" .!").casefold() == "vet ej" and answer != "D1"]
        assert "D2" in vet_ej and "D3" in vet_ej and len(vet_ej) > 2
        assert [project.ids[p] for p, _, exact in found][:len(vet_ej)] == vet_ej
        assert all(exact for _, _, exact in found[:len(vet_ej)])
        near = similar_answers(project, project.position("D4"), cutoff=0.5)
        assert project.ids[near[0][0]] == "D5" and near[0][2]
        project.apply_similar("D1", ["D2", "D3"], [], coder="anna")
        assert project.reviewed("anna") == sorted(project.position(a) for a in ("D1", "D2", "D3"))
        project.undo("anna")
        assert project.reviewed("anna") == []


def test_answers_keep_their_html_as_text(tmp_path):
    with Project(project_copy(tmp_path, "mixed")) as project:
        assert project.texts[project.position("H1")] == HOSTILE_TEXT
        assert "<script>" in project.codebook.name


def test_replaying_a_log_with_renamed_codes_keeps_the_decisions():
    state = DecisionState(aliases={"money": "resources"})
    state.replay([(1, "anna", "review", "t", None, None, None, None)],
                 [(1, 1, 0, "money", "add", 1)])
    assert state.of("anna", 0)["resources"].applies


def test_the_same_project_built_twice_suggests_the_same(tmp_path):
    again = tmp_path / "again.qcproj"
    with open_project(again, CORPUS, CODEBOOK, mode="fast") as built, Project(built_project("corpus")) as first:
        assert np.array_equal(built.suggested, first.suggested)
        assert np.allclose(built.scores, first.scores)


@pytest.mark.slow
def test_an_accurate_project_keeps_the_embedders_vectors(tmp_path):
    from qualcode.workspace.similarity import similar_answers

    with open_project(tmp_path / "p.qcproj", CORPUS, CODEBOOK) as project:
        assert project.meta["vectors"] == "embedder:default" and project.models[1]["settings"]["mode"] == "accurate"
        assert project.vectors.shape == (137, 384)
        assert np.allclose(np.linalg.norm(project.vectors.astype(np.float32), axis=1), 1, atol=1e-2)
        nearest = similar_answers(project, project.position("N001"), cutoff=0.0, limit=3)
        assert len(nearest) == 3 and nearest[0][1] >= nearest[-1][1]
