"""Hostile and broken input (issue #20): no formula, script or escape gets through, no bomb takes
the machine, nothing is half-written. One section per point of the issue, each reproducing it."""
import errno
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from docx import Document
from openpyxl import Workbook, load_workbook

from qualcode.cli import cli
from qualcode.codebook import Codebook, load_codebook
from qualcode.codebook.refi import codebook_to_qdc, read_qdc
from qualcode.errors import InputError
from qualcode.io import output_set, read_answers
from qualcode.io.escape import markdown_text, neutralise_formula, restore_formula, xml_text
from qualcode.progress import terminal_text
from qualcode.reports import read_coded

ROOT = Path(__file__).resolve().parent.parent
CODEBOOK = Codebook.from_dict({
    "name": "Hinder", "language": "sv",
    "codes": [
        {"id": "resources", "label": "Ekonomi och resurser", "description": "Pengar, budget, personal.",
         "keywords": ["budget", "ekonomi", "förändring"]},
        {"id": "competence", "label": "Kompetens", "description": "Kunskap och utbildning.",
         "keywords": ["kompetens", "utbildning"]},
        {"id": "infrastructure", "label": "Bredband", "description": "Fiber och uppkoppling.",
         "keywords": ["uppkoppling", "fiber"]},
    ]})
HOSTILE = [  # id, respondent, kommun, text
    ("a1", "r1", "Luleå", "=HYPERLINK(\"http://evil\",\"Budgeten\") räcker inte"),
    ("a2", "r2", "Kiruna", "+46 70 123 45 67 ring mig om kompetens"),
    ("a3", "r3", "Kiruna", "-1+1 uppkopplingen är för dålig"),
    ("a4", "r4", "Boden", "@SUMMA(A1) budgeten är slut"),
    ("a5", "r5", "Boden", "\tkompetens saknas"),
    ("a6", "r6", "Luleå", "<script>alert(1)</script><img src=x onerror=alert(2)> fibern är nere"),
    ("a7", "r7", "Pite\x0bå", "\x1b[31mRÖD\x1b[0m ekonomi\x01 och \x1b]0;titel\x07budget"),
    ("a8", "r8", "Luleå", "-5"),
]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("QUALCODE_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def hostile(tmp_path):
    """(answers.csv, codebook.yaml) with formulas, scripts, escapes and control characters."""
    answers = tmp_path / "svar.csv"
    pd.DataFrame(HOSTILE, columns=["id", "respondent", "kommun", "text"]).to_csv(answers, index=False)
    data = CODEBOOK.to_dict()
    data["codes"][0]["label"] = "Eko\x1bnomi <b>[x](javascript:y)</b> =1+1"
    codebook = tmp_path / "kodbok.yaml"
    codebook.write_text(Codebook.from_dict(data).to_yaml(), encoding="utf-8")
    return answers, codebook


@pytest.fixture
def coded(hostile, tmp_path):
    answers, codebook = hostile
    output = tmp_path / "kodat.csv"
    result = run("code", answers, "--codebook", codebook, "-o", output, "--mode", "fast")
    assert result.exit_code == 0, result.output
    return output


# 1. Formula injection -------------------------------------------------------------------------
def test_formula_prefixes_are_neutralised_and_restored_exactly():
    for text in ["=1+1", "+46", "-x", "@SUM(1)", "\tx", "\rx", "'=1", "''-x", "'plain", "-5", "+3,5", "1e3"]:
        assert restore_formula(neutralise_formula(text)) == text
    assert neutralise_formula("=1+1") == "'=1+1" and neutralise_formula("'=1") == "''=1"
    assert neutralise_formula("-5") == "-5" and neutralise_formula("Bra") == "Bra"


def cells(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def formula_cells(frame):
    values = list(frame.columns) + [v for column in frame.columns for v in frame[column]]
    return [v for v in values if v[:1] in ("=", "+", "-", "@", "\t", "\r") and neutralise_formula(v) != v]


@pytest.mark.slow
def test_csvs_for_people_neutralise_formulas_and_the_coded_table_stays_verbatim(hostile, coded, tmp_path):
    answers, codebook = hostile
    assert cells(coded)["text"].tolist() == [row[3] for row in HOSTILE]  # data to read back: verbatim
    assert run("counts", coded, "--codebook", codebook, "--by", "kommun", "--min-group", "1",
               "-o", tmp_path / "antal.csv").exit_code == 0
    assert run("quotes", coded, "--codebook", codebook, "-o", tmp_path / "citat.csv").exit_code == 0
    assert run("queue", coded, "--embedder", "default", "-o", tmp_path / "ko.csv").exit_code == 0
    gold = tmp_path / "facit.csv"
    pd.DataFrame({"id": [r[0] for r in HOSTILE], "codes": "=cmd|' /C calc'!A0"}).to_csv(gold, index=False)
    assert run("agree", gold, coded, "-o", tmp_path / "enighet.csv").exit_code == 0
    report = tmp_path / "rapport"
    assert run("report", answers, "--codebook", codebook, "-o", report, "--mode", "fast").exit_code == 0
    written = [tmp_path / "antal.csv", tmp_path / "antal.cooccurrence.csv", tmp_path / "citat.csv",
               tmp_path / "ko.csv", tmp_path / "enighet.csv", *report.glob("*.csv")]
    assert len(written) == 10   # the report's: coded, counts, closed, quotes, cooccurrence
    for path in written:
        assert formula_cells(cells(path)) == [], path
    quotes = cells(tmp_path / "citat.csv")["quote"].tolist()
    assert {"'@SUMMA(A1) budgeten är slut", "'-1+1 uppkopplingen är för dålig"} <= set(quotes)
    # the report's coded table is neutralised, yet reads back as the answers were
    assert read_coded(report / "coded.csv").frame["text"].tolist() == [row[3] for row in HOSTILE]


@pytest.mark.parametrize("command", ["evaluate", "agree"])
def test_evaluate_and_agree_workbooks_hold_formulas_as_text(coded, tmp_path, command):
    gold = tmp_path / "facit.csv"
    pd.DataFrame({"id": [r[0] for r in HOSTILE], "codes": "competence",
                  "text": [r[3] for r in HOSTILE]}).to_csv(gold, index=False)
    output = tmp_path / "rapport.xlsx"
    args = [command, gold, coded] if command == "agree" else [command, coded, "--gold", gold]
    result = run(*args, "-o", output)
    assert result.exit_code == 0, result.output
    book = load_workbook(output)
    texts = [cell for row in book["disagreements"].iter_rows(min_row=2) for cell in row[1:2]]
    assert {cell.value for cell in texts} >= {HOSTILE[0][3]}
    assert all(cell.data_type == "s" for row in book["disagreements"].iter_rows() for cell in row if cell.value)


# 2. YAML alias bomb and deep nesting -----------------------------------------------------------
BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefghi", "bcdefghij")) + "name: x\n"


@pytest.mark.parametrize("text, phrase", [
    (BILLION_LAUGHS, "expands to more than 200,000 values"),
    ("name: " + "[" * 20000 + "]" * 20000 + "\n", "nests more than 50 levels"),
    ("\n".join(" " * (2 * i) + f"k{i}:" for i in range(3000)) + " x\n", "nests more than 50 levels"),
    ("name: &x\n  - *x\n", "refers to the part that holds it"),
])
def test_codebook_bombs_are_refused_quickly(tmp_path, text, phrase):
    path = tmp_path / "kodbok.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    result = run("codebook", "validate", path)
    assert result.exit_code == 2 and phrase in result.output and "line" in result.output
    assert time.perf_counter() - started < 10


def test_the_qualcode_block_of_a_qdc_is_read_within_the_same_limits(tmp_path):
    path = tmp_path / "bomb.qdc"
    path.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="g" name="Ekonomi" '
                    f'isCodable="true"><Description>Pengar.\n\n```qualcode\n{escape(BILLION_LAUGHS)}```</Description>'
                    "</Code></Codes></CodeBook>", encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(InputError, match=r"bomb.qdc: line 1: the YAML expands to more than 200,000 values .* ```qualcode"):
        read_qdc(path)
    assert time.perf_counter() - started < 10


def test_aliases_within_the_budget_still_work(tmp_path):
    path = tmp_path / "kodbok.yaml"
    data = CODEBOOK.to_yaml().replace("keywords: [kompetens, utbildning]", "keywords: &same [kompetens, utbildning]")
    path.write_text(data.replace("keywords: [uppkoppling, fiber]", "keywords: *same"), encoding="utf-8")
    assert load_codebook(path).get("infrastructure").keywords == ("kompetens", "utbildning")


# 3. A long word ------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["ha" * 1000, "å" * 3000, "skolgård" * 300, "kompetens" + "!" * 20000,
                                  "&amp;" * 4000, "😀" * 5000, "\"(" * 5000 + " budget"])
