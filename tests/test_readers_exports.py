"""Real-looking exports from the survey tools Swedish analysts use, made here in the shapes
those tools write, read with their Swedish text intact."""
import codecs
import datetime as dt

import pandas as pd
from openpyxl import Workbook

from qualcode.io import read_answers

HINDER = "Vad är det största hindret för digitalisering i din verksamhet?"
TILLÄGG = "Har du något mer att tillägga?"


def test_excel_sv_se_semicolon_cp1252(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_bytes(
        "id;kommun;roll;text\r\n"
        "007;Överkalix;rektor;Vi har inte råd – budgeten räcker inte ens till licenser (€).\r\n"
        "010;Åsele;enhetschef;\"Personalen är trött; för många nya system på kort tid.\"\r\n"
        "011;Älvsbyn;IT-samordnare;vet ej\r\n".encode("cp1252"))
    table = read_answers(path)
    assert table.frame["id"].tolist() == ["007", "010", "011"]
    assert table.texts[0] == "Vi har inte råd – budgeten räcker inte ens till licenser (€)."
    assert table.texts[1] == "Personalen är trött; för många nya system på kort tid."
    assert table.frame["kommun"].tolist() == ["Överkalix", "Åsele", "Älvsbyn"]
    assert table.substantive.tolist() == [True, True, False]
    assert table.attribute_columns == ["kommun", "roll"]
    assert table.question_column is None and table.respondent_column is None


def test_netigate_utf8_bom_semicolon_wide(tmp_path):
    path = tmp_path / "netigate_export.csv"
    path.write_bytes(codecs.BOM_UTF8 + (
        f"Respondent-ID;Startdatum;Kommun;1. {HINDER};2. {TILLÄGG}\n"
        "5501;2024-03-05 09:12;Gällivare;Ekonomin, framför allt licenskostnaderna.;Nej tack\n"
        "5502;2024-03-05 10:40;Jokkmokk;Bredbandet på landsbygden.<br>Och kompetensen.;"
        "Mer utbildning för äldre medarbetare!\n").encode("utf-8"))
    table = read_answers(path, wide=True, id_column="Respondent-ID", questions="1,2")
    assert table.frame.columns.tolist() == ["id", "respondent", "question", "text",
                                            "Startdatum", "Kommun"]
    assert table.frame["id"].tolist() == ["5501:1", "5501:2", "5502:1", "5502:2"]
    assert table.texts[2] == "Bredbandet på landsbygden.<br>Och kompetensen."
    assert table.question_labels == {"1": f"1. {HINDER}", "2": f"2. {TILLÄGG}"}
    assert table.substantive.tolist() == [True, False, True, True]
    assert table.attribute_columns == ["Startdatum", "Kommun"]


def test_esmaker_xlsx_with_title_rows_and_question_codes(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Rapport"
    sheet.append(["Esmaker NX – Medarbetarenkät Luleå kommun 2024"])
    sheet.append([])
    sheet.append(["Respondent", "Förvaltning", "F1 Vad fungerar bra i ditt arbete?",
                  "F2 Vad kan bli bättre?"])
    sheet.append([1001, "Socialförvaltningen", "Kollegorna och stödet från chefen.", "-"])
    sheet.append([1002, "Utbildningsförvaltningen", "Flexibiliteten.",
                  "Verksamhetssystemet är långsamt och krånglar ofta."])
    book.save(tmp_path / "esmaker.xlsx")
    table = read_answers(tmp_path / "esmaker.xlsx", wide=True, id_column="Respondent",
                         questions="F[0-9]*")
    assert table.frame["respondent"].tolist() == ["1001", "1001", "1002", "1002"]
    assert table.frame["question"].tolist() == ["F1", "F2", "F1", "F2"]
    assert table.question_labels["F2"] == "F2 Vad kan bli bättre?"
    assert table.substantive.tolist() == [True, False, True, True]
    assert table.frame["Förvaltning"].iloc[3] == "Utbildningsförvaltningen"


def test_webropol_utf16_tab_separated_wide_with_html_breaks(tmp_path):
    frame = pd.DataFrame({
        "Svarsnummer": ["1", "2"],
        "Kön": ["Kvinna", "Man"],
        HINDER: ["Tidsbrist.<br><br>Vi hinner inte lära oss nya verktyg.", "..."],
        TILLÄGG: ["", "Tack för en bra enkät – äntligen frågar någon!"],
    })
    path = tmp_path / "webropol.txt"
    frame.to_csv(path, sep="\t", index=False, encoding="utf-16")
    table = read_answers(path, wide=True, id_column="Svarsnummer", questions="re:^(Vad|Har)")
    assert table.frame["question"].tolist() == [HINDER, TILLÄGG, HINDER, TILLÄGG]
    assert table.texts[0] == "Tidsbrist.<br><br>Vi hinner inte lära oss nya verktyg."
    assert table.substantive.tolist() == [True, False, False, True]
    assert table.frame["Kön"].tolist() == ["Kvinna", "Kvinna", "Man", "Man"]


def test_surveymonkey_two_header_rows(tmp_path):
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address"]
    top = meta + ["Vilken kommun arbetar du i?", HINDER, "Vilka verktyg använder du?", "", ""]
    sub = [""] * 5 + ["Response", "Open-Ended Response", "Teams", "Zoom", "Other (please specify)"]
    rows = [
        ["114259372561", "431873921", "03/05/2024 09:14:02 AM", "03/05/2024 09:20:40 AM",
         "", "Kalix", "Att få med sig alla kollegor, många är rädda för det nya.", "Teams", "",
         "Skolplattformen"],
        ["114259372562", "431873921", "03/05/2024 10:01:17 AM", "03/05/2024 10:09:03 AM",
         "", "Haparanda", "Upphandlingen, LOU gör att allt tar år.", "Teams", "Zoom", ""],
    ]
    path = tmp_path / "surveymonkey.csv"
    pd.DataFrame([top, sub] + rows).to_csv(path, index=False, header=False)
    table = read_answers(path, wide=True, id_column="Respondent ID",
                         questions=[HINDER, "Vilka verktyg använder du? - Other (please specify)"])
    assert "Vilka verktyg använder du? - Zoom" in table.attribute_columns
    assert "Vilken kommun arbetar du i?" in table.attribute_columns
    assert table.frame["respondent"].tolist()[:2] == ["114259372561"] * 2
    assert table.texts == ["Att få med sig alla kollegor, många är rädda för det nya.",
                           "Skolplattformen", "Upphandlingen, LOU gör att allt tar år.", ""]


def test_google_forms_timestamp_comma_csv_without_ids(tmp_path):
    frame = pd.DataFrame({
        "Tidstämpel": ["2024/03/05 2:14:09 em EET", "2024/03/05 2:14:09 em EET"],
        "Vilken sektor arbetar du inom?": ["Skola", "Äldreomsorg"],
        HINDER: ["Ingen tid för utbildning, allt sker på kvällar och helger.",
                 "Vi får inte använda molntjänster, \"Schrems II\" säger juristen."],
    })
    path = tmp_path / "Enkät (svar) - Formulärsvar 1.csv"
    frame.to_csv(path, index=False)
    table = read_answers(path, wide=True, questions="re:största hindret")
    assert table.frame["respondent"].tolist() == ["2", "3"]
    assert table.frame["id"].tolist() == [f"2:{HINDER}", f"3:{HINDER}"]
    assert table.texts[1] == "Vi får inte använda molntjänster, \"Schrems II\" säger juristen."
    long = read_answers(path, text_column=HINDER)
    assert long.id_column == "row" and long.frame["row"].tolist() == ["2", "3"]


def test_microsoft_forms_xlsx(tmp_path):
    frame = pd.DataFrame({
        "ID": [1, 2, 3],
        "Starttid": [dt.datetime(2024, 3, 5, 14, 2, 11)] * 3,
        "E-post": ["anonymous"] * 3,
        "Namn": ["", "", ""],
        "Vilken förvaltning?": ["Kultur", "Miljö", "Skola"],
        HINDER: ["Förändringströtthet hos personalen.", "Inget att tillägga.", "Säkerhetskraven."],
    })
    frame.to_excel(tmp_path / "Digitalisering(1-3).xlsx", index=False, sheet_name="Sheet1")
    table = read_answers(tmp_path / "Digitalisering(1-3).xlsx", id_column="ID",
                         text_column=HINDER, sheet="Sheet1")
    assert table.frame["ID"].tolist() == ["1", "2", "3"]
    assert table.frame["Starttid"].iloc[0] == "2024-03-05 14:02:11"
    assert table.frame["Namn"].tolist() == ["", "", ""]
    assert table.substantive.tolist() == [True, False, True]


def test_xlsx_merged_header_row_over_groups_of_columns(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Bakgrund", None, "Öppna frågor", None])
    sheet.append(["id", "kommun", "text", "övrigt"])
    sheet.append(["A1", "Piteå", "Bättre wifi i skolorna.", ""])
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("C1:D1")
    book.save(tmp_path / "sammanslagen.xlsx")
    table = read_answers(tmp_path / "sammanslagen.xlsx", id_column="Bakgrund - id",
                         text_column="Öppna frågor - text")
    assert table.frame.columns.tolist() == ["Bakgrund - id", "Bakgrund - kommun",
                                            "Öppna frågor - text", "Öppna frågor - övrigt"]
    assert table.texts == ["Bättre wifi i skolorna."]
