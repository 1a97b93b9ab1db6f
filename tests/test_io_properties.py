"""Property tests: whatever bytes, table shapes or YAML arrive, the readers and the codebook
loader either read them or raise a QualcodeError (a one-line message), never anything else;
hostile cells (formula prefixes, control characters, bidi and width disguises, very long tokens)
round-trip through every writer and reader; YAML anchors and aliases stay within bounds.

Deterministic (derandomized) and bounded: EXAMPLES inputs per property.
"""
import csv
import io
import time
import zipfile

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.codebook import load_codebook
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
# what hostile answers hold: formula prefixes, control characters and escape sequences, bidi
# controls, full-width and mathematical letters, lone surrogates (JSON "\\ud800"), huge tokens
HOSTILE_PIECES = ["=", "+", "-", "@", "\t", "\r", "'", "=HYPERLINK(\"x\")", "\x00", "\x01", "\x0b", "\x1b[31m",
                  "\x1b]0;t\x07", "\x7f", "\x9b", "\u200e", "\u200f", "\u202b", "\u202e", "\u2066", "\ufeff", "\u00ad",
                  "Ｆörändring", "𝐁𝐮𝐝𝐠𝐞𝐭", "ﬁ", "_x001B_", "<script>", "&amp;", "[a](javascript:b)", "å", "budget"]
hostile_cells = st.one_of(
    st.lists(st.sampled_from(HOSTILE_PIECES) | cells, max_size=6).map("".join),
    st.sampled_from(["ha", "å", "!", "😀", "&amp;", "-"]).flatmap(
        lambda piece: st.integers(100, 3000).map(lambda n: piece * n)),
)


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
yaml_files = st.one_of(  # anchors (&), aliases (*) and tags (!) among the characters
    yaml_values.map(lambda value: yaml.safe_dump(value, allow_unicode=True).encode()),
    st.text(alphabet="abc:- \n\t[]{}#&*!|>'\"%@`åäö", max_size=200).map(str.encode),
    st.binary(max_size=300),
)


@BOUNDED
@given(data=yaml_files)
def test_random_yaml_never_ends_in_a_traceback_in_the_codebook_loader(folder, data):
    path = folder / "kodbok.yaml"
    path.write_bytes(data)
    try:
        load_codebook(path)
    except QualcodeError as error:
        assert str(error) and "\n" not in str(error)


hostile_tables = st.fixed_dictionaries({
    "texts": st.lists(hostile_cells, min_size=1, max_size=6),
    "kommun": hostile_cells,
    "suffix": st.sampled_from([".csv", ".xlsx", ".jsonl", ".parquet"]),
})


@BOUNDED
@given(table=hostile_tables)
def test_hostile_cells_round_trip_through_every_writer_and_reader(folder, table):
    from qualcode.io.cells import cell_text

    texts = [cell_text(text.replace("\x00", "")) for text in table["texts"]]  # NUL makes a CSV binary
    frame = pd.DataFrame({"id": [f"{i:03d}" for i in range(len(texts))],
                          "kommun": cell_text(table["kommun"].replace("\x00", "")), "text": texts}, dtype="str")
    path = folder / f"hostil{table['suffix']}"
    write_table(frame, path, verbatim=True)
    back = read_answers(path).frame
    if table["suffix"] == ".xlsx":  # XML holds no surrogates and no lone U+FFFE/U+FFFF
        frame = frame.map(lambda text: text.translate({0xFFFE: 0xFFFD, 0xFFFF: 0xFFFD}))
    assert back.equals(frame)


@BOUNDED
@given(table=hostile_tables)
def test_a_neutralised_csv_opens_without_formulas_and_its_sidecar_restores_it(folder, table):
    from qualcode.io import output_set, sidecar_path
    from qualcode.io.escape import neutralise_formula

    texts = [text.replace("\x00", "") for text in table["texts"]]
    frame = pd.DataFrame({"id": [f"{i:03d}" for i in range(len(texts))], "text": texts}, dtype="str")
    path = folder / "rapport.csv"
    with output_set([path, sidecar_path(path)]) as outputs:
        outputs.write_table(path, frame)
        outputs.write_sidecar(path, {"columns": {"id": "id", "text": "text"}})
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert all(neutralise_formula(value) == value or value.startswith("'") for value in raw["text"])
    assert not any(value[:1] in "=+-@\t\r" and neutralise_formula(value) != value for value in raw["text"])
    assert read_answers(path).frame["text"].tolist() == frame["text"].tolist()


hostile_csvs = st.fixed_dictionaries({
    "header": st.lists(st.sampled_from(["id", "text", "", "=kommun", "\u202eid", "Ｔext"]) | hostile_cells,
                       min_size=1, max_size=5),
    "rows": st.lists(st.lists(hostile_cells, max_size=5), max_size=6),
    "delimiter": st.sampled_from([",", ";", "\t", "|"]),
})


@BOUNDED
@given(shape=hostile_csvs)
def test_hostile_csvs_never_end_in_a_traceback(folder, shape):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=shape["delimiter"]).writerows([shape["header"], *shape["rows"]])
    path = folder / "hostil.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8", "surrogatepass"))
    reads_or_explains(path)


def yaml_with_aliases(draw_depth, width):
    """YAML where each level repeats the one above ``width`` times through aliases."""
    lines = ["l0: &l0 [lol]"]
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * width)}]" for n in range(1, draw_depth)]
    return "\n".join(lines + ["name: x", "codes: []"]) + "\n"


hostile_yaml = st.one_of(
    st.builds(yaml_with_aliases, st.integers(1, 12), st.integers(1, 12)),
    st.integers(1, 3000).map(lambda depth: "name: " + "[" * depth + "]" * depth + "\n"),
    st.integers(1, 400).map(lambda depth: "".join(" " * i + f"k{i}:\n" for i in range(depth)) + " " * depth + "x\n"),
    st.lists(st.sampled_from(["name: ", "&a ", "*a", "[", "]", "{", "}", ",", "\n", "- ", "  ", "x", "<<: ",
                              "!!python/object:os.system", "\"\\e\"", "\u202e", "Ｆ"]), max_size=40).map("".join),
)


@settings(BOUNDED, max_examples=EXAMPLES // 3)
@given(text=hostile_yaml)
def test_yaml_aliases_and_nesting_never_blow_up_the_codebook_loader(folder, text):
    path = folder / "kodbok.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    started = time.perf_counter()
    try:
        load_codebook(path)
    except QualcodeError as error:
        assert str(error) and "\n" not in str(error)
    assert time.perf_counter() - started < 5