def test_one_pathological_word_is_analysed_and_coded(tmp_path, text):
    from qualcode.coding.analysed import analyse_answers

    started = time.perf_counter()
    analyse_answers([text, "Budgeten räcker inte."], cache=False)
    assert time.perf_counter() - started < 20


def test_code_and_report_survive_a_two_thousand_letter_word(tmp_path):
    answers, codebook = tmp_path / "svar.csv", tmp_path / "kodbok.yaml"
    codebook.write_text(CODEBOOK.to_yaml(), encoding="utf-8")
    pd.DataFrame({"id": ["1", "2", "3"], "text": ["ha" * 1000, "Budgeten räcker inte.", "Fibern är nere."]}
                 ).to_csv(answers, index=False)
    assert run("code", answers, "--codebook", codebook, "-o", tmp_path / "k.csv", "--mode", "fast").exit_code == 0
    assert run("report", answers, "--codebook", codebook, "-o", tmp_path / "r", "--mode", "fast").exit_code == 0
    assert cells(tmp_path / "k.csv")["codes"].tolist() == ["", "resources", "infrastructure"]


# 4. A blank header cell ----------------------------------------------------------------------
@pytest.mark.parametrize("header, blank", [("id,text,,kommun", "column C"), ("id,,text,kommun", "column B"),
                                           ("id,text,kommun,", "column D")])
