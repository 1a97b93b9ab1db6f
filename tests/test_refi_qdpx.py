"""``export-qdpx``: a coded table as a REFI-QDA project archive with consistent GUIDs."""
import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from lxml import etree

from qualcode.cli import cli
from qualcode.codebook import parse_codebook_text
from qualcode.coding import read_coded
from qualcode.reports.qdpx import build_qdpx
from qualcode.codebook.refi import code_guid
from qualcode.errors import InputError

DATA = Path(__file__).parent / "data" / "codebook"
P = "{urn:QDA-XML:project:1.0}"
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
CODEBOOK = """\
name: Test
language: sv
codes:
  - id: resources
    label: Ekonomi
    description: Pengar och budget.
  - id: security
    label: Säkerhet
    description: GDPR och informationssäkerhet.
"""
TEXTS = ["Vi har ingen budget. GDPR stoppar oss också.", "Inget att tillägga.",
         "Sekretessen är ett hinder."]


def evidence(text, code_id, sentence):
    start = text.index(sentence)
    return {code_id: {"score": 0.9, "matches": [],
                      "sentence": {"text": sentence, "start": start, "end": start + len(sentence)}}}


@pytest.fixture
def coded_frame():
    first = {**evidence(TEXTS[0], "resources", "Vi har ingen budget."),
             **evidence(TEXTS[0], "security", "GDPR stoppar oss också.")}
    return pd.DataFrame({
        "svar_id": ["A1", "A2", "B1"], "person": ["r1", "r1", "r2"], "question": ["f1", "f2", "f1"],
        "kommun": ["Storuman", "Storuman", "Sorsele"], "text": TEXTS,
        "codes": ["resources;security", "", "security"],
        "score_resources": ["0.9", "0.1", "0.2"], "score_security": ["0.8", "0.0", "0.7"],
        "evidence": [json.dumps(first), "{}", json.dumps({"security": {"score": 0.7}})],
    })


def write_coded(frame, path):
    writers = {".csv": lambda: frame.to_csv(path, index=False),
               ".xlsx": lambda: frame.to_excel(path, index=False),
               ".jsonl": lambda: frame.to_json(path, orient="records", lines=True, force_ascii=False),
               ".parquet": lambda: frame.to_parquet(path, index=False)}
    writers[path.suffix]()
    meta = {"columns": {"id": "svar_id", "text": "text", "question": "question", "respondent": "person"}}
    path.with_name(path.name + ".meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return path


def open_project(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(archive.read("project.qde"))
    return archive, root


@pytest.fixture
def codebook():
    return parse_codebook_text(CODEBOOK)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".jsonl", ".parquet"])
def test_reads_every_table_format_with_its_sidecar(tmp_path, coded_frame, suffix):
    table = read_coded(write_coded(coded_frame, tmp_path / f"coded{suffix}"))
    assert (table.id_column, table.respondent_column, table.question_column) == ("svar_id", "person", "question")
    assert table.attribute_columns == ["kommun"]
    assert list(table.frame["text"]) == TEXTS


def test_project_is_well_formed_with_consistent_guids(tmp_path, coded_frame, codebook):
    table = read_coded(write_coded(coded_frame, tmp_path / "coded.csv"))
    archive, root = open_project(build_qdpx(table, codebook))
    schema = etree.XMLSchema(etree.parse(str(DATA / "refi_project_rules.xsd")))
    assert schema.validate(root), schema.error_log
    assert root.tag == P + "Project" and root.get("name") == "coded"
    children = [etree.QName(child).localname for child in root]
    assert children == ["Users", "CodeBook", "Variables", "Cases", "Sources"]
    guids = [element.get("guid") for element in root.iter() if element.get("guid")]
    assert all(GUID.match(guid) for guid in guids) and len(guids) == len(set(guids))
    defined = {element.get("guid"): etree.QName(element).localname for element in root.iter()
               if element.get("guid")}
    for reference in root.iter(P + "CodeRef", P + "SourceRef", P + "VariableRef"):
        target = defined[reference.get("targetGUID")]
        expected = {"CodeRef": "Code", "SourceRef": "TextSource", "VariableRef": "Variable"}
        assert target == expected[etree.QName(reference).localname]
    user = root.find(f"{P}Users/{P}User").get("guid")
    assert root.get("creatingUserGUID") == user
    assert {e.get("creatingUser") for e in root.iter(P + "Coding")} == {user}


