"""Property tests: whatever bytes, table shapes or YAML arrive, the readers and the codebook
loader either read them or raise a QualcodeError (a one-line message), never anything else.

Deterministic (derandomized) and bounded: EXAMPLES inputs per property, 5 properties.
"""
import csv
import io
import zipfile

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.errors import QualcodeError
from qualcode.io import AnswerTable, read_answers, write_table

EXAMPLES = 150
BOUNDED = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow])
SUFFIXES = [".csv", ".tsv", ".txt", ".xlsx", ".jsonl", ".parquet", ".ods", ""]
# characters Excel and survey tools put in answers, all of them encodable in cp1252
CELL_CHARACTERS = "abcxyzÅÄÖåäöéü €–\"';,|\t\n\r<>/&.!?-0123456789"
SIGNATURES = [b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"PAR1", b"\xef\xbb\xbf", b"\xff\xfe",
              b"\xfe\xff", b"sep=;\n", b"id;text\n", b'{"id": 1}\n']

cells = st.text(alphabet=CELL_CHARACTERS, max_size=12)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("property")


def reads_or_explains(path, **options):
    """Read ``path``; a QualcodeError is an acceptable answer, any other exception is not."""
    try:
        return read_answers(path, **options)
    except QualcodeError as error:
        assert str(error) and "\n" not in str(error)
        return None


@BOUNDED
@given(start=st.sampled_from(SIGNATURES), data=st.binary(max_size=600),
       suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_never_end_in_a_traceback(folder, start, data, suffix):
    path = folder / f"svar{suffix}"
    path.write_bytes(start + data)
    reads_or_explains(path)


XLSX_PARTS = ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
              "xl/sharedStrings.xml", "xl/_rels/workbook.xml.rels", "_rels/.rels"]
zip_members = st.dictionaries(st.sampled_from(XLSX_PARTS),
                              st.binary(max_size=200) | st.sampled_from([b"<x/>", b"<?xml", b""]),
                              max_size=6)


@BOUNDED
@given(members=zip_members)
def test_random_zip_workbooks_never_end_in_a_traceback(folder, members):
    path = folder / "svar.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    reads_or_explains(path)


csv_shapes = st.fixed_dictionaries({
    "header": st.lists(st.sampled_from(["id", "text", "question", "respondent", "Q1", "", "kommun"]),
                       min_size=0, max_size=5),
    "rows": st.lists(st.lists(cells, max_size=6), max_size=8),
    "delimiter": st.sampled_from([",", ";", "\t", "|"]),
    "encoding": st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    "options": st.fixed_dictionaries({}, optional={
        "id_column": st.sampled_from(["id", "", "respondent", "saknas"]),
        "wide": st.booleans(),
        "questions": st.sampled_from(["Q1", "Q*", "re:^Q", "text,Q1", "re:("]),
        "delimiter": st.sampled_from([",", ";", "tab"]),
        "sheet": st.sampled_from(["1", "Blad2"]),
    }),
})


@BOUNDED
@given(shape=csv_shapes)
def test_random_csv_shapes_never_end_in_a_traceback(folder, shape):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=shape["delimiter"]).writerows([shape["header"], *shape["rows"]])
    path = folder / "svar.csv"
    path.write_bytes(buffer.getvalue().encode(shape["encoding"]))
    table = reads_or_explains(path, **shape["options"])
    assert table is None or isinstance(table, AnswerTable)


well_formed = st.fixed_dictionaries({
    "texts": st.lists(cells, min_size=1, max_size=8),  # any text, \r and \n included
    "kommun": cells,
    "delimiter": st.sampled_from([",", ";", "\t", "|"]),
    "encoding": st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
})


@BOUNDED
@given(table=well_formed)
def test_any_well_formed_csv_is_read_back_unchanged(folder, table):
    frame = pd.DataFrame({"id": [f"{i:03d}" for i in range(len(table["texts"]))],
                          "kommun": table["kommun"], "text": table["texts"]}, dtype="str")
    path = folder / "svar.csv"
    frame.to_csv(path, sep=table["delimiter"], encoding=table["encoding"], index=False,
                 lineterminator="\r\n")
    assert read_answers(path).frame.equals(frame)
    write_table(frame, folder / "kodat.csv", verbatim=True)
    assert read_answers(folder / "kodat.csv").frame.equals(frame)


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | cells,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["name", "language", "version", "codes", "id", "label", "description",
                         "keywords", "parent", "threshold", "status", "lable", "color"]) | cells,
        inner, max_size=5),
    max_leaves=20)
yaml_files = st.one_of(
    yaml_values.map(lambda value: yaml.safe_dump(value, allow_unicode=True).encode()),
    st.text(alphabet="abc:- \n\t[]{}#&*!|>'\"%@`åäö", max_size=200).map(str.encode),
    st.binary(max_size=300),
)


@BOUNDED
@given(data=yaml_files)
def test_random_yaml_never_ends_in_a_traceback_in_the_codebook_loader(folder, data):
    codebook = pytest.importorskip("qualcode.codebook")
    path = folder / "kodbok.yaml"
    path.write_bytes(data)
    try:
        codebook.load_codebook(path)
    except QualcodeError as error:
        assert str(error) and "\n" not in str(error)
