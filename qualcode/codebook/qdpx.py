"""REFI-QDA project export (``.qdpx``): coded answers for NVivo, ATLAS.ti, MAXQDA, QualCoder.

The archive holds ``project.qde`` (namespace ``urn:QDA-XML:project:1.0``) and one UTF-8 text
file per answer under ``sources/``. Each answer is a ``TextSource``; each applied code is a
``PlainTextSelection`` with a ``Coding`` of the evidence sentence (or of the whole answer when
there is no usable evidence, or with ``unit="answer"``). Respondents become ``Cases`` with the
attribute columns as text ``Variables``; the question, when there is one, is a variable of the
source. Every GUID is derived from ids, so exporting the same table twice gives the same GUIDs.
"""
from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from qualcode import __version__
from qualcode.codebook.model import Codebook
from qualcode.codebook.refi import append_codes, code_guid, refi_guid
from qualcode.errors import InputError, located
from qualcode.io import AnswerTable, column_roles, read_answers
from qualcode.io.escape import xml_text

PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
CODED_COLUMNS = ("codes", "evidence")
UNITS = ("sentence", "answer")


def read_coded_table(path) -> AnswerTable:
    """Read a coded table (any format :func:`read_answers` reads) with the column roles of its
    ``.meta.json`` sidecar, or columns ``id`` and ``text`` when there is none."""
    path = Path(path)
    columns = column_roles(path)
    table = read_answers(path, id_column=columns.get("id") or "id",
                         text_column=columns.get("text") or "text",
                         question_column=columns.get("question"),
                         respondent_column=columns.get("respondent"))
    if "codes" not in table.frame.columns:
        raise InputError(located(path, "has no 'codes' column; code the answers first with "
                                 "'qualcode code'", field="codes"))
    return table


def respondent_attribute_columns(table: AnswerTable) -> list[str]:
    """The attribute columns of a coded table, without the coding outputs."""
    return [column for column in table.attribute_columns
            if column not in CODED_COLUMNS and not str(column).startswith("score_")]