def test_sources_texts_and_codings(tmp_path, coded_frame, codebook):
    table = read_coded(write_coded(coded_frame, tmp_path / "coded.csv"))
    archive, root = open_project(build_qdpx(table, codebook))
    sources = root.findall(f"{P}Sources/{P}TextSource")
    assert [source.get("name") for source in sources] == ["A1", "A2", "B1"]
    for source, text in zip(sources, TEXTS):
        path = source.get("plainTextPath")
        assert path == f"internal://{source.get('guid')}.txt"
        assert archive.read("sources/" + path.removeprefix("internal://")).decode("utf-8") == text
        question = source.find(f"{P}VariableValue/{P}TextValue").text
        assert question in ("f1", "f2")
    spans = {(s.find(f"{P}Coding/{P}CodeRef").get("targetGUID"), s.get("startPosition"), s.get("endPosition"))
             for s in sources[0].findall(f"{P}PlainTextSelection")}
    assert spans == {(code_guid("resources"), "0", "20"), (code_guid("security"), "21", str(len(TEXTS[0])))}
    assert sources[1].find(f"{P}PlainTextSelection") is None
    whole = sources[2].find(f"{P}PlainTextSelection")  # no sentence in the evidence: whole answer
    assert (whole.get("startPosition"), whole.get("endPosition")) == ("0", str(len(TEXTS[2])))


def test_respondents_become_cases_with_variables(tmp_path, coded_frame, codebook):
    table = read_coded(write_coded(coded_frame, tmp_path / "coded.csv"))
    _, root = open_project(build_qdpx(table, codebook))
    variables = {v.get("name"): v.get("guid") for v in root.iter(P + "Variable")}
    assert set(variables) == {"kommun", "question"}
    assert all(v.get("typeOfVariable") == "Text" for v in root.iter(P + "Variable"))
    cases = root.findall(f"{P}Cases/{P}Case")
    assert [case.get("name") for case in cases] == ["r1", "r2"]
    assert [len(case.findall(P + "SourceRef")) for case in cases] == [2, 1]
    value = cases[1].find(P + "VariableValue")
    assert value.find(P + "VariableRef").get("targetGUID") == variables["kommun"]
    assert value.find(P + "TextValue").text == "Sorsele"


def test_answer_unit_codes_whole_answers(tmp_path, coded_frame, codebook):
    table = read_coded(write_coded(coded_frame, tmp_path / "coded.csv"))
    _, root = open_project(build_qdpx(table, codebook, unit="answer"))
    for selection in root.iter(P + "PlainTextSelection"):
        assert selection.get("startPosition") == "0"


def test_export_is_stable_apart_from_timestamps(tmp_path, coded_frame, codebook):
    table = read_coded(write_coded(coded_frame, tmp_path / "coded.csv"))
    first = [e.get("guid") for e in open_project(build_qdpx(table, codebook))[1].iter() if e.get("guid")]
    second = [e.get("guid") for e in open_project(build_qdpx(table, codebook))[1].iter() if e.get("guid")]
    assert first == second


def test_without_sidecar_columns_id_and_text_are_used(tmp_path, codebook):
    path = tmp_path / "plain.csv"
    pd.DataFrame({"id": ["1"], "text": ["Ingen budget."], "codes": ["resources"]}).to_csv(path, index=False)
    _, root = open_project(build_qdpx(read_coded(path), codebook))
    assert root.find(f"{P}Cases/{P}Case").get("name") == "1"
    assert root.find(f"{P}Variables") is None


def test_code_missing_from_the_codebook_names_the_row(tmp_path, codebook):
    path = tmp_path / "other.csv"
    pd.DataFrame({"id": ["1", "2"], "text": ["a", "b"], "codes": ["", "culture"]}).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"other.csv: row 3: codes: code 'culture' is not in codebook"):
        build_qdpx(read_coded(path), codebook)


def test_table_without_codes_column(tmp_path):
    path = tmp_path / "answers.csv"
    pd.DataFrame({"id": ["1"], "text": ["a"]}).to_csv(path, index=False)
    with pytest.raises(InputError, match="has no 'codes' column"):
        read_coded(path)


def test_command_writes_the_archive(tmp_path, coded_frame):
    coded = write_coded(coded_frame, tmp_path / "coded.csv")
    codebook_path = tmp_path / "cb.yaml"
    codebook_path.write_text(CODEBOOK, encoding="utf-8")
    output = tmp_path / "project.qdpx"
    result = CliRunner().invoke(cli, ["export-qdpx", str(coded), "--codebook", str(codebook_path),
                                      "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "project.qde" in zipfile.ZipFile(output).namelist()
    refused = CliRunner().invoke(cli, ["export-qdpx", str(coded), "--codebook", str(codebook_path),
                                       "-o", str(coded)])
    assert refused.exit_code == 2 and "is an input file" in refused.stderr
