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
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from qualcode import __version__
from qualcode.codebook.model import Codebook
from qualcode.codebook.refi import append_codes, code_guid, refi_guid
from qualcode.coding.coded import CodedAnswers
from qualcode.errors import InputError
from qualcode.io.escape import xml_text

PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
UNITS = ("sentence", "answer")


def build_qdpx(coded: CodedAnswers, codebook: Codebook, unit: str = "sentence",
               project_name: str | None = None, coders: list | None = None) -> bytes:
    """The ``.qdpx`` archive (zip bytes) for coded answers (:func:`~qualcode.coding.read_coded`)
    and the codebook that coded them. ``coders`` gives, per answer, ``{code: [coder names]}``
    for the codes analysts applied: each becomes a ``User`` and codes the selection under its
    name (the codes no analyst decided are qualcode's)."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, not {unit!r}")
    exporter = _ProjectWriter(coded, codebook, unit, project_name or Path(coded.source).stem, coders)
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

    def __init__(self, coded, codebook, unit, name, coders=None):
        self.table = coded
        self.codebook = codebook
        self.unit = unit
        self.name = name
        self.coders = coders
        self.user = refi_guid("user", "qualcode")
        self.time = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.source_files = []
        self.attributes = coded.attribute_columns

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
        names = dict.fromkeys(name for row in self.coders or () for names in row.values() for name in names)
        for name in names:
            self.element(users, "User", guid=refi_guid("user", name), name=name)
        codes = self.element(self.element(root, "CodeBook"), "Codes")
        append_codes(codes, self.codebook, PROJECT_NAMESPACE)
        self.add_variables(root)
        self.add_cases(root)
        sources = self.element(root, "Sources")
        for index, row in enumerate(self.table.frame.to_dict("records")):
            self.add_source(sources, row, index)
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

    def add_source(self, sources, row, index):
        guid = self.source_guid(row)
        text = row[self.table.text_column]
        source = self.element(sources, "TextSource", guid=guid, name=row[self.table.id_column],
                              plainTextPath=f"internal://{guid}.txt", creatingUser=self.user,
                              creationDateTime=self.time)
        self.source_files.append((f"{guid}.txt", text))
        evidence = self.table.evidence(index)
        for code_id in self.table.code_sets[index]:
            if code_id not in self.codebook:
                raise InputError(self.table.locate(index, f"code '{code_id}' is not in codebook "
                                                          f"{self.codebook.source}; give the codebook that coded "
                                                          "the table", field="codes"))
            start, end = self.span(text, evidence.get(code_id))
            selection = self.element(source, "PlainTextSelection",
                                     guid=refi_guid("selection", guid, code_id),
                                     name=text[start:end][:80], startPosition=str(start),
                                     endPosition=str(end), creatingUser=self.user,
                                     creationDateTime=self.time)
            for user, parts in self.coding_users(index, code_id):
                coding = self.element(selection, "Coding", guid=refi_guid("coding", guid, code_id, *parts),
                                      creatingUser=user, creationDateTime=self.time)
                self.element(coding, "CodeRef", targetGUID=code_guid(code_id))
        if self.table.question_column:
            self.add_value(source, self.table.question_column, row[self.table.question_column])

    def coding_users(self, index, code_id):
        """(user GUID, GUID parts) of each coding of one code: one per analyst who applied it,
        else qualcode's (whose GUID stays that of an export without coders)."""
        names = (self.coders[index].get(code_id) if self.coders is not None else None) or []
        return [(refi_guid("user", name), (name,)) for name in names] or [(self.user, ())]

    def span(self, text, code_evidence):
        """Character span to code: the evidence sentence, else its matches, else the answer."""
        whole = (0, len(text))
        focus = code_evidence.focus() if self.unit == "sentence" and code_evidence is not None else None
        if focus is None or not 0 <= focus[0] < focus[1] <= len(text):
            return whole
        return focus
