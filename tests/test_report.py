"""`qualcode report`: codes raw answers and writes every report file, readable and whole."""
import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from qualcode.cli import cli
from test_report_data import CODEBOOK


ANSWERS = [
    ("a1", "p1", "Vad hindrar?", "Nej", "Budgeten räcker inte. Det finns för lite personal, säger Anna Berg."),
    ("a2", "p2", "Vad hindrar?", "Nej", "Vi saknar kompetens inom området."),
    ("a3", "p3", "Vad hindrar?", "Nej", "Personalbrist, och kulturen bromsar allt nytt."),
    ("a4", "p4", "Vad hindrar?", "Ja", "vet ej"),
    ("a5", "p5", "Vad hindrar?", "Nej", "Ekonomin och kompetensen. Ring mig på 070-123 45 67."),
    ("a6", "p6", "Vad hindrar?", "Nej", "Kulturen är gammaldags och budgeten liten."),
    ("a7", "p1", "Vad behövs?", "", "Mer kompetensutveckling för cheferna."),
    ("a8", "p2", "Vad behövs?", "", "-"),
]


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    answers = folder / "answers.csv"
    pd.DataFrame(ANSWERS, columns=["id", "respondent", "question", "closed", "text"]).to_csv(answers, index=False)
    codebook = folder / "cb.yaml"
    codebook.write_text(_keyword_codebook(), encoding="utf-8")
    out = folder / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", str(answers), "--codebook", str(codebook), "-o", str(out),
                                      "--by", "closed", "--anonymise", "--mode", "fast"])
    assert result.exit_code == 0, result.output
    return out


def _keyword_codebook():
    data = CODEBOOK.to_dict()
    keywords = {"resources": ["budget", "ekonomi"], "staff": ["personal"], "competence": ["kompetens"],
                "culture": ["kultur"]}
    for code in data["codes"]:
        code["keywords"] = keywords[code["id"]]
    return type(CODEBOOK).from_dict(data).to_yaml()


def test_report_writes_every_file_and_leaves_other_files_alone(report_dir):
    names = {p.name for p in report_dir.iterdir()}
    assert {"coded.csv", "coded.csv.meta.json", "counts.csv", "closed.csv", "quotes.csv", "cooccurrence.csv",
            "report.html", "report.md", "report.docx", "report.xlsx", "report-charts", "notes.txt"} <= names
    assert not [n for n in names if n.startswith(".")]     # no temporary files left
    assert (report_dir / "notes.txt").read_text(encoding="utf-8") == "mine"
    meta = json.loads((report_dir / "coded.csv.meta.json").read_text(encoding="utf-8"))
    assert meta["columns"]["respondent"] == "respondent" and meta["codebook"]["name"] == "Testkodbok"


def test_counts_file_has_respondent_level_shares(report_dir):
    counts = pd.read_csv(report_dir / "counts.csv", keep_default_na=False, dtype=str)
    overall = counts[(counts["question"] == "Vad hindrar?") & (counts["group"] == "(alla)")].set_index("code")
    assert overall.loc["competence", ["respondents", "base"]].tolist() == ["2", "5"]   # a2, a5 of 5 with content
    assert overall.loc["(no content)", ["respondents", "base"]].tolist() == ["1", "6"]
    nej = counts[(counts["question"] == "Vad hindrar?") & (counts["group"] == "Nej")].set_index("code")
    assert nej.loc["competence", "base"] == "5"


def test_html_is_self_contained_with_chart_quotes_and_method(report_dir):
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "http://" not in html and "https://" not in html
    meta = json.loads((report_dir / "coded.csv.meta.json").read_text(encoding="utf-8"))
    assert "Vad hindrar?" in html and "Metod" in html and meta["codebook"]["hash"][:12] in html
    assert "Vad säger de som svarade ”Nej”?" in html
    assert "<blockquote>" in html


def test_markdown_shows_the_charts_written_beside_it(report_dir):
    markdown = (report_dir / "report.md").read_text(encoding="utf-8")
    linked = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown)
    assert "report-charts/1-closed.png" in linked and "report-charts/1-themes.png" in linked
    for name in linked:
        assert (report_dir / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_closed_answers_are_tabulated_with_shares_of_all_who_answered(report_dir):
    closed = pd.read_csv(report_dir / "closed.csv", dtype=str, keep_default_na=False)
    rows = closed[closed["question"] == "Vad hindrar?"].set_index("alternative")
    assert rows.loc["Nej", ["respondents", "base"]].tolist() == ["5", "6"]
    assert rows.loc["Ja", ["respondents", "base"]].tolist() == ["1", "6"]   # p4 answered "vet ej" in text: still counted


def test_anonymise_masks_names_and_phone_numbers_in_everything_written(report_dir):
    for name in ("coded.csv", "quotes.csv", "report.html", "report.md"):
        text = (report_dir / name).read_text(encoding="utf-8-sig")
        assert "Anna" not in text and "070-123" not in text, name
    assert "[namn]" in (report_dir / "coded.csv").read_text(encoding="utf-8-sig")


def test_docx_opens_and_holds_headings_tables_and_quotes(report_dir):
    document = Document(report_dir / "report.docx")
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert "Rapport: Testkodbok" in headings and "1. Vad hindrar?" in headings and "Metod" in headings
    assert any(p.style.name == "Quote" and "respondent p" in p.text for p in document.paragraphs)
    assert [table.rows[0].cells[0].text for table in document.tables[:2]] == ["Svar", "Tema"]
    assert document.inline_shapes   # the charts


def test_xlsx_opens_with_the_expected_sheets_and_content(report_dir):
    workbook = load_workbook(report_dir / "report.xlsx")
    assert workbook.sheetnames == ["Svar", "Antal", "Svarsfördelning", "Citat", "Samförekomst", "Kodbok", "Metod"]
    answers = list(workbook["Svar"].values)
    assert "codes" in answers[0] and len(answers) == len(ANSWERS) + 1
    counts = list(workbook["Antal"].values)
    assert counts[0] == ("question", "group", "code", "label", "respondents", "base", "share")
    codebook = [row[0] for row in workbook["Kodbok"].values]
    assert codebook[1:] == CODEBOOK.ids


def test_report_into_a_file_path_is_an_input_error(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x", encoding="utf-8")
    answers = tmp_path / "answers.csv"
    pd.DataFrame(ANSWERS, columns=["id", "respondent", "question", "closed", "text"]).to_csv(answers, index=False)
    (tmp_path / "cb.yaml").write_text(CODEBOOK.to_yaml(), encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", str(answers), "--codebook", str(tmp_path / "cb.yaml"),
                                      "-o", str(target)])
    assert result.exit_code == 2 and "Traceback" not in result.output