def test_a_blank_header_cell_is_a_blank_column_not_a_second_header_row(tmp_path, header, blank):
    path = tmp_path / "svar.csv"
    rows = [f"a{i},Svar nummer {i},anteckning {i},Luleå" for i in range(1, 11)]
    if header.startswith("id,,"):
        rows = [f"a{i},anteckning {i},Svar nummer {i},Luleå" for i in range(1, 11)]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    table = read_answers(path)
    assert len(table) == 10 and table.texts[0] == "Svar nummer 1" and blank in table.frame.columns


# 5. Control characters in XML writers --------------------------------------------------------
def test_report_docx_and_xlsx_are_written_with_control_characters(hostile, tmp_path):
    answers, codebook = hostile
    folder = tmp_path / "rapport"
    result = run("report", answers, "--codebook", codebook, "-o", folder, "--mode", "fast", "--by", "kommun",
                 "--min-group", "1")
    assert result.exit_code == 0, result.output
    paragraphs = [p.text for p in Document(folder / "report.docx").paragraphs]
    assert any("Eko\u241bnomi" in text for text in paragraphs)
    sheet = load_workbook(folder / "report.xlsx").worksheets[0]
    texts = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "_x001B_[31mRÖD_x001B_[0m ekonomi_x0001_ och _x001B_]0;titel_x0007_budget" in texts


def test_qdc_and_qdpx_exports_are_written_with_control_characters(hostile, coded, tmp_path):
    answers, codebook = hostile
    assert run("codebook", "export", codebook, "-o", tmp_path / "k.qdc").exit_code == 0
    assert read_qdc(tmp_path / "k.qdc").codes[0].label.startswith("Eko\u241bnomi")
    result = run("export-qdpx", coded, "--codebook", codebook, "-o", tmp_path / "p.qdpx")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "p.qdpx") as archive:
        project = archive.read("project.qde").decode()
    assert "Pite\u240bå" in project and "\x1b" not in project


def test_xml_text_replaces_only_what_xml_cannot_hold():
    assert xml_text("a\x1bb\x00c\td\ne\ud800f") == "a\u241bb\u2400c\td\ne\ufffdf"


