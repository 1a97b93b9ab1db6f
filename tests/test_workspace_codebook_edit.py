"""Editing the codebook in the workspace: the YAML written back (only the changed codes), the
preview of what an edit changes, saving and undoing (YAML on disk, project version, counts),
merging and splitting codes with their decisions, importing a code discover suggested, and the
one-line errors for bad edits; through the Python API and the server's test client."""
import shutil

import pytest
import yaml
from starlette.testclient import TestClient

from qualcode.api import coding_plan, open_project
from qualcode.codebook import load_codebook
from qualcode.codebook.edit import add_code, edit_code, merge_codes
from qualcode.codebook.yaml_edit import edited_yaml
from qualcode.errors import InputError
from qualcode.workspace import Project
from qualcode.workspace.edit import CodebookEditor, standing_counts
from qualcode.workspace.server import LOOPBACK, Workspace, create_app
from workspace_support import CODEBOOK, project_copy

TOKEN = "s3cret-token"
PORT = 8765


@pytest.fixture
def codebook_file(tmp_path):
    path = tmp_path / "codebook.yaml"
    shutil.copyfile(CODEBOOK, path)
    return path


@pytest.fixture
def project(tmp_path):
    with Project(project_copy(tmp_path)) as opened:
        yield opened


@pytest.fixture
def editor(project, codebook_file):
    return CodebookEditor(project, coding_plan, codebook_file)


@pytest.fixture
def client(project, editor):
    app = create_app(Workspace(project, "anna", editor=editor), TOKEN, PORT)
    return TestClient(app, base_url=f"http://{LOOPBACK}:{PORT}", headers={"X-Qualcode-Token": TOKEN})


def code_blocks(text):
    """The YAML text of each code, by id (from its '- id:' line to the next)."""
    blocks, current = {}, None
    for line in text.splitlines():
        if line.lstrip().startswith("- id:"):
            current = line.split(":", 1)[1].strip()
            blocks[current] = []
        elif current is not None:
            blocks[current].append(line)
    return {code: "\n".join(lines).strip() for code, lines in blocks.items()}


# -- the YAML written back --------------------------------------------------------------------
def test_an_edited_code_is_rewritten_and_every_other_code_keeps_its_text_and_comments():
    text = CODEBOOK.read_text(encoding="utf-8")
    before = load_codebook(CODEBOOK)
    after = edit_code(before, "competence", {"keywords": list(before["competence"].keywords) + ["kunskapslucka"]})
    written = edited_yaml(text, before, after)
    assert load_codebook_text(written).to_dict() == after.to_dict()
    old, new = code_blocks(text), code_blocks(written)
    assert [code for code in old if old[code] != new[code]] == ["competence"]
    assert "\n    description: >" in "\n" + new["competence"]          # long prose folded, as people write it
    assert written.startswith(text[:text.index("  - id: resources")])      # the header comments


def test_a_merge_removes_one_code_and_a_new_code_is_added_at_the_end():
    text = CODEBOOK.read_text(encoding="utf-8")
    before = load_codebook(CODEBOOK)
    merged = merge_codes(before, "resources", "efficiency")
    assert "efficiency" not in merged and set(before["efficiency"].keywords) <= set(merged["resources"].keywords)
    written = edited_yaml(text, before, merged)
    assert load_codebook_text(written).to_dict() == merged.to_dict()
    old, new = code_blocks(text), code_blocks(written)
    assert {code for code in new if new[code] != old.get(code)} == {"resources"}
    added = add_code(before, {"id": "climate", "label": "Klimat", "description": "Klimat och miljö.",
                              "keywords": ["klimat"]})
    written = edited_yaml(text, before, added)
    assert written.startswith(text.rstrip("\n")) and "- id: climate" in written[len(text):]


def test_a_flow_style_codebook_is_written_whole():
    text = "name: x\nlanguage: sv\ncodes: [{id: a, label: A, description: Aa}, {id: b, label: B, description: Bb}]\n"
    before = load_codebook_text(text)
    after = edit_code(before, "a", {"label": "Ny"})
    assert load_codebook_text(edited_yaml(text, before, after)).to_dict() == after.to_dict()


def load_codebook_text(text):
    from qualcode.codebook.loader import parse_codebook_text

    return parse_codebook_text(text)


