"""The catalogue of odd but readable input: each case is read, and read right."""
import codecs
import datetime as dt
import json
import unicodedata

import pandas as pd
import pytest
from openpyxl import Workbook

from qualcode.io import is_substantive, read_answers

SVAR = "Ekonomin är ansträngd, vi har inte råd – helt enkelt."


def text_file(name, content, encoding="utf-8"):
    def build(folder):
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path
    return build


def workbook(rows, *more_sheets):
    def build(folder):
        book = Workbook()
        for index, sheet_rows in enumerate((rows, *more_sheets)):
            sheet = book.active if index == 0 else book.create_sheet(f"Blad{index + 1}")
            for row in sheet_rows:
                sheet.append(row)
        book.save(folder / "svar.xlsx")
        return folder / "svar.xlsx"
    return build


def parquet(frame):
    def build(folder):
        frame.to_parquet(folder / "svar.parquet", index=False)
        return folder / "svar.parquet"
    return build


def column(name):
    return lambda table: table.frame[name].tolist()


def texts(table):
    return table.texts


def columns(table):
    return table.frame.columns.tolist()


LONG = ("Det är svårt. " * 7200)[:99_996] + "Slut"  # 100,000 characters, the most an answer may have

# (case, build(folder) -> path, read_answers options, what to look at, what it must be)
CASES = [
    ("leading zeros kept", text_file("s.csv", "id,text\n007,Ja\n0100,Nej\n"), {},
     column("id"), ["007", "0100"]),
    ("empty cells become ''", text_file("s.csv", "id,kommun,text\n1,,Ja\n2,Boden,\n"), {},
     column("kommun"), ["", "Boden"]),
    ("NA-like words kept as written", text_file("s.csv", "id,text\nNA,NaN\nnull,None\n"), {},
     texts, ["NaN", "None"]),
    ("Excel's sep= line", text_file("s.csv", f"sep=;\r\nid;text\r\n1;{SVAR}\r\n"), {}, texts, [SVAR]),
    ("Excel's sep= line for tabs", text_file("s.csv", "sep=\t\nid\ttext\n1\tJa;nej\n"), {}, texts,
     ["Ja;nej"]),
    ("UTF-16 LE with BOM, tabs", text_file("s.txt", f"id\ttext\n1\t{SVAR}\n", "utf-16"), {},
     texts, [SVAR]),
    ("UTF-16 BE with BOM", text_file("s.csv", codecs.BOM_UTF16_BE + f"id;text\n1;{SVAR}\n"
                                     .encode("utf-16-be")), {}, texts, [SVAR]),
    ("UTF-16 LE without BOM", text_file("s.txt", f"id\ttext\n1\t{SVAR}\n", "utf-16-le"), {},
     texts, [SVAR]),
    ("UTF-8 BOM kept out of the header", text_file("s.csv", f"\ufeffid;text\n1;{SVAR}\n"), {},
     columns, ["id", "text"]),
    ("cp1252 dash and euro", text_file("s.csv", "id;text\n1;Kostar 5 €– för mycket\n", "cp1252"),
     {}, texts, ["Kostar 5 €– för mycket"]),
    ("explicit --encoding latin-1", text_file("s.csv", "id;text\n1;Åtgärder\n", "latin-1"),
     {"encoding": "latin-1"}, texts, ["Åtgärder"]),
    ("pipe delimiter", text_file("s.csv", f"id|text\n1|{SVAR}\n"), {}, texts, [SVAR]),
    ("tab in .tsv with commas and semicolons", text_file("s.tsv", "id\ttext\n1\tJa; nej, kanske\n"),
     {}, texts, ["Ja; nej, kanske"]),
    ("semicolons with commas in text", text_file("s.csv", "id;text\n1;Ja, absolut, tid\n2;Nej\n"),
     {}, texts, ["Ja, absolut, tid", "Nej"]),
    ("commas with semicolons in text", text_file("s.csv", "id,text\n1,Ja; tid\n2,\"Nej, pengar\"\n"),
     {}, texts, ["Ja; tid", "Nej, pengar"]),
    ("--delimiter tab by name", text_file("s.csv", "id\ttext\n1\tA,B;C\n"), {"delimiter": "tab"},
     texts, ["A,B;C"]),
    ("Windows line endings", text_file("s.csv", "id;text\r\n1;Ja\r\n2;Nej\r\n"), {}, texts, ["Ja", "Nej"]),
    ("old Mac line endings", text_file("s.csv", "id;text\r1;Ja\r2;Nej\r"), {}, texts, ["Ja", "Nej"]),
    ("line breaks inside a quoted cell", text_file("s.csv", 'id;text\n1;"Rad ett\nrad två"\n2;Nej\n'),
     {}, texts, ["Rad ett\nrad två", "Nej"]),
    ("trailing delimiter on each row", text_file("s.csv", "id;text;\n1;Ja;\n2;Nej;\n"), {}, columns,
     ["id", "text"]),
    ("Excel's empty rows at the end", text_file("s.csv", "id;text\n1;Ja\n;\n;\n"), {}, texts, ["Ja"]),
    ("repeated column names numbered", text_file("s.csv", "id;Kommentar;Kommentar;text\n1;a;b;c\n"),
     {}, columns, ["id", "Kommentar", "Kommentar (2)", "text"]),
    ("blank column name with values", text_file("s.csv", "id;text;\n1;Ja;x\n"), {}, columns,
     ["id", "text", "column C"]),
    ("spaces around column names", text_file("s.csv", " id ; text \n1;Ja\n"), {}, columns,
     ["id", "text"]),
    ("HTML breaks and entities unchanged", text_file("s.csv", "id;text\n1;\"Ett<br/>två &amp; tre\"\n"),
     {}, texts, ["Ett<br/>två &amp; tre"]),
    ("decomposed å and emoji unchanged",
     text_file("s.csv", "id;text\n1;" + unicodedata.normalize("NFD", "Många 👍") + "\n"), {},
     texts, [unicodedata.normalize("NFD", "Många 👍")]),
    ("an answer of exactly 100,000 characters", text_file("s.csv", f"id;text\n1;{LONG}\n"), {},
     lambda table: len(table.texts[0]), 100_000),
    ("xlsx numbers, booleans and dates as shown",
     workbook([["id", "svar", "datum", "ja"], [7, 7.5, dt.datetime(2024, 3, 5), True]]),
     {"text_column": "svar"}, lambda t: t.frame.iloc[0].tolist(), ["7", "7.5", "2024-03-05", "TRUE"]),
    ("xlsx second sheet by number", workbook([["id", "text"], [1, "Blad ett"]],
                                             [["id", "text"], [1, "Blad två"]]),
     {"sheet": "2"}, texts, ["Blad två"]),
    ("xlsx sheet by name", workbook([["id", "text"], [1, "Blad ett"]],
                                    [["id", "text"], [1, "Blad två"]]),
     {"sheet": "Blad2"}, texts, ["Blad två"]),
    ("xlsx header after blank rows", workbook([[], [], ["id", "text"], ["a", "Ja"]]), {}, texts, ["Ja"]),
    ("JSON Lines with a missing key", text_file("s.jsonl", '{"id": "1", "text": "Ja"}\n{"id": "2"}\n'),
     {}, texts, ["Ja", ""]),
    ("JSON Lines numbers, null, nested", text_file(
        "s.jsonl", json.dumps({"id": 7, "text": None, "extra": {"roll": "rektor"}}) + "\n"), {},
     lambda t: t.frame.iloc[0].tolist(), ["7", "", '{"roll": "rektor"}']),
    ("JSON Lines with BOM and U+2028 in text", text_file(
        "s.jsonl", "\ufeff" + json.dumps({"id": "1", "text": "a\u2028b"}, ensure_ascii=False)),
     {}, texts, ["a\u2028b"]),
    ("Parquet integers and missing values", parquet(pd.DataFrame(
        {"id": pd.array([1, 2], dtype="Int64"), "text": ["Ja", None]})), {}, lambda t: t.frame.values.tolist(),
     [["1", "Ja"], ["2", ""]]),
    ("no id column: rows numbered as in Excel", text_file("s.csv", "kommun;text\nBoden;Ja\n\nLuleå;Nej\n"),
     {}, lambda t: (t.id_column, t.frame["row"].tolist()), ("row", ["2", "4"])),
    ("--id-column '' numbers the rows", text_file("s.csv", "ID;text\n1;Ja\n"), {"id_column": ""},
     lambda t: (t.id_column, t.frame["row"].tolist()), ("row", ["2"])),
    ("question and respondent columns found", text_file(
        "s.csv", "id;respondent;question;text\n1;A;f1;Ja\n2;A;f2;Nej\n"), {},
     lambda t: (t.question_column, t.respondent_column, t.attribute_columns), ("question", "respondent", [])),
    ("wide: 'respondent' column used by default", text_file("s.csv", "respondent;Q1\nA;Ja\n"),
     {"wide": True, "questions": "Q1"}, column("id"), ["A:Q1"]),
    ("wide: question codes before the question text", text_file(
        "s.csv", "respondent;Q5. Vad hindrar?;Q8. Vad hjälper?\nA;Tid;Stöd\n"),
     {"wide": True, "questions": "Q8,Q5"}, lambda t: (t.frame["question"].tolist(), t.question_labels),
     (["Q5", "Q8"], {"Q5": "Q5. Vad hindrar?", "Q8": "Q8. Vad hjälper?"})),
    ("wide: blank answers kept, flagged", text_file("s.csv", "respondent;Q1;Q2\nA;;Ja\n"),
     {"wide": True, "questions": ["Q1", "Q2"]}, lambda t: t.substantive.tolist(), [False, True]),
]


@pytest.mark.parametrize("build, options, look, expected", [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_odd_input_is_read_right(tmp_path, build, options, look, expected):
    assert look(read_answers(build(tmp_path), **options)) == expected


NON_ANSWERS = ["", "  ", "-", "vet ej", "Vet ej.", "VET INTE!", "inget att tillägga",
               "Inget att tillägga.", "Nej tack!", "x", "...", "?!", "Ingen kommentar", "n/a"]
ANSWERS = ["Nej, det fungerar inte alls", "Inga pengar", "Tid", "x-axeln i rapporten är fel",
           "Vet ej hur man loggar in", "IT"]


@pytest.mark.parametrize("text", NON_ANSWERS)
def test_empty_answers_are_not_substantive(text):
    assert not is_substantive(text)


@pytest.mark.parametrize("text", ANSWERS)
def test_real_answers_are_substantive(text):
    assert is_substantive(text)
