"""The catalogue of bad input: every case ends in an InputError that names the file, the
place (row, line, column) and what to do, never in a traceback or a half-written output."""
import codecs
import gzip
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from qualcode.errors import InputError
from qualcode.io import check_output_path, read_answers, write_table

HEADER = "id;kommun;text\n"
ROWS = ("R1;Kiruna;Ekonomin är ansträngd och personalen räcker inte till.\n"
        "R2;Luleå;Vi saknar kompetens inom IT-säkerhet.\n")


def text_file(name, content, encoding="utf-8"):
    """A builder writing ``content`` to ``name`` in the test's folder."""
    def build(folder):
        path = folder / name
        path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
        return path
    return build


def frame_file(name, frame, **write):
    def build(folder):
        path = folder / name
        suffix = path.suffix
        if suffix == ".xlsx":
            frame.to_excel(path, index=False, **write)
        elif suffix == ".parquet":
            frame.to_parquet(path, index=False)
        return path
    return build


def workbook(name, sheets):
    """An .xlsx with ``sheets`` = {sheet name: list of rows}."""
    def build(folder):
        from openpyxl import Workbook
        book = Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
        path = folder / name
        book.save(path)
        return path
    return build


def zipped(name):
    def build(folder):
        path = folder / name
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("svar.csv", HEADER + ROWS)
        return path
    return build


def truncated_xlsx(folder):
    path = workbook("trasig.xlsx", {"Blad1": [["id", "text"], ["1", "Hej"]]})(folder)
    path.write_bytes(path.read_bytes()[:300])
    return path


def missing(name):
    return lambda folder: folder / name


def neighbour_then_missing(folder):
    (folder / "svar_2024.csv").write_text(HEADER + ROWS, encoding="utf-8")
    return folder / "svar_2042.csv"


def as_folder(folder):
    (folder / "svar").mkdir()
    return folder / "svar"


LONG_TEXT = "Det är svårt att hinna med allt. " * 3200  # 105,600 characters
MANY_DUPLICATES = "id;text\n" + "".join(f"R{i % 7};svar nummer {i}\n" for i in range(20))