def build_qdpx(table: AnswerTable, codebook: Codebook, unit: str = "sentence",
               project_name: str | None = None) -> bytes:
    """The ``.qdpx`` archive (zip bytes) for a coded table and the codebook that coded it."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, not {unit!r}")
    exporter = _ProjectWriter(table, codebook, unit, project_name or Path(table.source).stem)
    project = exporter.project()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("project.qde", etree.tostring(project, xml_declaration=True,
                                                       encoding="utf-8", pretty_print=True))
        for name, text in exporter.source_files:
            zipped.writestr(f"sources/{name}", text.encode("utf-8"))
    return archive.getvalue()


class _ProjectWriter:
    """Builds the ``Project`` element and collects the source text files."""

    def __init__(self, table, codebook, unit, name):
        self.table = table
        self.codebook = codebook
        self.unit = unit
        self.name = name
        self.user = refi_guid("user", "qualcode")
        self.time = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.source_files = []
        self.attributes = respondent_attribute_columns(table)

    def element(self, parent, tag, /, **attributes):
        """A child element; attribute values XML cannot hold (control characters) made visible."""
        return etree.SubElement(parent, f"{{{PROJECT_NAMESPACE}}}{tag}",
                                **{name: xml_text(str(value)) for name, value in attributes.items()})

    def project(self):
        root = etree.Element(f"{{{PROJECT_NAMESPACE}}}Project", nsmap={None: PROJECT_NAMESPACE},
                             name=xml_text(self.name), origin=f"qualcode {__version__}",
                             creatingUserGUID=self.user, creationDateTime=self.time)
        users = self.element(root, "Users")
        self.element(users, "User", guid=self.user, name="qualcode")
        codes = self.element(self.element(root, "CodeBook"), "Codes")
        append_codes(codes, self.codebook, PROJECT_NAMESPACE)
        self.add_variables(root)
        self.add_cases(root)
        sources = self.element(root, "Sources")
        for row_number, row in enumerate(self.table.frame.to_dict("records"), start=2):
            self.add_source(sources, row, row_number)
        return root

    # variables and cases ------------------------------------------------------------------
    def variable_columns(self):
        return self.attributes + ([self.table.question_column] if self.table.question_column else [])

    def add_variables(self, root):
        columns = self.variable_columns()
        if not columns:
            return
        variables = self.element(root, "Variables")
        for column in columns:
            self.element(variables, "Variable", guid=refi_guid("variable", column), name=column,
                         typeOfVariable="Text")

    def add_cases(self, root):
        frame = self.table.frame
        respondents = {}
        for respondent, row in zip(self.table.respondents, frame.to_dict("records")):
            respondents.setdefault(respondent, []).append(row)
        if not respondents:
            return
        cases = self.element(root, "Cases")
        for respondent, rows in respondents.items():
            case = self.element(cases, "Case", guid=refi_guid("case", respondent), name=respondent)
            for column in self.attributes:
                value = next((row[column] for row in rows if row[column] != ""), "")
                self.add_value(case, column, value)
            for row in rows:
                self.element(case, "SourceRef", targetGUID=self.source_guid(row))

    def add_value(self, parent, column, value):
        holder = self.element(parent, "VariableValue")
        self.element(holder, "VariableRef", targetGUID=refi_guid("variable", column))
        self.element(holder, "TextValue").text = xml_text(value)

    # sources and codings ------------------------------------------------------------------
    def source_guid(self, row):
        return refi_guid("source", row[self.table.id_column])

    def add_source(self, sources, row, row_number):
        guid = self.source_guid(row)
        text = row[self.table.text_column]
        source = self.element(sources, "TextSource", guid=guid, name=row[self.table.id_column],
                              plainTextPath=f"internal://{guid}.txt", creatingUser=self.user,
                              creationDateTime=self.time)
        self.source_files.append((f"{guid}.txt", text))
        evidence = _evidence(row.get("evidence", ""))
        for code_id in _code_ids(row["codes"]):
            if code_id not in self.codebook:
                raise InputError(located(self.table.source, f"code '{code_id}' is not in codebook "
                                         f"{self.codebook.source}; give the codebook that coded "
                                         "the table", row=row_number, field="codes"))
            start, end = self.span(text, evidence.get(code_id))
            selection = self.element(source, "PlainTextSelection",
                                     guid=refi_guid("selection", guid, code_id),
                                     name=text[start:end][:80], startPosition=str(start),
                                     endPosition=str(end), creatingUser=self.user,
                                     creationDateTime=self.time)
            coding = self.element(selection, "Coding", guid=refi_guid("coding", guid, code_id),
                                  creatingUser=self.user, creationDateTime=self.time)
            self.element(coding, "CodeRef", targetGUID=code_guid(code_id))
        if self.table.question_column:
            self.add_value(source, self.table.question_column, row[self.table.question_column])

    def span(self, text, code_evidence):
        """Character span to code: the evidence sentence, else its matches, else the answer."""
        whole = (0, len(text))
        if self.unit == "answer" or not isinstance(code_evidence, dict):
            return whole
        sentence = code_evidence.get("sentence")
        if isinstance(sentence, dict) and _valid_span(sentence.get("start"), sentence.get("end"), text):
            return sentence["start"], sentence["end"]
        matches = [match for match in code_evidence.get("matches", []) if isinstance(match, dict)
                   and _valid_span(match.get("start"), match.get("end"), text)]
        if matches:
            return min(m["start"] for m in matches), max(m["end"] for m in matches)
        return whole


def _valid_span(start, end, text):
    return isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)


def _code_ids(cell):
    return [code_id.strip() for code_id in str(cell).split(";") if code_id.strip()]


def _evidence(cell):
    try:
        evidence = json.loads(cell) if cell else {}
    except ValueError:
        return {}
    return evidence if isinstance(evidence, dict) else {}