# -- preview, save and undo through the API -------------------------------------------------------
def test_an_edit_previewed_saved_and_undone_through_the_api(project, editor, codebook_file, tmp_path):
    original = codebook_file.read_bytes()
    project.decide("N001", ["competence"], coder="anna")
    counts = standing_counts(project)
    keywords = list(project.codebook["competence"].keywords) + ["lära", "digital"]
    proposal = editor.propose({"op": "edit", "code": "competence", "fields": {"keywords": keywords}})
    preview = editor.preview(proposal)
    row = next(row for row in preview["codes"] if row["code"] == "competence")
    assert row["before"] == counts["competence"] and row["after"] > row["before"]
    assert row["gained"]["count"] == row["after"] - row["before"] and row["lost"]["count"] == 0
    gained = [item["text"].lower() for item in row["gained"]["answers"]]
    assert sum("digital" in text or "lär" in text for text in gained) >= 0.75 * len(gained)   # by the new words
    assert "competence.keywords: added 'lära', 'digital'" in preview["diff"]
    assert codebook_file.read_bytes() == original and project.codebook_version == 1     # nothing saved yet

    assert editor.save(proposal, "anna") == 2
    assert project.codebook_version == 2 and standing_counts(project)["competence"] == row["after"]
    assert load_codebook(codebook_file)["competence"].keywords[-2:] == ("lära", "digital")
    assert (tmp_path / "codebook.yaml.v1").read_bytes() == original
    assert project.flagged_under(project.decisions.of("anna", 0)) == {"competence": 1}
    assert project.codes_for(0, "anna") == ["competence"]                       # the decision stands

    assert editor.undo("anna") == 1
    assert codebook_file.read_bytes() == original
    assert project.codebook_version == 1 and standing_counts(project) == counts
    assert project.flagged(project.decisions.of("anna", 0)) == []
    assert load_codebook(tmp_path / "codebook.yaml.v2")["competence"].keywords[-1] == "digital"   # kept too
    with pytest.raises(InputError, match="nothing to undo: codebook version 1 was not made in the workspace"):
        editor.undo("anna")
    with Project(project.path) as again:                                         # the project file agrees
        assert again.codebook_version == 1 and again.uncoded.size == 0


def test_merging_carries_the_decisions_over_and_flags_them(client, project, codebook_file):
    project.decide("N001", ["efficiency"], coder="anna")
    project.decide("N002", ["resources"], coder="anna")
    before = standing_counts(project)
    preview = client.post("/api/codebook/preview", json={"op": "merge", "keep": "resources", "absorb": "efficiency"})
    rows = {row["code"]: row for row in preview.json()["codes"]}
    assert rows["efficiency"]["removed"] and rows["efficiency"]["after"] == 0
    assert rows["resources"]["after"] >= max(before["resources"], before["efficiency"])
    saved = client.post("/api/codebook/save", json={"op": "merge", "keep": "resources", "absorb": "efficiency"}).json()
    assert saved["version"] == 2 and "efficiency" not in load_codebook(codebook_file)
    counts = {code["id"]: code["count"] for code in saved["codebook"]["codes"]}
    assert counts["resources"] == rows["resources"]["after"]
    assert saved["codebook"]["undo"] == "merged efficiency into resources"
    assert project.codes_for(0, "anna") == ["resources"]                 # efficiency's decision carried over
    view = client.get("/api/answer/0").json()
    assert view["flagged_under"] == {"resources": 1}
    panel = {code["id"]: code for code in client.get("/api/codebook").json()["codes"]}
    assert panel["resources"]["flagged"] == 2 and panel["competence"]["flagged"] == 0
    assert client.post("/api/codebook/undo").json()["version"] == 1
    assert project.codes_for(0, "anna") == ["efficiency"] and standing_counts(project) == before


def test_splitting_moves_the_chosen_answers_to_the_new_code_and_undo_moves_them_back(client, project, codebook_file):
    having = client.get("/api/codebook/answers", params={"code": "leadership"}).json()
    chosen = [item["answer"] for item in having["items"][:3]]
    before = standing_counts(project)
    change = {"op": "split", "code": "leadership", "answers": chosen,
              "fields": {"id": "steering", "label": "Styrning", "description": "Politisk styrning och mål."}}
    preview = {row["code"]: row for row in client.post("/api/codebook/preview", json=change).json()["codes"]}
    assert preview["steering"]["added"] and preview["steering"]["after"] >= 3
    assert preview["leadership"]["lost"]["count"] == 3
    saved = client.post("/api/codebook/save", json=change).json()
    assert saved["version"] == 2
    assert load_codebook(codebook_file).ids.index("steering") == load_codebook(codebook_file).ids.index("leadership") + 1
    for position in chosen:
        assert "steering" in project.codes_for(position) and "leadership" not in project.codes_for(position)
    assert standing_counts(project)["leadership"] == before["leadership"] - 3
    client.post("/api/codebook/undo")
    assert standing_counts(project) == before and "steering" not in load_codebook(codebook_file)
    assert all("leadership" in project.codes_for(position) for position in chosen)


def test_a_code_discover_suggested_is_imported_as_a_new_active_code(client, project, codebook_file, tmp_path):
    suggested = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    suggested["codes"].append({"id": "distansarbete", "label": "Distansarbete", "status": "suggested",
                               "description": "Svar som handlar om att arbeta hemifrån.",
                               "keywords": ["distans", "hemifrån"]})
    text = yaml.safe_dump(suggested, allow_unicode=True, sort_keys=False)
    codes = client.post("/api/codebook/candidates", json={"yaml": text, "name": "suggested_codebook.yaml"}).json()
    assert [code["id"] for code in codes["codes"]] == ["distansarbete"]
    fields = {key: value for key, value in codes["codes"][0].items() if key != "status"}
    saved = client.post("/api/codebook/save", json={"op": "add", "fields": fields, "from": "suggested_codebook.yaml"})
    assert saved.json()["codebook"]["undo"] == "added distansarbete from suggested_codebook.yaml"
    assert load_codebook(codebook_file)["distansarbete"].is_active and "distansarbete" in project.code_ids