# (case, build(folder) -> path, read_answers keyword arguments, location after "path: ", phrase)
CASES = [
    ("missing file", missing("svar.csv"), {}, "", "no such file; check the path"),
    ("missing file, near name", neighbour_then_missing, {}, "", "did you mean 'svar_2024.csv'?"),
    ("folder instead of file", as_folder, {}, "", "this is a folder"),
    ("empty file", text_file("svar.csv", b""), {}, "", "the file is empty"),
    ("only white space", text_file("svar.csv", " \r\n\n\t\n"), {}, "", "the file is empty"),
    ("only a byte-order mark", text_file("svar.csv", codecs.BOM_UTF8), {}, "", "the file is empty"),
    ("only delimiters", text_file("svar.csv", ";;;\n;;;\n"), {}, "", "the file is empty"),
    ("header only", text_file("svar.csv", HEADER), {}, "row 1: ", "a header but no answers"),
    ("header and blank lines", text_file("svar.csv", HEADER + "\n\n;;\n"), {}, "row 1: ",
     "a header but no answers"),
    ("row with a cell too few", text_file("svar.csv", HEADER + "R1;Kiruna\n"), {}, "row 2: ",
     "this row has 2 cells but the header has 3"),
    ("row with a cell too many", text_file("svar.csv", HEADER + ROWS + "R3;Boden;Ja;extra\n"),
     {}, "row 4: ", "this row has 4 cells but the header has 3"),
    ("quotation mark never closed", text_file("svar.csv", HEADER + ROWS + 'R3;Boden;"Vi har\n'),
     {}, "row 4: ", "a quotation mark is not closed"),
    ("text after a closing quote", text_file("svar.csv", HEADER + 'R1;Boden;"Ja" sa hon\n'),
     {}, "row 2: ", "a quotation mark is not closed or is followed by text"),
    ("cell over 100,000 characters", text_file("svar.csv", HEADER + f"R1;Kiruna;{LONG_TEXT}\n"),
     {}, "row 2: text: ", "a cell has 105,600 characters, more than the 100,000"),
    ("xlsx renamed to csv", workbook("svar.csv", {"Blad1": [["id", "text"], ["1", "Hej"]]}),
     {}, "", "rename it to .xlsx"),
    ("zip archive as csv", zipped("svar.csv"), {}, "", "a zip archive"),
    ("old xls as csv", text_file("svar.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)),
     {}, "", "an old Excel .xls workbook"),
    ("PDF as csv", text_file("svar.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), {}, "",
     "a PDF document"),
    ("gzip as csv", text_file("svar.csv", gzip.compress((HEADER + ROWS).encode())), {}, "",
     "a gzip archive; unpack it first"),
    ("binary with zero bytes", text_file("svar.csv", bytes(range(256)) * 4), {}, "",
     "this is binary data"),
    ("unknown extension", text_file("svar.ods", HEADER + ROWS), {}, "",
     "unknown file type '.ods'"),
    ("no extension", text_file("svar", HEADER + ROWS), {}, "", "unknown file type '(no extension)'"),
    ("unreadable encoding", text_file("svar.csv", HEADER.encode() + b"R1;Ume\x81;Ja\n"), {},
     "line 2: ", "cannot be read as UTF-8 or cp1252 (byte 0x81)"),
    ("mixed UTF-8 and cp1252", text_file("svar.csv", (HEADER + "R1;Luleå;Ja\n").encode()
                                         + "R2;Skellefteå;Nej\n".encode("cp1252")), {},
     "line 3: ", "mixed encodings"),
    ("wrong --encoding", text_file("svar.csv", HEADER + ROWS, "cp1252"), {"encoding": "utf-8"},
     "line 2: ", "cannot be read as utf-8 (byte 0xe4)"),
    ("unknown --encoding", text_file("svar.csv", HEADER + ROWS), {"encoding": "svenska"}, "",
     "unknown encoding 'svenska'"),
    ("--delimiter of two characters", text_file("svar.csv", HEADER + ROWS), {"delimiter": ";;"},
     "", "--delimiter ';;' is not one qualcode reads; give one of , ; tab |"),
    ("--delimiter not documented", text_file("svar.csv", HEADER + ROWS), {"delimiter": ":"},
     "", "--delimiter ':' is not one qualcode reads; give one of , ; tab |"),
    ("text column in other case", text_file("svar.csv", "id;Text\nR1;Ja\n"), {}, "",
     "there is no column 'text'; did you mean 'Text'? The columns are: 'id', 'Text'"),
    ("explicit text column misspelt", text_file("svar.csv", HEADER + ROWS),
     {"text_column": "svaret"}, "", "there is no column 'svaret'"),
    ("explicit id column missing", text_file("svar.csv", HEADER + ROWS),
     {"id_column": "respondent_id"}, "", "Pass --id-column with one of them"),
    ("id-like column but no 'id'", text_file("svar.csv", "Respondent ID;text\n1;Ja\n"), {}, "",
     "there is no column 'id'; did you mean 'Respondent ID'?"),
    ("question column missing", text_file("svar.csv", HEADER + ROWS),
     {"question_column": "fråga"}, "", "there is no column 'fråga'"),
    ("respondent column missing", text_file("svar.csv", HEADER + ROWS),
     {"respondent_column": "person"}, "", "Pass --respondent-column"),
    ("duplicate ids", text_file("svar.csv", HEADER + ROWS + "R1;Boden;Tid.\n"), {}, "",
     "ids must be unique, but 'R1' is in rows 2 and 4; fix the file"),
    ("duplicate ids after a blank line", text_file("svar.csv", HEADER + "R1;Boden;Ja\n\nR1;Piteå;Nej\n"),
     {}, "", "'R1' is in rows 2 and 4"),
    ("many duplicate ids", text_file("svar.csv", MANY_DUPLICATES), {}, "", "'R0' is in rows 2, 9 and 16; 'R1' is in rows 3, 10 and 17;"),
    ("empty id", text_file("svar.csv", HEADER + ";Kiruna;Ja\n"), {}, "row 2: id: ",
     "this answer has no id"),
    ("sheet name missing", workbook("svar.xlsx", {"Blad1": [["id", "text"], ["1", "Ja"]],
                                                  "Svar": [["id", "text"], ["1", "Nej"]]}),
     {"sheet": "Resultat"}, "", "there is no sheet 'Resultat'; the sheets are 'Blad1', 'Svar'"),
    ("sheet number out of range", workbook("svar.xlsx", {"Blad1": [["id", "text"], ["1", "Ja"]]}),
     {"sheet": 3}, "", "there is no sheet number 3 (sheets are counted from 1)"),
    ("damaged xlsx", truncated_xlsx, {}, "", "cannot be opened as an Excel workbook (BadZipFile: File is not a zip file)"),
    ("CSV named .xlsx", text_file("svar.xlsx", HEADER + ROWS), {}, "", "this is not an .xlsx workbook"),
    ("xls bytes named .xlsx", text_file("svar.xlsx", b"\xd0\xcf\x11\xe0" + bytes(100)), {}, "",
     "an old Excel .xls workbook (or a password-protected one)"),
    ("xlsx with only a header", workbook("svar.xlsx", {"Blad1": [["id", "text"]]}), {},
     "row 1: ", "a header but no answers"),
    ("xlsx with an empty sheet", workbook("svar.xlsx", {"Blad1": []}), {}, "", "the file is empty"),
    ("JSON Lines with a broken line", text_file("svar.jsonl", '{"id": "1", "text": "Ja"}\n{"id": 2,\n'),
     {}, "line 2: ", "not valid JSON"),
    ("JSON Lines with a list", text_file("svar.jsonl", '["1", "Ja"]\n'), {}, "line 1: ",
     "a JSON list where an object {...} was expected"),
    ("JSON Lines empty", text_file("svar.jsonl", "\n\n"), {}, "", "the file is empty"),
    ("not Parquet", text_file("svar.parquet", HEADER + ROWS), {}, "", "this is not a Parquet file"),
    ("Parquet without rows", frame_file("svar.parquet", pd.DataFrame({"id": [], "text": []})),
     {}, "", "the file has no answers"),
    ("wide without --questions", text_file("svar.csv", "respondent;Q1;Q2\nA;Ja;Nej\n"),
     {"wide": True}, "", "--wide needs --questions"),
    ("wide question missing", text_file("svar.csv", "respondent;Q1;Q2\nA;Ja;Nej\n"),
     {"wide": True, "questions": "Q1,Q3"}, "", "there is no column 'Q3'"),
    ("wide pattern matching nothing", text_file("svar.csv", "respondent;Q1;Q2\nA;Ja;Nej\n"),
     {"wide": True, "questions": "F*"}, "", "--questions 'F*' matches no column"),
    ("wide bad regular expression", text_file("svar.csv", "respondent;Q1;Q2\nA;Ja;Nej\n"),
     {"wide": True, "questions": "re:Q(["}, "", "is not a valid regular expression"),
    ("wide ambiguous question", text_file("svar.csv", "respondent;Q1. Vad?;Q1: Hur?\nA;Ja;Nej\n"),
     {"wide": True, "questions": "Q1"}, "", "'Q1' could be any of"),
    ("wide duplicate respondents", text_file("svar.csv", "respondent;Q1\nA;Ja\nA;Nej\n"),
     {"wide": True, "questions": "Q1"}, "", "'A' is in rows 2 and 3"),
    ("wide attribute named text", text_file("svar.csv", "respondent;text;Q1\nA;x;Ja\n"),
     {"wide": True, "questions": "Q1"}, "", "the column 'text' would clash"),
    ("--questions without --wide", text_file("svar.csv", HEADER + ROWS), {"questions": "Q1"},
     "", "add --wide"),
]


@pytest.mark.parametrize("build, options, where, phrase",
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_names_file_place_and_fix(tmp_path, build, options, where, phrase):
    path = build(tmp_path)
    with pytest.raises(InputError) as caught:
        read_answers(path, **options)
    message = str(caught.value)
    assert message.startswith(f"{path}: {where}")
    assert phrase in message
    assert "\n" not in message and caught.value.exit_code == 2


def test_the_catalogue_has_at_least_forty_cases():
    assert len(CASES) + len(OUTPUT_CASES) >= 40


@pytest.fixture
def answers(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


def same_file_by_link(folder, answers):
    link = folder / "länk.csv"
    link.symlink_to(answers)
    return link


def unwritable_folder(folder, answers):
    """/sys refuses new files even to root; skip where it does not."""
    try:
        Path("/sys/qualcode-probe").touch()
    except OSError:
        return Path("/sys/kodat.csv")
    pytest.skip("/sys is writable here")


# (case, output(folder, answers) -> path, location after "path: ", phrase)
OUTPUT_CASES = [
    ("output is the input", lambda folder, answers: answers, "", "this is an input file"),
    ("output is the input by a link", same_file_by_link, "", "this is an input file"),
    ("output folder missing", lambda folder, answers: folder / "saknas" / "kodat.csv", "",
     "does not exist; create it first"),
    ("output folder is a file", lambda folder, answers: answers / "kodat.csv", "", "is a file, not a folder"),
    ("output is a folder", lambda folder, answers: folder, "", "this is a folder"),
    ("output extension unknown", lambda folder, answers: folder / "kodat.ods", "",
     "cannot write '.ods' files; end the name in one of .csv"),
    ("output folder not writable", unwritable_folder, "", "cannot write in the folder '/sys'"),
]


@pytest.mark.parametrize("output, where, phrase", [case[1:] for case in OUTPUT_CASES],
                         ids=[case[0] for case in OUTPUT_CASES])
def test_bad_output_path_is_refused_before_any_work(tmp_path, answers, output, where, phrase):
    path = output(tmp_path, answers)
    before = answers.read_bytes()
    with pytest.raises(InputError) as caught:
        write_table(pd.DataFrame({"id": ["R1"], "text": ["Ja"]}), path, inputs=[answers])
    assert str(caught.value).startswith(f"{path}: {where}")
    assert phrase in str(caught.value)
    assert answers.read_bytes() == before


def test_xlsx_output_refuses_a_cell_beyond_excels_limit(tmp_path):
    frame = pd.DataFrame({"id": ["R1", "R2"], "text": ["Kort svar.", "Långt svar. " * 3000]})
    path = tmp_path / "kodat.xlsx"
    with pytest.raises(InputError) as caught:
        write_table(frame, path)
    assert str(caught.value) == (
        f"{path}: row 3: text: a cell has 36,000 characters, more than the 32,767 Excel can "
        "hold; write .csv instead")
    assert list(tmp_path.iterdir()) == []


def test_check_output_path_accepts_a_new_file_beside_the_input(tmp_path, answers):
    check_output_path(tmp_path / "kodat.csv", inputs=[answers])