# 6. Atomic sets ------------------------------------------------------------------------------
def test_an_interrupted_report_leaves_the_earlier_report_whole(hostile, tmp_path, monkeypatch):
    answers, codebook = hostile
    folder = tmp_path / "rapport"
    assert run("report", answers, "--codebook", codebook, "-o", folder, "--mode", "fast").exit_code == 0
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("qualcode.reports.pipeline.write_docx", interrupted)
    result = run("report", answers, "--codebook", codebook, "-o", folder, "--mode", "fast", "--seed", "3")
    assert result.exit_code == 130
    assert {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_code_refuses_a_sidecar_path_that_is_a_folder_before_any_work(hostile, tmp_path):
    answers, codebook = hostile
    (tmp_path / "kodat.csv.meta.json").mkdir()
    result = run("code", answers, "--codebook", codebook, "-o", tmp_path / "kodat.csv", "--mode", "fast")
    assert result.exit_code == 2 and "kodat.csv.meta.json: this is a folder" in result.output
    assert not (tmp_path / "kodat.csv").exists()


@pytest.mark.parametrize("failing", [errno.ENOSPC, errno.EROFS])
def test_a_full_disk_leaves_neither_table_nor_sidecar_and_names_the_path(hostile, tmp_path, monkeypatch, failing):
    answers, codebook = hostile
    output = tmp_path / "kodat.csv"
    output.write_text("förra", encoding="utf-8")
    real = Path.write_text

    def full(self, *args, **kwargs):
        if self.name.endswith(".meta.json"):
            raise OSError(failing, os.strerror(failing), str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    result = run("code", answers, "--codebook", codebook, "-o", output, "--mode", "fast")
    assert result.exit_code == 2 and "kodat.csv.meta.json: cannot be written" in result.output
    assert output.read_text(encoding="utf-8") == "förra" and not (tmp_path / "kodat.csv.meta.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["cache", "kodat.csv", "kodbok.yaml", "svar.csv"])


def test_counts_refuses_a_bad_side_file_before_writing_anything(coded, tmp_path):
    output = tmp_path / "antal.csv"
    output.write_text("förra", encoding="utf-8")
    (tmp_path / "antal.cooccurrence.csv").mkdir()
    result = run("counts", coded, "-o", output)
    assert result.exit_code == 2 and "antal.cooccurrence.csv: this is a folder" in result.output
    assert output.read_text(encoding="utf-8") == "förra" and not (tmp_path / "antal.png").exists()


def test_discovery_files_are_replaced_together(hostile, tmp_path, monkeypatch):
    from qualcode.discover import run as discover_run

    answers, codebook = hostile
    folder = tmp_path / "teman"
    folder.mkdir()
    (folder / "themes.md").write_text("förra", encoding="utf-8")
    monkeypatch.setattr(discover_run, "suggestions_markdown", lambda discovery: 1 / 0)
    result = CliRunner().invoke(cli, ["discover", str(answers), "--mode", "fast", "-o", str(folder)])
    assert result.exit_code == 1
    assert [p.name for p in folder.iterdir()] == ["themes.md"]


def test_an_output_set_swaps_in_all_files_or_none(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.txt"
    a.write_text("gammal a", encoding="utf-8")
    with pytest.raises(RuntimeError), output_set([a, b]) as outputs:
        outputs.write_text(a, "ny a")
        outputs.write_text(b, "ny b")
        raise RuntimeError
    assert a.read_text(encoding="utf-8") == "gammal a" and not b.exists()
    with output_set([a, b]) as outputs:
        outputs.write_text(a, "ny a")
        outputs.write_text(b, "ny b")
    assert (a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")) == ("ny a", "ny b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.txt"]


# 7. Temporary files --------------------------------------------------------------------------
def test_stale_part_files_of_this_output_are_removed_and_live_ones_kept(hostile, tmp_path):
    answers, codebook = hostile
    host = "".join(c if c.isalnum() else "_" for c in socket.gethostname())[:32]
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = [tmp_path / ".kodat.csv.abc123.part.csv", tmp_path / f".kodat.csv.{host}-{dead.stdout.strip()}-beef.part"]
    stale[0].write_text("halv", encoding="utf-8")
    stale[1].mkdir()
    (stale[1] / "kodat.csv").write_text("halv", encoding="utf-8")
    alive = tmp_path / f".kodat.csv.{host}-{os.getpid()}-cafe.part"
    alive.mkdir()
    other = tmp_path / ".annat.csv.abc123.part.csv"
    other.write_text("inte vår", encoding="utf-8")
    assert run("code", answers, "--codebook", codebook, "-o", tmp_path / "kodat.csv", "--mode", "fast").exit_code == 0
    assert not any(path.exists() for path in stale) and alive.exists() and other.exists()


@pytest.mark.slow
def test_sigterm_removes_the_partial_output(tmp_path):
    answers, codebook = tmp_path / "svar.csv", tmp_path / "kodbok.yaml"
    codebook.write_text(CODEBOOK.to_yaml(), encoding="utf-8")
    texts = ["Budgeten räcker inte för fibern.", "Kompetensen saknas.", "Uppkopplingen är dålig."]
    pd.DataFrame({"id": range(30_000), "text": texts * 10_000}).to_csv(answers, index=False)
    output = tmp_path / "kodat.csv"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QUALCODE_CACHE_DIR": str(tmp_path / "cache")}
    process = subprocess.Popen([sys.executable, "-m", "qualcode", "code", str(answers), "--codebook", str(codebook),
                                "-o", str(output), "--mode", "fast", "--chunk-size", "500"],
                               env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".kodat.csv.*.part/kodat.csv")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert process.poll() is None, process.stderr.read()
    process.send_signal(signal.SIGTERM)
    assert process.wait(60) == 128 + signal.SIGTERM
    assert "Terminated; no partial output was left." in process.stderr.read()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "kodbok.yaml", "svar.csv"]


# 8. Bidi and width ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, surface", [
    ("Det är en \u200fförändring av allt.", "förändring"),
    ("Det är en för\u200eändring av allt.", "för\u200eändring"),
    ("Det är en \u202bförändring\u202c av allt.", "förändring"),
    ("Det är en förä\u2066ndring\u2069 av allt.", "förä\u2066ndring"),
    ("Det är en Ｆörändring av allt.", "Ｆörändring"),
    ("ＦＯＲＡＮＤＲＩＮＧ tar tid", "ＦＯＲＡＮＤＲＩＮＧ"),
    ("En 𝐟ö𝐫ä𝐧𝐝𝐫𝐢𝐧𝐠 nu.", "𝐟ö𝐫ä𝐧𝐝𝐫𝐢𝐧𝐠"),
    ("Budgeten är ﬁnansierad.", "Budgeten"),
    ("Förändring\ufe0f och budget\U000e0041.", "Förändring"),
])
def test_hidden_and_disguised_characters_do_not_block_a_keyword(text, surface):
    from qualcode.coding.analysed import analyse_answers
    from qualcode.coding.lexical import LexicalMatcher

    matches = LexicalMatcher(CODEBOOK.codes).match(analyse_answers([text], cache=False)[0])["resources"]
    assert surface in [match.text for match in matches]  # offsets point into the original text
    assert all(text[match.start:match.end] == match.text for match in matches)


def test_the_hidden_characters_are_every_format_character():
    import unicodedata

    from qualcode.language.normalise import _HIDDEN

    formats = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert all(_HIDDEN.fullmatch(char) for char in formats)


# 9. Terminal escapes -------------------------------------------------------------------------
def test_printed_text_carries_no_escape_sequence(hostile, coded, tmp_path):
    answers, codebook = hostile
    changed = tmp_path / "ny.yaml"
    data = load_codebook(codebook).to_dict()
    data["codes"][1]["label"] = "Kom\x1b[2Jpetens\u202e"
    changed.write_text(Codebook.from_dict(data).to_yaml(), encoding="utf-8")
    outputs = [run("quotes", coded, "--codebook", codebook), run("queue", coded),
               run("codebook", "show", changed), run("codebook", "diff", codebook, changed),
               run("counts", coded, "--by", "kommun", "--min-group", "1")]
    for result in outputs:
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output and "\u202e" not in result.output
    assert "Eko\\x1bnomi" in outputs[0].output and "Kom\\x1b[2Jpetens\\u202e" in outputs[2].output
    assert terminal_text("a\x1b[2Jb\rc\u202ed\n\te") == "a\\x1b[2Jb\\x0dc\\u202ed\n\te"


def test_the_unexpected_error_line_is_safe_and_one_line(monkeypatch, hostile):
    answers, codebook = hostile

    def bug(*args, **kwargs):
        raise ValueError("svar \x1b[31mröd\x1b[0m\nandra raden")

    monkeypatch.setattr("qualcode.codebook.load_codebook", bug)
    result = run("code", answers, "--codebook", codebook, "-o", answers.with_name("k.csv"))
    assert result.exit_code == 1 and "\x1b" not in result.output
    assert result.output.count("\n") == 1 and "This is a bug in qualcode" in result.output


# 10. Markdown --------------------------------------------------------------------------------
def test_report_and_theme_markdown_carry_no_html_or_links(hostile, tmp_path):
    answers, codebook = hostile
    report, themes = tmp_path / "rapport", tmp_path / "teman"
    assert run("report", answers, "--codebook", codebook, "-o", report, "--mode", "fast", "--by", "kommun",
               "--min-group", "1").exit_code == 0
    assert run("discover", answers, "--codebook", codebook, "--mode", "fast", "-o", themes).exit_code == 0
    for path in [report / "report.md", themes / "themes.md", themes / "suggestions.md"]:
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text and "<img" not in text and "<b>" not in text, path
        assert not re.search(r"(?<!\\)\]\(javascript", text), path
    assert "&lt;b&gt;" in (report / "report.md").read_text(encoding="utf-8")
    assert markdown_text("R&D &amp; <i>x</i> [a](b)") == "R&D &amp;amp; &lt;i&gt;x&lt;/i&gt; \\[a\\](b)"


# 11. Bombs read whole ------------------------------------------------------------------------
def test_a_qdpx_whose_project_is_too_large_is_refused_unread(tmp_path, monkeypatch):
    from qualcode.codebook import refi

    monkeypatch.setattr(refi, "MAX_XML_BYTES", 2**20)
    path = tmp_path / "bomb.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", "<Project>" + " " * (3 * 2**20) + "</Project>")
    assert path.stat().st_size < 20_000
    with pytest.raises(InputError, match="project.qde' would unpack to 3 MB"):
        read_qdc(path)


def test_a_qdpx_is_read_only_up_to_its_codebook(tmp_path):
    project = codebook_to_qdc(CODEBOOK).decode().split("?>", 1)[1].replace("urn:QDA-XML:codebook:1.0",
                                                                            "urn:QDA-XML:project:1.0")
    path = tmp_path / "projekt.qdpx"
    with zipfile.ZipFile(path, "w") as archive:  # what follows the codebook is not even XML
        archive.writestr("project.qde", f'<Project xmlns="urn:QDA-XML:project:1.0">{project}<Sources>&&&<<')
    assert [code.id for code in read_qdc(path).codes] == ["resources", "competence", "infrastructure"]


def test_a_model_is_read_member_by_member(tmp_path, monkeypatch):
    from qualcode.io import archives
    from qualcode.learn import TrainedModel

    model = TrainedModel(CODEBOOK, mode="fast").fit_features(*_features())
    path = tmp_path / "modell.npz"
    model.save(path)
    with zipfile.ZipFile(path, "a") as archive:  # an extra member, and not even a valid array
        archive.writestr("extra.npy", b"\x00" * 5_000_000)
    assert TrainedModel.load(path, CODEBOOK).coef_.shape == model.coef_.shape
    monkeypatch.setattr(archives, "MAX_ARRAY_BYTES", 64)
    with pytest.raises(InputError, match="modell.npz: its part '(meta|coef).npy' would unpack to .*, more than the 64 bytes expected"):
        TrainedModel.load(path, CODEBOOK)


def test_a_workbook_zip_bomb_is_refused_unread(tmp_path, monkeypatch):
    from qualcode.io import archives

    monkeypatch.setattr(archives, "SUSPICIOUS_FROM_BYTES", 2**20)
    path = tmp_path / "svar.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", "<sst>" + "<si><t>a</t></si>" * 1_000_000 + "</sst>")
    with pytest.raises(InputError, match="svar.xlsx: it would unpack to"):
        read_answers(path)


