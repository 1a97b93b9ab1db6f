"""Shared by the workspace tests: projects built once per test session (each test works on its
own copy), the workspace served from a thread, and Debian's Chromium for the browser tests."""
import shutil
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpora" / "norrbotten-2020" / "answers.csv"
CODEBOOK = ROOT / "codebooks" / "digital_maturity.yaml"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCRIPT = "<script>window.injected = 1</script>"
HOSTILE_TEXT = f"{SCRIPT}<img src=x onerror=\"window.injected=2\"> Budgeten räcker inte & <b>fet</b>"


@lru_cache(maxsize=None)
def built_project(kind):
    """The project file of ``kind`` (built once per session, in fast mode): "corpus" is the
    shipped corpus with the default codebook; "mixed" adds duplicates of "Vet ej" and an answer
    and a code label holding HTML."""
    from qualcode.api import open_project

    folder = Path(tempfile.mkdtemp(prefix=f"qualcode-workspace-{kind}-"))
    path = folder / f"{kind}.qcproj"
    if kind == "corpus":
        open_project(path, CORPUS, CODEBOOK, mode="fast").close()
    elif kind == "mixed":
        open_project(path, mixed_answers(), hostile_codebook(folder), mode="fast").close()
    else:
        raise ValueError(kind)
    return path


def project_copy(folder, kind="corpus"):
    """A copy of :func:`built_project` in ``folder`` for one test to change."""
    target = Path(folder) / f"{kind}.qcproj"
    shutil.copyfile(built_project(kind), target)
    return target


def mixed_answers():
    """The shipped corpus plus exact duplicates that differ in case and punctuation, and an answer of HTML."""
    frame = pd.read_csv(CORPUS, dtype=str, keep_default_na=False)
    extra = [("D1", "Vet ej"), ("D2", "vet ej."), ("D3", "VET EJ!"), ("D4", "Budgeten räcker inte till system."),
             ("D5", "budgeten räcker inte till system"), ("H1", HOSTILE_TEXT)]
    rows = pd.DataFrame([{**{c: "" for c in frame.columns}, "id": answer, "respondent": f"R{answer}",
                          "question": frame["question"].iat[0], "text": text} for answer, text in extra])
    return pd.concat([frame, rows], ignore_index=True)


def hostile_codebook(folder):
    """The default codebook with HTML in the name, a label and a description."""
    data = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    data["name"] = f"Mognad {SCRIPT}"
    data["codes"][0]["label"] = "Ekonomi <img src=x onerror=\"window.injected=3\">"
    data["codes"][0]["description"] = f"Pengar {SCRIPT} och resurser."
    path = Path(folder) / "hostile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class ServedWorkspace:
    """``with ServedWorkspace(workspace) as url:`` the workspace served by uvicorn from a thread
    on 127.0.0.1, as ``qualcode review`` serves it."""

    def __init__(self, workspace, token="test-token"):
        self.workspace = workspace
        self.token = token

    def __enter__(self):
        import uvicorn

        from qualcode.workspace.server import create_app, loopback_socket

        self.socket = loopback_socket(0)
        port = self.socket.getsockname()[1]
        config = uvicorn.Config(create_app(self.workspace, self.token, port), log_level="warning",
                                access_log=False, lifespan="off", ws="none")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{port}"
        return f"{self.base}/?token={self.token}"

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(10)
        self.socket.close()


def chromium():
    """A started Playwright and a headless Chromium (Debian's); skips when either is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")
    playwright = sync_api.sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    return playwright, browser


# what the browser tests wait for: the card changed from ``before`` (or none is left); every save sent
CHANGED = "(before) => { const c = window.qualcode.current; return !c || c.id !== before; }"
SAVED = "() => window.qualcode.outbox.length === 0 && !window.qualcode.sending"
