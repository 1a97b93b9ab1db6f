"""Writers: every format round-trips the answers unchanged, and an output appears whole or not
at all, even when the run is interrupted."""
import os

import pandas as pd
import pytest

from qualcode.errors import InputError
from qualcode.io import atomic_path, read_answers, write_table, write_text
from qualcode.io.writers import markdown_table

ANSWERS = pd.DataFrame({
    "id": ["007", "010", "011"],
    "kommun": ["Överkalix", "Åsele", ""],
    "text": ["Vi har inte råd.\nBudgeten räcker inte.", "=) bra | dåligt", "vet ej"],
}, dtype="str")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".jsonl", ".parquet"])
def test_tables_round_trip_unchanged(tmp_path, suffix):
    path = tmp_path / f"kodat{suffix}"
    write_table(ANSWERS, path, verbatim=True)
    assert read_answers(path).frame.equals(ANSWERS)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_csv_is_utf8_with_bom_so_swedish_excel_shows_åäö(tmp_path):
    write_table(ANSWERS, tmp_path / "kodat.csv")
    data = (tmp_path / "kodat.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,kommun,text\r\n007,")
    assert pd.read_csv(tmp_path / "kodat.csv", dtype=str).columns[0] == "id"


def test_xlsx_keeps_formula_like_answers_as_text(tmp_path):
    from openpyxl import load_workbook

    write_table(ANSWERS.assign(text=["=SUMMA(A1)", "=)", "tab\x0bbort"]), tmp_path / "k.xlsx")
    sheet = load_workbook(tmp_path / "k.xlsx").active
    assert [sheet.cell(row, 3).data_type for row in (2, 3)] == ["s", "s"]
    assert sheet.cell(2, 3).value == "=SUMMA(A1)"
    assert sheet.cell(4, 3).value == "tab_x000B_bort"


def test_markdown_escapes_pipes_and_line_breaks():
    assert markdown_table(ANSWERS.head(2)) == (
        "| id | kommun | text |\n|---|---|---|\n"
        "| 007 | Överkalix | Vi har inte råd.<br>Budgeten räcker inte. |\n"
        "| 010 | Åsele | =) bra \\| dåligt |\n")


def test_interrupted_table_write_keeps_the_old_output_and_leaves_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "kodat.csv"
    path.write_text("förra körningen\n", encoding="utf-8")

    def half_then_ctrl_c(frame, target, **options):
        target.write("id,te")
        target.flush()
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", half_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        write_table(ANSWERS, path)
    assert path.read_text(encoding="utf-8") == "förra körningen\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kodat.csv"]


def test_atomic_path_gives_a_file_of_the_same_name_in_a_staging_folder_beside(tmp_path):
    with atomic_path(tmp_path / "figur.png") as temporary:
        assert temporary.parent.parent == tmp_path and temporary.name == "figur.png"
        assert temporary.parent.name.startswith(".figur.png.") and temporary.parent.name.endswith(".part")
        temporary.write_bytes(b"\x89PNG")
    assert (tmp_path / "figur.png").read_bytes() == b"\x89PNG"
    assert [p.name for p in tmp_path.iterdir()] == ["figur.png"]


def test_failed_atomic_write_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError), atomic_path(tmp_path / "rapport.docx") as temporary:
        temporary.write_bytes(b"halv")
        raise RuntimeError("docx failed")
    assert list(tmp_path.iterdir()) == []


def test_new_outputs_get_the_usual_permissions(tmp_path):
    write_text(tmp_path / "rapport.md", "# Rapport\n")
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "rapport.md").stat().st_mode & 0o777 == 0o666 & ~umask


def test_write_text_refuses_to_overwrite_an_input(tmp_path):
    source = tmp_path / "kodbok.yaml"
    source.write_text("name: Test\n", encoding="utf-8")
    with pytest.raises(InputError, match="this is an input file"):
        write_text(source, "skräp", inputs=[source])
    assert source.read_text(encoding="utf-8") == "name: Test\n"


def test_atomic_path_into_a_missing_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="saknas.* does not exist; create it first"):
        with atomic_path(tmp_path / "saknas" / "figur.png"):
            pass


def test_workbook_of_several_sheets_keeps_text_and_repeated_column_names(tmp_path):
    from openpyxl import load_workbook

    from qualcode.io import write_workbook

    method = pd.DataFrame([("Kodbok", "digital_mognad"), ("Läge", "fast")], columns=["", ""])
    write_workbook({"Svar": ANSWERS.assign(text=["=SUMMA(A1)", "=)", "tab\x0bbort"]), "Metod": method},
                   tmp_path / "rapport.xlsx", inputs=())
    workbook = load_workbook(tmp_path / "rapport.xlsx")
    answers, notes = workbook["Svar"], workbook["Metod"]
    assert answers.cell(2, 3).value == "=SUMMA(A1)" and answers.cell(2, 3).data_type == "s"
    assert answers.cell(4, 3).value == "tab_x000B_bort"
    assert answers.cell(1, 1).font.bold and answers.freeze_panes == "A2"
    assert [[c.value for c in row] for row in notes.iter_rows(min_row=2)] == [["Kodbok", "digital_mognad"],
                                                                             ["Läge", "fast"]]


def test_workbook_refuses_to_overwrite_an_input(tmp_path):
    from qualcode.io import write_workbook

    source = tmp_path / "svar.xlsx"
    source.write_bytes(b"analyst's workbook")
    with pytest.raises(InputError, match="svar.xlsx"):
        write_workbook({"Svar": ANSWERS}, source, inputs=(source,))
    assert source.read_bytes() == b"analyst's workbook"
