"""Codebook editing in the workspace: how long the preview of an edit (every answer coded
again), the save and the undo take, against building the project (the first coding, with an
empty cache) in the same run.

    python bench/codebook_edit.py                          # ../shared/data/dev, fast and accurate
    python bench/codebook_edit.py --answers A.csv --modes fast --repeat 3

A private, empty cache folder is used, so the project build is a first run (it also loads the
language pipeline); the previews then read the answers' analyses, the keyword matches of the
codes not edited, the lemma features and (accurate mode) the embeddings back from the cache, and
only the scoring runs again. The baseline in the same process: one more preview with an empty
cache folder (everything computed again, the pipeline already loaded).
"""
import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CODEBOOK = ROOT / "codebooks" / "digital_maturity.yaml"
DEV = ROOT.parent / "shared" / "data" / "dev" / "responses.csv"
EDITS = [("resources", "åtstramning"), ("competence", "kunskapsbrist")]


def measure(answers, mode, folder):
    """Seconds to build the project, and per edit the preview, the save and the undo."""
    from qualcode.api import coding_plan, open_project
    from qualcode.workspace.edit import CodebookEditor

    codebook = folder / "codebook.yaml"
    shutil.copyfile(CODEBOOK, codebook)
    started = time.perf_counter()
    project = open_project(folder / f"{mode}.qcproj", answers, codebook, mode=mode)
    figures = {"build": time.perf_counter() - started, "previews": [], "saves": [], "undos": []}
    editor = CodebookEditor(project, coding_plan, codebook)
    with project:
        for code, keyword in EDITS:
            change = {"op": "edit", "code": code, "fields": {"keywords": [*project.codebook[code].keywords, keyword]}}
            started = time.perf_counter()
            editor.preview(editor.propose(change))
            figures["previews"].append(time.perf_counter() - started)
            started = time.perf_counter()
            editor.save(editor.propose(change), "bench")
            figures["saves"].append(time.perf_counter() - started)
            started = time.perf_counter()
            editor.undo("bench")
            figures["undos"].append(time.perf_counter() - started)
        os.environ["QUALCODE_CACHE_DIR"] = str(folder / "empty-cache")   # the same preview without the caches
        change = {"op": "edit", "code": "culture", "fields": {"keywords": [*project.codebook["culture"].keywords,
                                                                           "beröringsskräck"]}}
        started = time.perf_counter()
        editor.preview(editor.propose(change))
        figures["uncached"] = time.perf_counter() - started
        figures["answers"] = len(project)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=Path, default=DEV)
    parser.add_argument("--modes", default="fast,accurate")
    parser.add_argument("--repeat", type=int, default=1, help="runs per mode, each on an empty cache; the fastest shown")
    args = parser.parse_args()
    if not args.answers.is_file():
        raise SystemExit(f"{args.answers}: not found (give --answers)")
    with tempfile.TemporaryDirectory() as root:
        for mode in args.modes.split(","):
            runs = []
            for run in range(args.repeat):
                folder = Path(root) / f"{mode}-{run}"
                folder.mkdir()
                os.environ["QUALCODE_CACHE_DIR"] = str(folder / "cache")
                runs.append(measure(args.answers, mode, folder))
            best = min(runs, key=lambda figures: min(figures["previews"]))
            preview = min(best["previews"])
            print(f"{best['answers']} answers, {mode} mode: project built (empty cache) {best['build']:.2f} s; "
                  f"after a keyword edit: preview (every answer coded again) {preview:.2f} s "
                  f"({preview / best['build']:.0%} of the build; {best['uncached']:.2f} s with an empty cache in the "
                  f"same process), save {min(best['saves']):.2f} s, undo {min(best['undos']):.2f} s")


if __name__ == "__main__":
    main()
