"""The workspace's speed in a real headless Chromium: first screen, key press to next answer,
one key per decision in verify mode, on a large synthetic survey and, as the baseline in the
same run, on the shipped corpus.

    python bench/workspace.py                      # 100,000 synthetic answers (coded in fast mode)
    python bench/workspace.py --n 10000 --decisions 100 --project /tmp/survey.qcproj

The server is started as an analyst starts it (``qualcode review --no-browser``); it is "up"
when it prints its URL (the socket listens). First screen: from then until the first answer is
on the page (Chromium is started before). Key to next answer: ``performance.now()`` at the key
press to the first animation frame after the next answer is in the DOM, measured by the page
itself (``window.qualcode.timings``), median over the decisions. Needs Debian's chromium and
playwright (the test extra).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from synth import write_answers_csv  # noqa: E402

CODEBOOK = ROOT / "codebooks" / "digital_maturity.yaml"
CORPUS = ROOT / "corpora" / "norrbotten-2020" / "answers.csv"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
URL = re.compile(r"Workspace: (http://\S+)")
CHANGED = "(before) => { const c = window.qualcode.current; return c && c.id !== before; }"
SAVED = "() => window.qualcode.outbox.length === 0 && !window.qualcode.sending"


def build(path, answers):
    """Create the project (fast mode) unless it exists; returns seconds taken (0 when reused)."""
    from qualcode.api import open_project

    if path.exists():
        return 0.0
    start = time.perf_counter()
    open_project(path, answers, CODEBOOK, mode="fast").close()
    return time.perf_counter() - start


def serve(path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "qualcode", "review", "--project", str(path), "--no-browser",
                                "--coder", "bench", "-q"], stdout=subprocess.PIPE, text=True, env=env)
    line = process.stdout.readline()
    return process, URL.search(line).group(1), time.perf_counter()


def peak_memory_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def session(browser, path, decisions):
    """Serve ``path``, review and verify ``decisions`` answers each with keys; returns the figures."""
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto("about:blank")
    process, url, up = serve(path)
    try:
        page.goto(url)
        page.wait_for_function("() => window.qualcode && window.qualcode.current")
        first_screen = time.perf_counter() - up
        keys = {code["id"]: code["key"] for code in page.evaluate("window.qualcode.state.codes")}
        codes = list(keys)
        for n in range(decisions):
            before = page.evaluate("window.qualcode.current.id")
            if n % 3:
                page.keyboard.press(keys[codes[n % len(codes)]])
            page.keyboard.press("Enter")
            page.wait_for_function(CHANGED, arg=before)
        page.wait_for_function("(n) => window.qualcode.timings.length >= n", arg=decisions)
        review = page.evaluate("window.qualcode.timings.slice()")
        page.wait_for_function(SAVED)
        page.keyboard.press("v")
        page.wait_for_selector("#card[data-view=verify] .verify")
        page.evaluate("window.qualcode.timings = []")
        presses = 0
        for n in range(decisions):
            before = page.evaluate("window.qualcode.current.id")
            page.keyboard.press("a" if n % 2 else "x")
            presses += 1
            page.wait_for_function(CHANGED, arg=before)
        page.wait_for_function("(n) => window.qualcode.timings.length >= n", arg=decisions)
        verify = page.evaluate("window.qualcode.timings.slice()")
        starved = page.evaluate("window.qualcode.starved")       # both modes
        page.wait_for_function(SAVED)
        memory = peak_memory_mb(process.pid)
    finally:
        process.terminate()
        process.wait(30)
        page.close()
    return {"first_screen": first_screen, "review": review, "verify": verify, "presses": presses, "memory": memory,
            "starved": starved}


def check(path, decisions, work):
    """``review export`` holds exactly the decisions made; returns (rows, verify decisions)."""
    from qualcode.workspace import Project

    with Project(path, write=False) as project:
        log = project.log()
        live = log[~log["undone"] & (log["coder"] == "bench")]
        rows = project.export(work / f"{path.stem}.decisions.csv", coder="bench")
        verified = live[live["kind"] == "verify"]
    assert rows == 2 * decisions, rows
    assert len(verified) == decisions and verified["batch"].is_unique
    return rows, len(verified)


def describe(name, answers, built, figures, runs):
    review, verify = figures["review"], figures["verify"]
    screens = ", ".join(f"{run['first_screen'] * 1000:.0f}" for run in runs)
    medians = {mode: ", ".join(f"{statistics.median(run[mode]):.1f}" for run in runs) for mode in ("review", "verify")}
    print(f"{name}: {answers:,} answers" + (f", project built in {built:.0f} s (fast mode)" if built else ""))
    print(f"  first screen after the server is up: {figures['first_screen'] * 1000:.0f} ms (runs: {screens})")
    for mode, times in (("review", review), ("verify", verify)):
        print(f"  key to next answer, {mode} (median of {len(times)}): {statistics.median(times):.1f} ms "
              f"(p90 {statistics.quantiles(times, n=10)[-1]:.1f}, max {max(times):.1f}; medians of the runs: "
              f"{medians[mode]})")
    print(f"  verify: {figures['presses']} key presses for {len(verify)} decisions "
          f"({figures['presses'] / len(verify):.2f} per decision)")
    print(f"  next answer not yet fetched when due: {figures['starved']} times")
    print(f"  review export: {figures['rows']} rows, exactly the decisions made; server peak memory "
          f"{figures['memory']:.0f} MB")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="synthetic answers (default 100,000)")
    parser.add_argument("--decisions", type=int, default=200, help="decisions per mode (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each session; the fastest is reported")
    parser.add_argument("--project", type=Path, default=None,
                        help="the large project file (reused when it exists; default: a temporary one)")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="qualcode-bench-workspace-"))
    kept = options.project or work / f"synthetic-{options.n}.qcproj"
    built_large = build(kept, write_answers_csv(work / "answers.csv", options.n)) if not kept.exists() else 0.0
    kept_small = work / "corpus-built.qcproj"
    built_small = build(kept_small, CORPUS)
    small_decisions = min(options.decisions, 60)
    runs = {"small": [], "large": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for repeat in range(options.repeat):      # each run decides on fresh copies; the fastest is reported
            for name, source, decisions in (("small", kept_small, small_decisions), ("large", kept, options.decisions)):
                copy = work / f"{name}-{repeat}.qcproj"
                shutil.copyfile(source, copy)
                figures = session(browser, copy, decisions)
                figures["rows"] = check(copy, decisions, work)[0]
                runs[name].append(figures)
        browser.close()
    baseline, large = (min(runs[name], key=lambda f: statistics.median(f["review"])) for name in ("small", "large"))
    describe("baseline, the shipped corpus", 137, built_small, baseline, runs["small"])
    describe("synthetic survey", options.n, built_large, large, runs["large"])
    ratio = statistics.median(large["review"]) / statistics.median(baseline["review"])
    print(f"key to next answer, {options.n:,} answers against 137: {ratio:.2f}x (fastest of {options.repeat} runs each)")


if __name__ == "__main__":
    main()
