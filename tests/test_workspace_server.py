"""The workspace server through Starlette's test client: the token, the host check, escaping,
and every request the screen makes."""
import socket

import pytest
from starlette.testclient import TestClient

from qualcode.workspace import Project
from qualcode.workspace.server import LOOPBACK, Workspace, create_app, loopback_socket
from workspace_support import HOSTILE_TEXT, SCRIPT, project_copy

TOKEN = "s3cret-token"
PORT = 8765
HEADERS = {"X-Qualcode-Token": TOKEN}


def client_for(project, coder="anna", blind=False):
    app = create_app(Workspace(project, coder, blind), TOKEN, PORT)
    return TestClient(app, base_url=f"http://{LOOPBACK}:{PORT}", headers=HEADERS)


@pytest.fixture
def project(tmp_path):
    with Project(project_copy(tmp_path)) as opened:
        yield opened


@pytest.fixture
def client(project):
    return client_for(project)


def test_requests_without_the_token_get_401_and_with_a_wrong_one_403(project):
    bare = TestClient(create_app(Workspace(project, "anna"), TOKEN, PORT), base_url=f"http://{LOOPBACK}:{PORT}")
    for path in ("/", "/api/state", "/api/queue", "/static/app.js"):
        assert bare.get(path).status_code == 401
        assert bare.get(path, params={"token": "wrong"}).status_code == 403
        assert bare.get(path, headers={"X-Qualcode-Token": "wrong"}).status_code == 403
    assert bare.post("/api/decide", json={"answer": 0, "codes": []}).status_code == 401
    assert bare.get("/", params={"token": TOKEN}).status_code == 200
    assert bare.get("/static/app.js", params={"token": TOKEN}).status_code == 200
    assert project.reviewed() == []


def test_a_request_for_another_host_is_refused(project):
    app = create_app(Workspace(project, "anna"), TOKEN, PORT)
    for host in ("http://evil.example:8765", f"http://{LOOPBACK}:9999"):
        response = TestClient(app, base_url=host).get("/", params={"token": TOKEN})
        assert response.status_code == 403 and "loopback" in response.text
    assert TestClient(app, base_url=f"http://localhost:{PORT}").get("/", params={"token": TOKEN}).status_code == 200


def test_every_response_carries_the_security_headers(client):
    response = client.get("/", params={"token": TOKEN})
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_the_server_binds_the_loopback_address_only():
    sock = loopback_socket(0)
    try:
        host, port = sock.getsockname()
        assert host == LOOPBACK
        outside = _non_loopback_address()
        if outside is None:
            pytest.skip("this machine has no non-loopback address to try")
        with pytest.raises(OSError):
            socket.create_connection((outside, port), timeout=2).close()
    finally:
        sock.close()


def _non_loopback_address():
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))        # no packet is sent: this only picks the outgoing interface
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


def test_a_taken_port_is_an_input_error():
    from qualcode.errors import InputError

    sock = loopback_socket(0)
    try:
        with pytest.raises(InputError, match=r"--port \d+: cannot listen there"):
            loopback_socket(sock.getsockname()[1])
    finally:
        sock.close()


def test_html_in_the_codebook_is_escaped_in_the_page_and_sent_as_data(tmp_path):
    with Project(project_copy(tmp_path, "mixed")) as project:
        client = client_for(project)
        page = client.get("/", params={"token": TOKEN}).text
        assert SCRIPT not in page and "&lt;script&gt;" in page
        state = client.get("/api/state").json()
        assert state["codebook"]["name"].endswith(SCRIPT)          # data; the screen writes it as text
        answer = client.get(f"/api/answer/{project.position('H1')}").json()
        assert "".join(piece["t"] for piece in answer["segments"]) == HOSTILE_TEXT


def test_the_state_tells_the_screen_the_codes_keys_filters_and_progress(client, project):
    state = client.get("/api/state").json()
    assert [code["key"] for code in state["codes"]] == list("1234567890")
    assert state["codes"][0]["id"] == "resources" and state["coder"] == "anna"
    groups = state["filters"]["groups"]
    assert set(groups) == {"befattning", "svarsalternativ"}
    assert groups["svarsalternativ"] == sorted(set(project.attributes["svarsalternativ"]) - {""})
    assert len(state["filters"]["questions"]) == 12
    assert state["progress"]["total"] == 137 and state["progress"]["reviewed"] == 0
    assert state["changes"] is None


