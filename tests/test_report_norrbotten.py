"""The main job on the shipped corpus (and the development set): the source report's closed
answers with charts, quotes that show their code by their own evidence, no sentence quoted
twice within a question, and report.md's Swedish free of digits at sentence start, "0 av" and
empty headings."""
import re
from pathlib import Path

import pytest

from qualcode.api import report_file
from qualcode.coding import Coder, read_coded
from qualcode.codebook import load_codebook
from qualcode.reports.quotes import ELLIPSIS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpora" / "norrbotten-2020" / "answers.csv"
CODEBOOK = ROOT / "codebooks" / "digital_maturity.yaml"
DEV = ROOT.parent / "shared" / "data" / "dev" / "responses.csv"
FOLLOW_UP = "Vad kan göras för att påverka en kulturell förändring?"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def norrbotten(tmp_path_factory):
    out = tmp_path_factory.mktemp("norrbotten")
    report = report_file(CORPUS, CODEBOOK, out, by="svarsalternativ", follow_up=[FOLLOW_UP])
    return report, out


@pytest.fixture(scope="module")
def dev(tmp_path_factory):
    if not DEV.is_file():
        pytest.skip("../shared/data/dev is not here")
    out = tmp_path_factory.mktemp("dev")
    return report_file(DEV, CODEBOOK, out, by="sector", mode="fast"), out


def _section(report, start):
    return next(s for s in report.all_sections() if s.question.startswith(start))


def _closed(report, start):
    table = _section(report, start).closed[0]
    return dict(zip(table.table["alternative"], table.table["percent"])), table


def test_the_source_reports_closed_answers_are_there_with_shares_of_all_respondents(norrbotten):
    report, out = norrbotten
    shares, ticks = _closed(report, "Vem upplever")
    assert shares == {"Tjänstemän": 80, "Chefer": 45, "En specifik avdelning": 35, "Politiker": 30,
                      "Medborgare": 20, "Ingen": 10}                                  # 5.7
    assert ticks.base == 20 and ticks.multi and ticks.choice.detected
    assert _closed(report, "Upplever ni")[0] == {"Ja": 40, "Nej": 40, "Vet ej": 20}   # 5.9
    culture_split, competence = _closed(report, "Bedömer ni att er kompetens")
    assert culture_split["Nej"] == 55 and competence.base == 20                      # 5.10
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "| Nej | 11 | 55 % |" in markdown and "| Tjänstemän | 16 | 80 % |" in markdown
    for table in (ticks, competence):
        assert f"](report-charts/{table.chart.name})" in markdown and (out / "report-charts" / table.chart.name).is_file()


def test_the_follow_up_stands_under_its_question(norrbotten):
    report, _ = norrbotten
    culture = _section(report, "Upplever ni")
    assert [f.question for f in culture.follow_ups] == [FOLLOW_UP]
    assert FOLLOW_UP not in [s.question for s in report.sections]


def test_themes_by_ticked_alternative_show_only_groups_large_enough(norrbotten):
    report, _ = norrbotten
    drivers = _section(report, "Vem upplever")
    assert drivers.group_kind == "multi"
    assert list(drivers.group_bases) == ["Tjänstemän", "Chefer", "En specifik avdelning", "Politiker"]
    assert set(drivers.hidden) == {"Medborgare", "Ingen"} and min(drivers.group_bases.values()) >= report.min_group


def _sentences(text):
    """The sentences of quoted text: split after . ! ? and at line breaks, ellipses and
    quotation marks left out, case and spacing folded."""
    text = text.replace(ELLIPSIS, " ").replace("”", " ")
    parts = re.split(r"(?<=[.!?])\s+|\n", text)
    return [" ".join(p.split()).casefold() for p in parts if len(p.split()) > 1]


def _quoted_by_section(markdown):
    """Per "## " section of report.md, the sentences of its quotes (blockquotes)."""
    sections, current = {}, None
    quote_lines = []
    for line in markdown.splitlines() + ["## end"]:
        if line.startswith("## "):
            if current is not None:
                sections[current] = _sentences("\n".join(quote_lines))
            current, quote_lines = line, []
        elif line.startswith("> "):
            quote_lines.append(re.sub(r" \((?:respondent [^,]+, )?id [^)]+\)\s*$", "", line[2:]).rstrip())
    return sections


