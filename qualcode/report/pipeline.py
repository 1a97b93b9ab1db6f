"""``qualcode report`` as a function: code the answers, then write every report file."""
from pathlib import Path

from qualcode.progress import explain
from qualcode.report.anonymise import anonymise_frame
from qualcode.report.coded import EVIDENCE_COLUMN, CodedAnswers, require_column
from qualcode.report.counts import displayed_counts
from qualcode.report.document import build_report
from qualcode.report.html_render import render_html
from qualcode.report.markdown_render import render_markdown
from qualcode.report.office import report_sheets, write_docx

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
    """Write the coded table (+ sidecar), counts, quotes, co-occurrence, HTML, MD, DOCX, XLSX:
    all of them replace the earlier report files together, or none does."""
    from qualcode.io import output_set

    directory = Path(directory)
    answers = report.coded.frame
    if report.anonymised:   # the evidence quotes the text too; its offsets stay those of the original
        answers = anonymise_frame(answers, [report.coded.text_column, EVIDENCE_COLUMN], report.codebook)
    with output_set([directory / name for name in REPORT_FILES], inputs, name="report", create_folder=True) as outputs:
        outputs.write_table(directory / "coded.csv", answers)
        outputs.write_sidecar(directory / "coded.csv", metadata)
        outputs.write_table(directory / "counts.csv", displayed_counts(report.counts, report.min_group))
        outputs.write_table(directory / "quotes.csv", report.quotes)
        outputs.write_table(directory / "cooccurrence.csv", report.cooccurrence.reset_index())
        outputs.write_text(directory / "report.html", render_html(report))
        outputs.write_text(directory / "report.md", render_markdown(report))
        write_docx(report, outputs.path(directory / "report.docx"))
        outputs.write_workbook(directory / "report.xlsx", report_sheets(report, answers))


def _check_folder(directory, inputs):
    """Refuse an output folder that is a file, cannot be created or written, or holds an input
    under a report file's name (before any work)."""
    from qualcode.errors import InputError, located
    from qualcode.io import check_output_folder, check_output_path

    if directory.exists() and not directory.is_dir():
        raise InputError(located(directory, "-o must be a folder for the report files; "
                                            "this is a file"))
    check_output_folder(directory)
    if directory.is_dir():
        for name in REPORT_FILES:
            check_output_path(directory / name, inputs)
