"""``qualcode review``, ``review export``, ``report --project`` and ``export-qdpx --project`` from
the command line, including a server killed with SIGKILL in the middle of a session."""
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.workspace import Project
from qualcode.workspace.schema import SCHEMA_VERSION
from workspace_support import CODEBOOK, CORPUS, ROOT, project_copy

URL = re.compile(r"Workspace: (http://127\.0\.0\.1:(\d+)/\?token=([\w-]+))")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def start_review(project, *extra):
    """``qualcode review`` in its own process; returns (process, base URL, token)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "qualcode", "review", "--project", str(project),
                                "--no-browser", "--coder", "anna", *map(str, extra)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    line = process.stdout.readline()
    found = URL.search(line)
    if not found:
        process.kill()
        raise AssertionError(f"no URL printed: {line!r} {process.stderr.read()}")
    return process, f"http://127.0.0.1:{found.group(2)}", found.group(3)


def call(base, token, path, body=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, headers={"X-Qualcode-Token": token,
                                                                       "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


@pytest.mark.slow
def test_a_killed_server_loses_no_saved_decision(tmp_path):
    path = project_copy(tmp_path)
    process, base, token = start_review(path)
    try:
        queue = call(base, token, "/api/queue?n=30")["items"]
        for n, item in enumerate(queue):
            call(base, token, "/api/decide", {"answer": item["answer"], "codes": ["culture"] if n % 2 else [],
                                              "client": f"k{n}"})
        call(base, token, "/api/undo", {"client": "undo-1"})
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    assert process.returncode == -signal.SIGKILL
    assert Path(f"{path}-wal").exists()          # killed: the journal was never merged, nothing was lost
    with Project(path) as project:
        saved = [item["answer"] for item in queue[:-1]]
        assert project.reviewed("anna") == sorted(saved)
        assert all(project.codes_for(p, "anna") == (["culture"] if n % 2 else []) for n, p in enumerate(saved))
    exported = tmp_path / "decisions.csv"
    assert run("review", "export", path, "-o", exported).exit_code == 0
    assert sorted(pd.read_csv(exported, dtype=str)["id"]) == sorted(Project(path, write=False).ids[p] for p in saved)


@pytest.mark.slow
def test_ctrl_c_stops_the_server_with_everything_saved(tmp_path):
    path = project_copy(tmp_path)
    process, base, token = start_review(path)
    call(base, token, "/api/decide", {"answer": 5, "codes": ["resources"]})
    process.send_signal(signal.SIGINT)
    _, errors = process.communicate(timeout=20)
    assert process.returncode == 0, errors
    assert "Stopped. 1 answers reviewed" in errors
    assert not Path(f"{path}-wal").exists()      # closed cleanly: one file to copy
    with Project(path) as project:
        assert project.codes_for(5, "anna") == ["resources"]


@pytest.mark.slow
def test_review_prints_a_loopback_url_whose_token_is_required(tmp_path):
    path = project_copy(tmp_path)
    process, base, token = start_review(path)
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + "/api/state", timeout=10)
        assert refused.value.code == 401
        assert call(base, token, "/api/state")["answers"] == 137
    finally:
        process.terminate()
        process.wait(20)
    assert process.returncode == 0


@pytest.mark.slow
def test_review_creates_a_project_and_reports_from_it(tmp_path):
    path = tmp_path / "survey.qcproj"
    process, base, token = start_review(path, CORPUS, "--codebook", CODEBOOK, "--mode", "fast")
    try:
        queue = call(base, token, "/api/queue?n=4")["items"]
        for item in queue:
            call(base, token, "/api/decide", {"answer": item["answer"], "codes": ["security"]})
        decided = {item["id"] for item in queue}
    finally:
        process.terminate()
        process.wait(20)
    result = run("report", "--project", path, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "4 reviewed by analysts, 133 with the machine's codes alone" in result.output
    coded = pd.read_csv(tmp_path / "out" / "coded.csv", dtype=str, keep_default_na=False)
    with_security = set(coded.loc[coded["codes"].str.split(";").map(lambda c: "security" in c), "id"])
    with Project(path) as project:
        machine = {project.ids[i] for i in range(len(project)) if "security" in project.machine_codes(i)}
    assert with_security == machine | decided
    counts = pd.read_csv(tmp_path / "out" / "counts.csv")
    assert counts.loc[counts["code"] == "security", "respondents"].sum() >= len(with_security - machine)
    qdpx = run("export-qdpx", "--project", path, "-o", tmp_path / "survey.qdpx")
    assert qdpx.exit_code == 0 and "137 answers" in qdpx.output


def test_review_export_writes_one_row_per_reviewed_answer(tmp_path):
    path = project_copy(tmp_path)
    with Project(path) as project:
        project.decide("N001", ["resources"], coder="anna")
        project.decide("N002", ["culture", "resources"], coder="bertil")
    result = run("review", "export", path, "-o", tmp_path / "all.csv")
    assert result.exit_code == 0 and "2 reviewed answers" in result.output
    frame = pd.read_csv(tmp_path / "all.csv", dtype=str, keep_default_na=False)
    assert frame[["id", "codes", "coder"]].values.tolist() == [["N001", "resources", "anna"],
                                                               ["N002", "resources;culture", "bertil"]]
    assert run("review", "export", path, "-o", tmp_path / "anna.csv", "--coder", "anna").exit_code == 0
    assert len(pd.read_csv(tmp_path / "anna.csv")) == 1
    agree = run("agree", tmp_path / "anna.csv", tmp_path / "all.csv")
    assert agree.exit_code == 0, agree.output
    assert run("report", "--project", path, "-o", tmp_path / "out").exit_code == 0
    evaluate = run("evaluate", tmp_path / "out" / "coded.csv", "--gold", tmp_path / "all.csv")
    assert evaluate.exit_code == 0, evaluate.output           # the reviewed answers as they stand: agree fully


def test_the_exported_decisions_teach_a_model(tmp_path):
    path = project_copy(tmp_path)
    with Project(path) as project:
        for position in range(0, 60, 3):
            codes = project.machine_codes(position) or ["resources"]
            project.decide(project.ids[position], codes, coder="anna")
    assert run("review", "export", path, "-o", tmp_path / "decisions.csv").exit_code == 0
    result = run("train", CORPUS, "--gold", tmp_path / "decisions.csv", "--codebook", CODEBOOK,
                 "-o", tmp_path / "model.npz", "--mode", "fast")
    assert result.exit_code == 0, result.output
    coded = run("code", CORPUS, "--codebook", CODEBOOK, "--model", tmp_path / "model.npz", "-o", tmp_path / "c.csv")
    assert coded.exit_code == 0, coded.output
    assert '"model"' in (tmp_path / "c.csv").read_text(encoding="utf-8-sig")


def test_bad_review_commands_end_with_one_line_and_status_2(tmp_path):
    path = project_copy(tmp_path)
    cases = [
        (["review", "export", tmp_path / "none.qcproj", "-o", tmp_path / "d.csv"], "no such project file"),
        (["review", "export", path, "-o", tmp_path / "d.txt"], "end the name in one of .csv"),
        (["review", "export", path, "-o", path], "this is an input file"),
        (["review", "export", path, "-o", tmp_path / "d.csv", "--coder", "zed"],
         "--coder zed: no decisions by this coder; the coders are none yet"),
        (["review", "--project", tmp_path / "new.qcproj", "--no-browser"], "no such project; to create it"),
        (["review", CORPUS, "--project", CORPUS, "--codebook", CODEBOOK, "--no-browser"], "not a qualcode project"),
        (["report", "--project", path, CORPUS, "-o", tmp_path / "out"], "give ANSWERS or --project, not both"),
        (["report", "--project", path, "--mode", "fast", "-o", tmp_path / "out"], "--mode does not apply with --project"),
        (["report", CORPUS, "-o", tmp_path / "out"], "give ANSWERS and --codebook, or --project"),
        (["export-qdpx", "-o", tmp_path / "x.qdpx"], "give CODED and --codebook, or --project"),
    ]
    for args, message in cases:
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_a_project_from_a_newer_qualcode_is_refused_by_every_command(tmp_path):
    path = project_copy(tmp_path)
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    for args in (["review", "--project", path, "--no-browser"], ["review", "export", path, "-o", tmp_path / "d.csv"],
                 ["report", "--project", path, "-o", tmp_path / "out"]):
        result = run(*args)
        assert result.exit_code == 2 and "written by a newer qualcode" in result.output
    assert not (tmp_path / "d.csv").exists() and not (tmp_path / "out").exists()


def test_report_with_another_codebook_than_the_projects_is_refused(tmp_path):
    path = project_copy(tmp_path)
    other = ROOT / "corpora" / "norrbotten-2020" / "drivers_codebook.yaml"
    result = run("report", "--project", path, "--codebook", other, "-o", tmp_path / "out")
    assert result.exit_code == 2 and "this is not the codebook of" in result.output


def test_review_help_names_both_forms_and_the_keys():
    result = run("review", "--help")
    assert result.exit_code == 0
    assert "qualcode review [ANSWERS|CODED] --project P.qcproj" in result.output
    assert "qualcode review export P.qcproj -o decisions.csv" in result.output
    assert "1-9, 0 toggle" in result.output


@pytest.mark.slow
def test_review_saves_codebook_edits_to_the_codebook_it_was_given(tmp_path):
    path = project_copy(tmp_path)
    codebook = tmp_path / "codebook.yaml"
    codebook.write_bytes(CODEBOOK.read_bytes())
    process, base, token = start_review(path, "--codebook", codebook)
    try:
        assert call(base, token, "/api/codebook")["file"] == str(codebook)
        saved = call(base, token, "/api/codebook/save", {"op": "edit", "code": "culture", "fields": {"label": "Kultur"}},
                     timeout=300)                 # the first coding in this process loads the language pipeline
        assert saved["version"] == 2 and "label: Kultur\n" in codebook.read_text(encoding="utf-8")
        assert call(base, token, "/api/codebook/undo", {})["version"] == 1
        assert codebook.read_bytes() == CODEBOOK.read_bytes()
    finally:
        process.terminate()
        process.wait(20)
    assert process.returncode == 0