def test_bad_edits_get_one_line_errors_and_change_nothing(client, project, codebook_file):
    original = codebook_file.read_bytes()
    cases = [
        ({"op": "edit", "code": "competence", "fields": {"label": ""}}, "code 'competence' needs a non-empty 'label'"),
        ({"op": "add", "fields": {"id": "competence", "label": "Ny", "description": "Ny kod."}},
         "duplicate id 'competence'"),
        ({"op": "edit", "code": "competence", "fields": {"keywords": ["(a|b)"]}}, "regular-expression characters"),
        ({"op": "merge", "keep": "resources", "absorb": "resources"}, "cannot merge code 'resources' into itself"),
        ({"op": "split", "code": "leadership", "answers": [], "fields": {"id": "x", "label": "X", "description": "X"}},
         "choose at least one answer"),
        ({"op": "rename"}, "op: one of edit, add, merge, split"),
    ]
    for change, message in cases:
        for route in ("/api/codebook/preview", "/api/codebook/save"):
            response = client.post(route, json=change)
            assert response.status_code == 400 and message in response.json()["error"], (change, response.json())
            assert "\n" not in response.json()["error"]
    broken = client.post("/api/codebook/candidates", json={"yaml": "name: [oavslutad\ncodes:\n", "name": "s.yaml"})
    assert broken.status_code == 400 and broken.json()["error"].startswith("s.yaml: line 2: not valid YAML")
    assert codebook_file.read_bytes() == original and project.codebook_version == 1
    unchanged = client.post("/api/codebook/save", json={"op": "edit", "code": "culture", "fields": {}})
    assert unchanged.json()["error"] == "nothing to save: the codebook is as it was"


def test_a_windows_codebook_keeps_its_line_ends_and_its_old_bytes(editor, codebook_file, tmp_path):
    original = CODEBOOK.read_bytes().replace(b"\n", b"\r\n")
    codebook_file.write_bytes(original)
    editor.save(editor.propose({"op": "edit", "code": "culture", "fields": {"label": "Kultur"}}), "anna")
    written = codebook_file.read_bytes()
    assert b"label: Kultur\r\n" in written and written.count(b"\n") == written.count(b"\r\n")
    assert (tmp_path / "codebook.yaml.v1").read_bytes() == original
    editor.undo("anna")
    assert codebook_file.read_bytes() == original


def test_a_codebook_file_changed_outside_the_workspace_is_not_overwritten(client, project, codebook_file):
    codebook_file.write_text(codebook_file.read_text(encoding="utf-8").replace("Kompetens och kunskap", "Kunnande"),
                             encoding="utf-8")
    changed = codebook_file.read_bytes()
    response = client.post("/api/codebook/save", json={"op": "edit", "code": "culture", "fields": {"label": "Kultur"}})
    assert response.status_code == 400 and "changed outside the workspace" in response.json()["error"]
    assert codebook_file.read_bytes() == changed and project.codebook_version == 1


def test_a_codebook_given_again_after_a_change_is_its_earlier_version(tmp_path, codebook_file):
    path = project_copy(tmp_path)
    edited = tmp_path / "v2.yaml"
    edited.write_text(codebook_file.read_text(encoding="utf-8").replace("Kompetens och kunskap", "Kunnande"),
                      encoding="utf-8")
    with open_project(path, codebook=edited) as project:
        assert project.codebook_version == 2
    with open_project(path, codebook=codebook_file) as project:         # once an IntegrityError
        assert project.codebook_version == 1 and project.codebook["competence"].label == "Kompetens och kunskap"
        assert project.uncoded.size == 0


def test_in_blind_mode_the_counts_leave_the_other_coders_decisions_out(project, editor):
    machine = standing_counts(project, "anna")
    project.decide("N001", ["security"], coder="bertil")
    assert standing_counts(project)["security"] == machine["security"] + (not project.suggested[0, project.code_ids.index("security")])
    client = TestClient(create_app(Workspace(project, "anna", blind=True, editor=editor), TOKEN, PORT),
                        base_url=f"http://{LOOPBACK}:{PORT}", headers={"X-Qualcode-Token": TOKEN})
    panel = {code["id"]: code["count"] for code in client.get("/api/codebook").json()["codes"]}
    assert panel == machine
    preview = client.post("/api/codebook/preview", json={"op": "edit", "code": "culture", "fields": {"label": "Kultur"}})
    assert {row["code"]: row["before"] for row in preview.json()["codes"]} == machine


def test_a_project_coded_with_a_trained_model_says_why_it_cannot_preview_an_edit(project, editor):
    project.meta["coding"] = {**project.meta.get("coding", {}), "model": "model.qcmodel"}
    with pytest.raises(InputError, match="^model.qcmodel: the answers were coded with this trained model"):
        editor.preview(editor.propose({"op": "edit", "code": "culture", "fields": {"label": "Kultur"}}))