def _features():
    from qualcode.learn.model import Features

    rng = np.random.default_rng(0)
    coder = rng.normal(size=(12, 3, 5))
    labels = (coder[:, :, 0] > 0).astype(int)
    return Features(coder, np.zeros((12, 0)), [["budget"], ["fiber"]] * 6), labels


# 12. A poisoned cache ------------------------------------------------------------------------
@pytest.mark.parametrize("garbage", [b"\x00\xffgarbage", b"", "text, not bytes", 42])
def test_a_poisoned_cache_is_a_miss_and_the_run_goes_on(hostile, tmp_path, garbage):
    answers, codebook = hostile
    first, second = tmp_path / "ett.csv", tmp_path / "två.csv"
    assert run("code", answers, "--codebook", codebook, "-o", first, "--mode", "fast").exit_code == 0
    stores = list((tmp_path / "cache").glob("*.sqlite"))
    assert len(stores) >= 3
    for store in stores:
        with sqlite3.connect(store) as connection:
            connection.execute("UPDATE blobs SET value = ?", (garbage,))
    result = run("code", answers, "--codebook", codebook, "-o", second, "--mode", "fast")
    assert result.exit_code == 0, result.output
    assert cells(first).drop(columns="evidence").equals(cells(second).drop(columns="evidence"))
    third = tmp_path / "tre.csv"
    assert run("code", answers, "--codebook", codebook, "-o", third, "--mode", "fast").exit_code == 0
    assert cells(second).equals(cells(third))