def test_the_queue_pages_through_unreviewed_answers_and_saves_move_it_on(client, project):
    first = client.get("/api/queue", params={"n": 5}).json()
    positions = [item["answer"] for item in first["items"]]
    assert len(set(positions)) == 5 and first["next"] == 5 and not first["end"]
    item = first["items"][0]
    assert "".join(piece["t"] for piece in item["segments"]) == project.texts[item["answer"]]
    saved = client.post("/api/decide", json={"answer": positions[0], "codes": ["culture"], "elapsed": 1.5,
                                             "client": "tab-1"}).json()
    assert saved["progress"]["reviewed"] == 1 and saved["progress"]["seconds_per_decision"] == 1.5
    again = client.get("/api/queue", params={"n": 5}).json()
    assert positions[0] not in [item["answer"] for item in again["items"]]
    reviewed = client.get("/api/queue", params={"status": "reviewed"}).json()
    assert [item["answer"] for item in reviewed["items"]] == [positions[0]]
    assert reviewed["items"][0]["codes"] == ["culture"] and reviewed["items"][0]["reviewed"]


def test_the_orders_and_filters(client, project):
    by_question = client.get("/api/queue", params={"order": "question", "n": 200}).json()["items"]
    questions = [item["question"] for item in by_question]
    assert questions == sorted(questions, key=list(dict.fromkeys(project.questions)).index)
    random = [item["answer"] for item in client.get("/api/queue", params={"order": "random", "n": 10}).json()["items"]]
    assert random == [item["answer"] for item in client.get("/api/queue", params={"order": "random", "n": 10}).json()["items"]]
    assert random != sorted(random)
    nej = client.get("/api/queue", params={"group": "svarsalternativ", "value": "Nej", "n": 200}).json()["items"]
    assert nej and all(dict(item["attributes"])["svarsalternativ"] == "Nej" for item in nej)
    coded = client.get("/api/queue", params={"code": "leadership", "n": 200}).json()["items"]
    assert len(coded) == int(project.suggested[:, project.code_ids.index("leadership")].sum())
    informative = client.get("/api/queue", params={"n": 200}).json()["items"]
    assert [item["substantive"] for item in informative][-1] is False      # answers without content last
    verify = client.get("/api/queue", params={"verify": "resources", "order": "code", "n": 3}).json()["items"]
    scores = [item["scores"]["resources"] for item in verify]
    assert scores == sorted(scores, reverse=True) and verify[0]["verify"] == "resources"


def test_the_group_order_the_question_filter_and_the_changed_status(client, project):
    by_group = client.get("/api/queue", params={"order": "group", "group": "befattning", "n": 200}).json()["items"]
    titles = [dict(item["attributes"])["befattning"] for item in by_group]
    assert titles == sorted(titles) and len(set(titles)) > 5
    question = project.questions[60]
    asked = client.get("/api/queue", params={"question": question, "n": 200}).json()["items"]
    assert {item["question"] for item in asked} == {question} and len(asked) == project.questions.count(question)

    kept, changed = 60, 61
    client.post("/api/decide", json={"answer": kept, "codes": project.machine_codes(kept), "client": "k"})
    other = [code for code in project.code_ids if code not in project.machine_codes(changed)][:1]
    client.post("/api/decide", json={"answer": changed, "codes": project.machine_codes(changed) + other,
                                     "client": "c"})
    listed = client.get("/api/queue", params={"status": "changed", "n": 200}).json()["items"]
    assert [item["answer"] for item in listed] == [changed]
    reviewed = client.get("/api/queue", params={"status": "reviewed", "n": 200}).json()["items"]
    assert sorted(item["answer"] for item in reviewed) == [kept, changed]


def test_bad_requests_get_a_message(client):
    assert client.get("/api/queue", params={"order": "alphabet"}).json() == {
        "error": "order 'alphabet': use one of informative, code, question, group, random, file"}
    assert client.get("/api/queue", params={"code": "nope"}).status_code == 400
    assert "unknown code 'nope'" in client.post("/api/decide", json={"answer": 0, "codes": ["nope"]}).json()["error"]
    assert client.post("/api/decide", json={"answer": 10_000, "codes": []}).json()["error"] == "answer 10000: no such answer"
    assert client.post("/api/decide", content=b"{", headers={"Content-Type": "application/json"}).status_code == 400
    assert client.post("/api/verify", json={"answer": 0, "code": "resources"}).status_code == 400


