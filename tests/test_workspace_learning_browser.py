"""Learning while reviewing in a real headless Chromium: the screen does not wait for a retrain."""
import statistics
import threading
import time

from qualcode.workspace import Project
from qualcode.workspace.server import Workspace
from workspace_support import CHANGED, SAVED, ServedWorkspace, project_copy



class Retraining:
    """Real retrains back to back in a thread, for as long as the ``with`` block runs."""

    def __init__(self, learner):
        self.learner = learner
        self.count = 0
        self._stop = threading.Event()

    def _loop(self):
        while not self._stop.is_set():
            self.learner.retrain()
            self.count += 1

    def __enter__(self):
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join(60)


def test_keys_stay_fast_while_the_machine_retrains_and_later_answers_show_the_new_model(browser, tmp_path):
    with Project(project_copy(tmp_path)) as project:
        workspace = Workspace(project, "anna", learn_every=5)
        base = project.model_version
        with ServedWorkspace(workspace) as url:
            page = browser.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(url)
            page.wait_for_selector("body[data-ready=true]")
            assert f"model {base} · codebook" in page.inner_text("#card .meta")
            reviewed = []
            with Retraining(workspace.learner) as retraining:
                for _ in range(40):
                    item = page.evaluate("window.qualcode.current.id")
                    reviewed.append(item)
                    page.keyboard.press("Enter")
                    page.wait_for_function(CHANGED, arg=item)
                page.wait_for_function(SAVED)
            assert retraining.count >= 2                   # the keys were pressed while retrains ran
            timings = page.evaluate("window.qualcode.timings")
            assert len(timings) == 40 and statistics.median(timings) < 100
            assert page.evaluate("window.qualcode.starved") == 0
            assert len(set(reviewed)) == 40, [(n, r) for n, r in enumerate(reviewed) if reviewed.count(r) > 1]
            assert len(project.reviewed("anna")) == 40
            assert workspace.learner.wait(60) and workspace.learner.error is None
            learned = project.model_version
            assert learned > base
            # answers fetched from now on come in the new model's order and say which model suggested them
            page.evaluate("() => { window.qualcode.queue = []; window.qualcode.next = 1000; }")
            page.keyboard.press("ArrowRight")
            page.wait_for_function("() => window.qualcode.current && window.qualcode.current.model > 1")
            assert "learned from 40 decisions" in page.inner_text("#card .meta")
            deadline = time.time() + 10
            while f"model {learned}" not in page.inner_text("#learning") and time.time() < deadline:
                time.sleep(0.2)
            assert "learned from 40 decisions" in page.inner_text("#learning")
            assert page.locator("#quality tr").count() == 1 + len(project.code_ids)
            assert errors == []