def test_an_embedding_of_the_wrong_length_is_a_miss(tmp_path):
    from qualcode.embed.cache import CachedEmbedder

    class Fixed:
        name, dim = "fast-test", 3

        def embed(self, texts, kind="passage"):
            return np.ones((len(texts), 3), dtype=np.float32)

    embedder = CachedEmbedder(Fixed(), folder=tmp_path)
    embedder.embed(["a"])
    embedder._store.wait()
    with sqlite3.connect(embedder._store.path) as connection:
        connection.execute("UPDATE blobs SET value = ?", (np.ones(5, dtype=np.float32).tobytes(),))
    assert CachedEmbedder(Fixed(), folder=tmp_path).embed(["a"]).shape == (1, 3)


# 13. Bad input is exit 2 with a location -----------------------------------------------------
def test_a_parquet_text_column_of_lists_is_read_as_text(tmp_path):
    path = tmp_path / "svar.parquet"
    pd.DataFrame({"id": ["1", "2"], "text": [["Budget", "och", "fiber"], None],
                  "extra": [{"a": 1}, {"a": 2}]}).to_parquet(path)
    table = read_answers(path)
    assert table.texts == ['["Budget", "och", "fiber"]', ""] and table.frame["extra"][0] == '{"a": 1}'


def test_a_symlink_loop_or_dangling_link_is_an_input_error(tmp_path, hostile):
    answers, codebook = hostile
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    (tmp_path / "c.csv").symlink_to(tmp_path / "saknas.csv")
    for path, phrase in [("a.csv", "loop of symbolic links"), ("c.csv", "which does not exist")]:
        for args in [("code", tmp_path / path, "--codebook", codebook, "-o", tmp_path / "k.csv"),
                     ("counts", tmp_path / path), ("report", tmp_path / path, "--codebook", codebook, "-o", tmp_path / "r")]:
            result = run(*args)
            assert result.exit_code == 2 and phrase in result.output, (args, result.output)
    result = run("code", answers, "--codebook", tmp_path / "a.csv", "-o", tmp_path / "k.csv")
    assert result.exit_code == 2