def test_verify_undo_and_recent(client, project):
    client.post("/api/verify", json={"answer": 3, "code": "resources", "applies": True, "client": "c1"})
    client.post("/api/decide", json={"answer": 4, "codes": [], "client": "c2"})
    recent = client.get("/api/recent").json()["items"]
    assert [item["answer"] for item in recent] == [4, 3]
    assert recent[1]["verified"] == {"code": "resources", "applies": True}
    undone = client.post("/api/undo", json={"client": "c3"}).json()
    assert undone["answers"] == [4] and undone["progress"]["reviewed"] == 1
    assert client.post("/api/undo", json={"client": "c3"}).json()["undone"] == undone["undone"]   # resent: once
    assert [item["answer"] for item in client.get("/api/recent").json()["items"]] == [3]


def test_apply_to_similar_previews_then_saves_one_batch(tmp_path):
    with Project(project_copy(tmp_path, "mixed")) as project:
        client = client_for(project)
        source = project.position("D1")
        preview = client.get("/api/similar", params={"answer": source, "codes": "culture", "cutoff": 0.95}).json()
        exact = [item for item in preview["items"] if item["exact"]]
        assert {item["id"] for item in exact} >= {"D2", "D3"}
        assert all(item["after"] == ["culture"] and item["changes"] for item in exact)
        targets = [item["answer"] for item in exact]
        saved = client.post("/api/similar", json={"answer": source, "targets": targets, "codes": ["culture"]}).json()
        assert saved["progress"]["reviewed"] == len(targets) + 1
        assert client.get("/api/recent").json()["items"][0]["count"] == len(targets) + 1
        client.post("/api/undo", json={})
        assert project.reviewed("anna") == []


def test_blind_mode_hides_the_other_coders(project):
    project.decide("N001", ["resources"], coder="bertil")
    open_view = client_for(project).get("/api/answer/0").json()
    assert open_view["others"] == {"bertil": ["resources"]}
    blind = client_for(project, blind=True)
    assert "others" not in blind.get("/api/answer/0").json()
    refused = blind.post("/api/decide", json={"answer": 0, "codes": [], "kind": "adjudicate"})
    assert refused.status_code == 400 and "blind" in refused.json()["error"]


def test_adjudication_and_agreement(project):
    project.decide("N001", ["resources"], coder="bertil")
    client = client_for(project)
    client.post("/api/decide", json={"answer": 0, "codes": ["competence"]})
    agreement = client.get("/api/agreement").json()
    assert agreement["coders"] == ["bertil", "anna"] and agreement["disagreements"] == 1
    queue = client.get("/api/queue", params={"status": "disagreement"}).json()["items"]
    assert [item["answer"] for item in queue] == [0] and queue[0]["standing"] == ["competence"]
    client.post("/api/decide", json={"answer": 0, "codes": ["resources", "competence"], "kind": "adjudicate"})
    assert project.codes_for(0) == ["resources", "competence"]
    assert client.get("/api/agreement").json()["disagreements"] == 0


def test_a_new_codebook_version_is_announced_and_earlier_decisions_marked(tmp_path):
    import yaml

    from qualcode.api import open_project
    from workspace_support import CODEBOOK

    path = project_copy(tmp_path)
    with Project(path) as project:
        project.decide("N001", ["resources"], coder="anna")
    data = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    data["codes"][0]["description"] += " Även bidrag."
    edited = tmp_path / "v2.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with open_project(path, codebook=edited) as project:
        client = client_for(project)
        changes = client.get("/api/state").json()["changes"]
        assert changes["version"] == 2 and changes["changed"] == ["resources"] and changes["flagged"] == 1
        assert "resources.description" in changes["text"]
        view = client.get("/api/answer/0").json()
        assert view["flagged"] == ["resources"] and view["codes"] == ["resources"]
        client.post("/api/decide", json={"answer": 0, "codes": ["resources"]})
        assert client.get("/api/answer/0").json()["flagged"] == []


def test_filters_that_do_not_fit_the_project_are_named(client):
    assert client.get("/api/queue", params={"group": "kommun"}).json()["error"] == (
        "group column 'kommun': the attribute columns are befattning, svarsalternativ")
    assert "status 'maybe'" in client.get("/api/queue", params={"status": "maybe"}).json()["error"]