@pytest.mark.parametrize("which", ["norrbotten", "dev"])
def test_no_sentence_is_quoted_twice_within_a_questions_section(which, request):
    _, out = request.getfixturevalue(which)
    sections = _quoted_by_section((out / "report.md").read_text(encoding="utf-8"))
    assert sum(len(sentences) for sentences in sections.values()) > 20
    for heading, sentences in sections.items():
        repeated = {s for s in sentences if sentences.count(s) > 1}
        assert not repeated, f"{heading}: {repeated}"


def _all_quotes(report):
    for section in report.all_sections():
        yield from section.quotes.itertuples()
        for view in section.groups:
            yield from view.quotes.itertuples()


@pytest.mark.parametrize("which", ["norrbotten", "dev"])
def test_each_quote_shows_its_code_by_its_own_evidence(which, request):
    report, out = request.getfixturevalue(which)
    coded = read_coded(out / "coded.csv")
    row_of = {answer: i for i, answer in enumerate(coded.ids)}
    codebook = load_codebook(CODEBOOK)
    by_similarity = []
    for quote in _all_quotes(report):
        row = row_of[quote.id]
        evidence = coded.evidence(row)
        family = [quote.code] + [c.id for c in codebook.children(quote.code)]
        words = [m.text for code in family if code in evidence for m in evidence[code].matches or () if not m.negated]
        text = " ".join(quote.quote.split())
        if words:
            assert any(word in text for word in words), (quote.id, quote.code, text, words)
        else:
            by_similarity.append((quote, " ".join(coded.texts[row].split()), text))
    if not by_similarity:
        return
    whole = [(q, t) for q, answer, t in by_similarity if t == answer]
    parts = [(q, t) for q, answer, t in by_similarity if t != answer]
    assert all(quote.score >= 0.5 for quote, _ in whole)   # a whole answer: its own score is the sentence's
    if parts:
        coder = Coder(codebook, mode=report.metadata["settings"]["mode"]).fit(coded.texts)
        scores = coder.code([t.replace(ELLIPSIS, "").strip() for _, t in parts]).scores
        for (quote, text), (_, row) in zip(parts, scores.iterrows()):
            assert row[quote.code] >= 0.5, (quote.id, quote.code, text)


def _prose(markdown):
    """The sentences report.md writes itself: paragraphs that are no heading, table, quote,
    figure or label."""
    paragraphs = [line for line in markdown.splitlines()
                  if line.strip() and not line.startswith(("#", "|", ">", "![", "**"))]
    return [s for p in paragraphs for s in re.split(r"(?<=[.!?:;])\s+", p) if s]


@pytest.mark.parametrize("which", ["norrbotten", "dev"])
def test_report_md_writes_plain_swedish(which, request):
    _, out = request.getfixturevalue(which)
    markdown = (out / "report.md").read_text(encoding="utf-8")
    sentences = _prose(markdown)
    assert len(sentences) > 30
    assert not [s for s in sentences if s[0].isdigit()]
    assert not re.search(r"(?<![\d,.])0 av\b", markdown)
    assert not re.search(r"\bmode=|threshold=|None\b|innehållshash", markdown)
    headings = [(m.start(), len(m.group(1))) for m in re.finditer(r"^(#+) ", markdown, re.M)]
    for (start, level), following in zip(headings, headings[1:] + [(len(markdown), 1)]):
        between = markdown[markdown.index("\n", start):following[0]].strip()
        if following[1] <= level:
            assert between, f"empty heading: {markdown[start:markdown.index(chr(10), start)]}"


def test_the_method_says_what_was_done_with_which_model_codebook_and_date(norrbotten):
    _, out = norrbotten
    markdown = (out / "report.md").read_text(encoding="utf-8")
    method = markdown[markdown.index("## Metod"):markdown.index("## Bilaga")]
    assert "kodboken ”Digital mognad i kommuner”, version 1" in method
    assert "multilingual-e5-small" in method and re.search(r"den \d{1,2} \w+ 20\d\d", method)
    assert "| Kodningsläge | noggrant" in markdown[markdown.index("## Bilaga"):]
