"""``qualcode report`` as a function: code the answers, then write every report file."""
from pathlib import Path

from qualcode.progress import explain
from qualcode.reports.anonymise import anonymise_frame
from qualcode.coding.coded import EVIDENCE_COLUMN, CodedAnswers, require_column
from qualcode.reports.counts import displayed_counts
from qualcode.reports.document import build_report
from qualcode.reports.html_render import render_html
from qualcode.reports.markdown_render import render_markdown
from qualcode.reports.office import write_docx, write_xlsx

CODER_SETTINGS = ("mode", "embedder", "threshold", "seed", "reviewed")  # the settings the method section names
REPORT_FILES = ("coded.csv", "coded.csv.meta.json", "counts.csv", "quotes.csv",
                "cooccurrence.csv", "report.html", "report.md", "report.docx", "report.xlsx")


def make_report(answers, codebook_path, directory, by=None, min_group=5, per_code=3,
                anonymised=False, reading=None, coding=None):
    """Code ``answers`` with the codebook and write the report files into ``directory``.

    ``reading`` holds keyword arguments for :func:`qualcode.io.read_answers`, ``coding`` the
    coding options of :func:`qualcode.api.coding_plan` (``mode``, ``embedder``, ``threshold``,
    ``seed``, ``model``). Answers are coded as ``qualcode code`` codes them (fitted on a sample,
    then chunk by chunk). Only the files in :data:`REPORT_FILES` are written (replacing earlier
    ones); the folder is created when missing. Returns the :class:`Report`.
    """
    from qualcode.api import coding_plan, load_codebook
    from qualcode.coding import coding_metadata
    from qualcode.io import read_answers
    from qualcode.scale import DEFAULT_CHUNK, DEFAULT_SAMPLE, code_table_in_chunks

    directory = Path(directory)
    inputs = tuple(p for p in (answers, codebook_path, (coding or {}).get("model")) if p is not None)
    codebook = load_codebook(codebook_path)
    table = read_answers(answers, **(reading or {}))
    if by is not None:
        require_column(table.frame, by, table.attribute_columns, answers)
    _check_folder(directory, inputs)
    coding = dict(coding or {})
    jobs, sample_size = coding.pop("jobs", 1), coding.pop("sample_size", None) or DEFAULT_SAMPLE
    chunk_size = coding.pop("chunk_size", None) or DEFAULT_CHUNK
    plan = coding_plan(codebook, **coding)
    explain(f"coding {len(table.frame)} answers from {answers} ({plan.settings['mode']} mode)")
    frame = code_table_in_chunks(table, plan.estimator, jobs, chunk_size, sample_size, plan.seed)
    coded = CodedAnswers.from_table(table, frame, source=answers)
    settings = {**plan.settings, "sample_size": sample_size, "fitted_on": min(sample_size, len(table)),
                "anonymised": anonymised}
    return report_coded(coded, codebook, directory, by, min_group, per_code, anonymised,
                        coding_metadata(codebook, table, settings), inputs)


def report_coded(coded, codebook, directory, by=None, min_group=5, per_code=3, anonymised=False,
                 metadata=None, inputs=()):
    """Write the report files for coded answers (:class:`~qualcode.coding.CodedAnswers`) into
    ``directory``; ``metadata`` is what produced the coding (the coded table's sidecar)."""
    directory = Path(directory)
    _check_folder(directory, inputs)
    if by is not None:
        coded.check_column(by)
    settings = {key: value for key, value in (metadata or {}).get("settings", {}).items() if key in CODER_SETTINGS}
    report = build_report(coded, codebook, by, min_group, per_code, anonymised, settings)
    roles = {"id": coded.id_column, "text": coded.text_column, "question": coded.question_column,
             "respondent": coded.respondent_column}
    write_report(report, directory, {**(metadata or {}), "columns": roles}, inputs)
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