@pytest.mark.parametrize("tamper, phrase", [
    (lambda arrays, meta: arrays.update(coef=np.zeros((7, 2))), "coefficients of shape (7, 2)"),
    (lambda arrays, meta: meta["settings"].update(colour="blue"), "unknown settings ['colour']"),
    (lambda arrays, meta: meta["settings"].update(mode=3), "a setting of the wrong type"),
    (lambda arrays, meta: meta.update(settings="fast"), "unknown settings"),
    (lambda arrays, meta: arrays.update(idf=np.zeros(99)), "arrays that do not fit"),
])
def test_a_tampered_model_is_refused_with_its_path(tmp_path, tamper, phrase):
    from qualcode.learn import TrainedModel

    path = tmp_path / "modell.npz"
    TrainedModel(CODEBOOK, mode="fast").fit_features(*_features()).save(path)
    with np.load(path) as stored:
        arrays = {key: stored[key] for key in stored.files}
    meta = json.loads(str(arrays["meta"]))
    tamper(arrays, meta)
    arrays["meta"] = np.array(json.dumps(meta))
    np.savez(path, **arrays)
    with pytest.raises(InputError, match=rf"modell.npz: this model file is damaged or was changed: .*{__import__('re').escape(phrase)}"):
        TrainedModel.load(path, CODEBOOK)


def test_report_on_a_read_only_file_system_is_refused_before_any_work(hostile, tmp_path, monkeypatch):
    import tempfile

    answers, codebook = hostile

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "TemporaryFile", read_only)
    monkeypatch.setattr("qualcode.reports.pipeline.CodedAnswers", None)  # no coding may start
    result = run("report", answers, "--codebook", codebook, "-o", tmp_path / "ny" / "rapport")
    assert result.exit_code == 2 and "Read-only file system" in result.output


# 14. Smaller ---------------------------------------------------------------------------------
def test_text_after_an_entity_is_kept_and_the_entity_dropped(tmp_path):
    path = tmp_path / "xxe.qdc"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
                    '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="g" name="Ekonomi" '
                    'isCodable="true"><Description>Före &xxe; efter<!-- x --> slut</Description></Code>'
                    "</Codes></CodeBook>", encoding="utf-8")
    assert read_qdc(path).codes[0].description == "Före  efter slut"


def test_library_warnings_stay_out_of_the_way_and_qualcode_warnings_are_one_line(capsys):
    from qualcode.cli import _show_warning
    from qualcode.progress import NORMAL, set_verbosity

    set_verbosity(NORMAL)
    _show_warning(pd.errors.PerformanceWarning("DataFrame is highly fragmented."), pd.errors.PerformanceWarning,
                  str(Path(pd.__file__).parent / "core" / "frame.py"), 1)
    _show_warning(UserWarning("svar.xlsx: sheet 'Blad1': 1 cell\nholds"), UserWarning,
                  str(ROOT / "qualcode" / "io" / "readers.py"), 1)
    assert capsys.readouterr().err == "Warning: svar.xlsx: sheet 'Blad1': 1 cell holds\n"


@pytest.mark.parametrize("command", ["evaluate", "agree"])
def test_quiet_evaluate_and_agree_print_nothing_with_an_output_file(coded, tmp_path, command):
    gold = tmp_path / "facit.csv"
    pd.DataFrame({"id": [r[0] for r in HOSTILE], "codes": "competence"}).to_csv(gold, index=False)
    args = [command, gold, coded] if command == "agree" else [command, coded, "--gold", gold]
    result = run(*args, "-o", tmp_path / "r.json", "-q")
    assert result.exit_code == 0 and result.output == ""
    assert "macro F1" in run(*args).output


def test_a_formula_without_a_saved_value_is_warned(tmp_path):
    book = Workbook()
    book.active.append(["id", "text"])
    book.active.append(["a1", "=CONCAT(\"Fi\",\"ber\")"])
    book.active.append(["a2", "Budgeten"])
    book.save(tmp_path / "svar.xlsx")
    with pytest.warns(UserWarning, match=r"svar.xlsx: sheet 'Sheet': 1 cell holds a formula .* \(the first is B2\)"):
        assert read_answers(tmp_path / "svar.xlsx").texts == ["", "Budgeten"]


