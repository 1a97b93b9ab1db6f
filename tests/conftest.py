"""Shared fixtures: paths to the shared development data (tests skip cleanly without it)."""
import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEV = SHARED / "data" / "dev"
REAL = SHARED / "data" / "real"
SEED_REPORT = SHARED / "seeds" / "000_6b6fcfc27d3a7d60.txt"
DEFAULT_CODEBOOK = ROOT / "codebooks" / "digital_maturity.yaml"


def _require(path):
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path


@pytest.fixture
def dev_dir():
    """The labelled development set, ../shared/data/dev (skips when absent)."""
    return _require(DEV / "responses.csv").parent


@pytest.fixture
def real_dir():
    """Real Swedish texts, ../shared/data/real (skips when absent)."""
    return _require(REAL)


@pytest.fixture
def seed_report_text():
    """The OCR text of the source report (skips when absent)."""
    return _require(SEED_REPORT).read_text(encoding="utf-8")


@pytest.fixture
def default_codebook_path():
    return _require(DEFAULT_CODEBOOK)


def pytest_configure(config):
    """Run every session on an empty cache of its own, as CI does, so that no test passes only
    because an earlier run left analyses or embeddings in ~/.cache/qualcode."""
    if "QUALCODE_CACHE_DIR" not in os.environ:
        os.environ["QUALCODE_CACHE_DIR"] = tempfile.mkdtemp(prefix="qualcode-test-cache-")
    # Fast mode's static word vectors over wordfreq's 300 most frequent words, not 20,000:
    # distilling them runs E5 once per word.
    os.environ.setdefault("QUALCODE_STATIC_VOCABULARY", "300")


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless Chromium for the browser tests of the session (skips when it is missing)."""
    from workspace_support import chromium

    playwright, started = chromium()
    yield started
    started.close()
    playwright.stop()


@pytest.fixture
def browser(chromium_browser):
    """A browser context of its own for each test, closed with its pages after it."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def screenshots(tmp_path):
    """Where a test keeps its screenshots: QUALCODE_SCREENSHOTS=DIR keeps them for checking by eye."""
    folder = Path(os.environ.get("QUALCODE_SCREENSHOTS") or tmp_path / "screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
