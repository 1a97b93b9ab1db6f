"""``qualcode report`` as a function: code the answers, then write every report file."""
from pathlib import Path

from qualcode.progress import explain
from qualcode.report.anonymise import anonymise_frame
from qualcode.report.coded import EVIDENCE_COLUMN, CodedAnswers, require_column
from qualcode.report.counts import displayed_counts
from qualcode.report.document import build_report
from qualcode.report.html_render import render_html
from qualcode.report.markdown_render import render_markdown
from qualcode.report.office import write_docx, write_xlsx

REPORT_FILES = ("coded.csv", "coded.csv.meta.json", "counts.csv", "quotes.csv",
                "cooccurrence.csv", "report.html", "report.md", "report.docx", "report.xlsx")


def make_report(answers, codebook_path, directory, by=None, min_group=5, per_code=3,
                anonymised=False, reading=None, coding=None):
    """Code ``answers`` with the codebook and write the report files into ``directory``.

    ``reading`` holds keyword arguments for :func:`qualcode.io.read_answers`, ``coding`` the
    Coder's settings (``mode``, ``embedder``, ``threshold``, ``seed``). Only the files in :data:`REPORT_FILES` are written
    (replacing earlier ones); the folder is created when missing. Returns the :class:`Report`.
    """
    from qualcode.codebook import load_codebook
    from qualcode.coding import coding_metadata
    from qualcode.io import read_answers
    from qualcode.scale import code_table_in_chunks

    directory = Path(directory)
    inputs = (answers, codebook_path)
    codebook = load_codebook(codebook_path)
    table = read_answers(answers, **(reading or {}))
    if by is not None:
        require_column(table.frame, by, table.attribute_columns, answers)
    _check_folder(directory, inputs)
    settings = {"mode": "accurate", "embedder": "default", "threshold": None, "seed": 0, **(coding or {})}
    explain(f"coding {len(table.frame)} answers from {answers} ({settings['mode']} mode)")
    # coded as `qualcode code` codes: the analyses of one chunk at a time are in memory
    coded = CodedAnswers.from_table(table, code_table_in_chunks(table, codebook, settings), str(answers))
    report = build_report(coded, codebook, by, min_group, per_code, anonymised, settings)
    metadata = coding_metadata(codebook, table, {**settings, "anonymised": anonymised})
    write_report(report, directory, metadata, inputs)
    return report


def write_report(report, directory, metadata, inputs=()):
    """Write the coded table (+ sidecar), counts, quotes, co-occurrence, HTML, MD, DOCX, XLSX."""
    from qualcode.coding.table import metadata_json
    from qualcode.io import sidecar_path, write_table, write_text

    directory = Path(directory)
    answers = report.coded.frame
    if report.anonymised:   # the evidence quotes the text too; its offsets stay those of the original
        answers = anonymise_frame(answers, [report.coded.text_column, EVIDENCE_COLUMN], report.codebook)
    write_table(answers, directory / "coded.csv", inputs)
    write_text(sidecar_path(directory / "coded.csv"), metadata_json(metadata), inputs)
    write_table(displayed_counts(report.counts, report.min_group), directory / "counts.csv", inputs)
    write_table(report.quotes, directory / "quotes.csv", inputs)
    write_table(report.cooccurrence.reset_index(), directory / "cooccurrence.csv", inputs)
    write_text(directory / "report.html", render_html(report), inputs)
    write_text(directory / "report.md", render_markdown(report), inputs)
    write_docx(report, directory / "report.docx")
    write_xlsx(report, directory / "report.xlsx", answers, inputs)


def _check_folder(directory, inputs):
    """Create the output folder, refusing one that is a file or an input."""
    from qualcode.errors import InputError, located
    from qualcode.io import check_output_path

    if directory.exists() and not directory.is_dir():
        raise InputError(located(directory, "-o must be a folder for the report files; "
                                            "this is a file"))
    directory.mkdir(parents=True, exist_ok=True)
    for name in REPORT_FILES:
        check_output_path(directory / name, inputs)