def test_merged_respondent_cells_are_filled_down_and_blank_respondents_stay_apart(tmp_path):
    from qualcode.reports import CodedAnswers, count_codes

    book = Workbook()
    sheet = book.active
    sheet.append(["Enkät 2024", None, None])
    sheet.append(["respondent", "id", "text"])
    for row in [["R1", "a1", "Budget"], [None, "a2", "Fiber"], [None, "a3", "Budget igen"], ["R2", "a4", "Budget"]]:
        sheet.append(row)
    sheet.merge_cells("A3:A5")
    sheet.merge_cells("A1:C1")
    book.save(tmp_path / "svar.xlsx")
    table = read_answers(tmp_path / "svar.xlsx")
    assert table.frame["respondent"].tolist() == ["R1", "R1", "R1", "R2"]
    blank = table.frame.assign(respondent=["R1", "", "", "R2"])
    coded = CodedAnswers(blank.assign(codes=["resources", "infrastructure", "resources", "resources"]),
                         respondent_column="respondent")
    assert coded.respondents.tolist() == ["R1", "a2", "a3", "R2"]
    counts = count_codes(coded, CODEBOOK).set_index("code")
    assert counts.loc["resources", "respondents"] == 3 and counts.loc["resources", "base"] == 4


def test_undocumented_delimiters_nul_bytes_and_wrong_encodings_are_located(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text("id:text\n1:hej\n", encoding="utf-8")
    with pytest.raises(InputError, match="--delimiter ':' is not one qualcode reads"):
        read_answers(path, delimiter=":")
    path.write_bytes(b"id,text\n1,hej\n2,h\x00j\n")
    with pytest.raises(InputError, match=r"svar.csv: line 3: this is binary data \(a NUL byte\)"):
        read_answers(path)
    path.write_text("id,text\n1,Budgeten är slut\n", encoding="utf-8")
    with pytest.raises(InputError, match="does not read as utf-16 .* it looks like utf-8"):
        read_answers(path, encoding="utf-16")
    path.write_text("id,text\n1,Budgeten är slut\n", encoding="utf-16")
    with pytest.raises(InputError, match="does not read as cp1252 .* it looks like utf-16"):
        read_answers(path, encoding="cp1252")



# Properties: hostile text through normalisation and analysis ----------------------------------
HOSTILE_TEXT = st.lists(st.sampled_from(
    ["Förändring", " ", "\u200f", "\u202b", "\u202c", "\u2066", "\u00ad", "\ufe0f", "Ｆö", "𝐛𝐮𝐝𝐠𝐞𝐭", "ﬁ", "!" * 70,
     "&amp;" * 20, "\x1b[31m", "\x01", "ha" * 50, "-\n", "<b>", "Ã¤", "o\u0308", "\r\n"]), max_size=10).map("".join)


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(source=HOSTILE_TEXT)
def test_hostile_text_keeps_a_complete_offset_map(source):
    from qualcode.language.normalise import normalise_with_offsets

    result = normalise_with_offsets(source)
    offsets = [result.source_offset(i) for i in range(len(result.text) + 1)]
    assert offsets == sorted(offsets) and all(0 <= offset <= len(source) for offset in offsets)
    assert not any(char in result.text for char in "\u200f\u202b\u202c\u2066\u00ad\ufe0fＦ𝐛ﬁ")


@settings(max_examples=40, derandomize=True, database=None, deadline=None)
@given(texts=st.lists(HOSTILE_TEXT, min_size=1, max_size=4))
def test_hostile_text_is_analysed_and_evidence_points_into_it(texts):
    from qualcode.coding.analysed import analyse_answers
    from qualcode.coding.lexical import LexicalMatcher

    for text, answer in zip(texts, analyse_answers(texts, cache=False)):
        for matches in LexicalMatcher(CODEBOOK.codes).match(answer).values():
            assert all(text[match.start:match.end] == match.text for match in matches)


def test_a_codebook_of_many_codes_codes_without_library_warnings(tmp_path):
    codes = [{"id": f"kod_{n}", "label": f"Kod {n}", "description": f"Tema nummer {n}.", "keywords": [f"ord{n}"]}
             for n in range(150)]
    codebook, answers = tmp_path / "kodbok.yaml", tmp_path / "svar.csv"
    codebook.write_text(Codebook.from_dict({"name": "Stor", "language": "sv", "codes": codes}).to_yaml(), encoding="utf-8")
    pd.DataFrame({"id": ["1", "2", "3"], "text": ["ord1 och ord2", "ord3", "inget"]}).to_csv(answers, index=False)
    result = run("code", answers, "--codebook", codebook, "-o", tmp_path / "k.csv", "--mode", "fast")
    assert result.exit_code == 0 and "Warning" not in result.output and "site-packages" not in result.output


def test_a_parquet_file_of_too_many_cells_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from qualcode.io import readers

    path = tmp_path / "svar.parquet"
    pd.DataFrame({"id": [str(i) for i in range(2000)], "text": "samma svar"}).to_parquet(path)
    monkeypatch.setattr(readers, "MAX_WHOLE_CELLS", 1000)
    monkeypatch.setattr(pd, "read_parquet", None)  # it must not be read
    with pytest.raises(InputError, match="svar.parquet: it holds 2,000 rows of 2 columns, more than the 1,000 cells"):
        read_answers(path)
