"""``qualcode report`` as a function: code the answers, then write every report file."""
from dataclasses import replace
from pathlib import Path

from qualcode.coding.coded import EVIDENCE_COLUMN, CodedAnswers, require_column
from qualcode.progress import explain
from qualcode.reports.anonymise import anonymise_frame
from qualcode.reports.choices import ChoiceColumn, parse_multi_choice
from qualcode.reports.collect import ReportCollector, collect
from qualcode.reports.counts import displayed_counts
from qualcode.reports.document import CHART_FOLDER, build_report
from qualcode.reports.html_render import render_html
from qualcode.reports.markdown_render import render_markdown
from qualcode.reports.office import report_sheets, write_docx
from qualcode.reports.quotes import QuoteRules

CODED_FILE = "coded.csv"
REPORT_FILES = ("coded.csv", "coded.csv.meta.json", "counts.csv", "closed.csv", "quotes.csv",
                "cooccurrence.csv", "report.html", "report.md", "report.docx", "report.xlsx", CHART_FOLDER)


def make_report(answers, codebook, directory, plan, by=None, min_group=5, per_code=3, anonymised=False,
                reading=None, jobs=1, chunk_size=None, sample_size=None, inputs=(), multi_choice=(),
                follow_up=()):
    """Code ``answers`` with ``codebook`` as ``plan`` says (a :class:`~qualcode.api.CodingPlan`)
    and write the report files into ``directory``.

    ``multi_choice`` lists the multi-choice columns (``ChoiceColumn`` or "COLUMN[:SEP]"), whose
    ticks are tabulated per alternative; ``follow_up`` the follow-up questions (text or number
    in file order), placed under the question before them. Quotes are checked against the
    fitted coder: a sentence without keywords is quoted for a code only when the coder, scoring
    it on its own, gives it the code.

    ``reading`` holds keyword arguments for :func:`qualcode.io.read_answers`; ``jobs``,
    ``chunk_size`` and ``sample_size`` are those of ``qualcode code``. Answers are coded as
    ``qualcode code`` codes them (fitted on a sample, then chunk by chunk, large files read in
    chunks too); each coded chunk goes to ``coded.csv`` and into the report's collector, so
    memory holds one chunk and the quote candidates, never every answer. Only the files in
    :data:`REPORT_FILES` are written (replacing earlier ones; the charts report.md shows are
    the folder ``charts``); the folder is created when missing. All of them replace the earlier ones together, or none does. Returns the
    :class:`Report`.
    """
    from qualcode.coding import coding_metadata
    from qualcode.io import open_answers
    from qualcode.scale import DEFAULT_CHUNK, DEFAULT_SAMPLE
    from qualcode.scale.stream import coded_in_order, fit_on_sample

    directory = Path(directory)
    sample_size, chunk_size = sample_size or DEFAULT_SAMPLE, chunk_size or DEFAULT_CHUNK
    source = open_answers(answers, reading or {}, chunk_size)
    multi_choice = [as_choice(spec) for spec in multi_choice]
    for column, option in [(by, "--by")] + [(choice.column, "--multi-choice") for choice in multi_choice]:
        if column is not None:
            require_column(source.table.frame, column, source.table.attribute_columns, answers, option)
    _check_folder(directory, inputs)
    explain(f"coding {answers} ({plan.settings['mode']} mode)")
    coder, fitted_on = fit_on_sample(plan.estimator, source.chunks(), source.text_column, sample_size, plan.seed)
    collector = ReportCollector(codebook, by, [choice.column for choice in multi_choice])
    with _report_files(directory, inputs) as outputs:
        with outputs.appender(directory / CODED_FILE) as write:
            for frame, result in coded_in_order(coder, source, jobs):
                coded = CodedAnswers.from_table(source.table, frame, coding=result, source=answers)
                collector.add(coded)
                write(_anonymised(coded, codebook).frame if anonymised else frame)
        settings = {**plan.settings, "sample_size": sample_size, "fitted_on": fitted_on, "anonymised": anonymised}
        metadata = coding_metadata(codebook, source.table, settings)
        report = build_report(collector.collected(), codebook, min_group, per_code, anonymised, metadata,
                              multi_choice, follow_up, QuoteRules.from_coder(coder))
        write_report(report, outputs, directory, metadata)
    return report


def report_coded(coded, codebook, directory, by=None, min_group=5, per_code=3, anonymised=False,
                 metadata=None, inputs=(), multi_choice=(), follow_up=()):
    """Write the report files for coded answers (:class:`~qualcode.coding.CodedAnswers`) into
    ``directory``; ``metadata`` is what produced the coding (the coded table's sidecar).

    Without the coder that coded them, a sentence without keywords is quoted for a code only
    when it is the whole answer (its score is then the answer's); see :func:`make_report` for
    ``multi_choice`` and ``follow_up``."""
    directory = Path(directory)
    multi_choice = [as_choice(spec) for spec in multi_choice]
    for column, option in [(by, "--by")] + [(choice.column, "--multi-choice") for choice in multi_choice]:
        if column is not None:
            coded.check_column(column, option)
    _check_folder(directory, inputs)
    roles = {"id": coded.id_column, "text": coded.text_column, "question": coded.question_column,
             "respondent": coded.respondent_column}
    metadata = {**(metadata or {}), "columns": roles}
    rules = QuoteRules.from_codebook(codebook, metadata.get("settings", {}).get("threshold"))
    report = build_report(collect(coded, codebook, by, choices=[choice.column for choice in multi_choice]),
                          codebook, min_group, per_code, anonymised, metadata, multi_choice, follow_up, rules)
    with _report_files(directory, inputs) as outputs:
        outputs.write_table(directory / CODED_FILE, _anonymised(coded, codebook).frame if anonymised else coded.frame)
        write_report(report, outputs, directory, metadata)
    return report


def as_choice(spec):
    """A multi-choice column as given: a :class:`ChoiceColumn`, or "COLUMN[:SEP]"."""
    return spec if isinstance(spec, ChoiceColumn) else parse_multi_choice(spec)


def _anonymised(coded, codebook):
    """The coded answers with names, e-mail, phone numbers and personnummer masked in the text
    and the evidence (whose offsets stay those of the original)."""
    return replace(coded, frame=anonymise_frame(coded.frame, [coded.text_column, EVIDENCE_COLUMN], codebook))


def _report_files(directory, inputs):
    """The output set of a report folder: every report file replaces the earlier one together."""
    from qualcode.io import output_set

    return output_set([directory / name for name in REPORT_FILES], inputs, name="report",
                      folders=[directory / CHART_FOLDER], create_folder=True)


def write_report(report, outputs, directory, metadata):
    """Stage in ``outputs`` (the report folder's :func:`~qualcode.io.output_set`) the report
    files beside the coded table ``coded.csv`` staged there already: its sidecar, counts,
    closed answers, quotes, co-occurrence, HTML, MD with the folder of its charts, DOCX and XLSX
    (the answers sheet read back from coded.csv a chunk at a time). CSVs neutralise formula-like
    cells; the sidecar says so, so the coded table reads back as it was."""
    directory = Path(directory)
    outputs.write_sidecar(directory / CODED_FILE, metadata)
    outputs.write_table(directory / "counts.csv", displayed_counts(report.counts, report.min_group))
    outputs.write_table(directory / "closed.csv", report.closed)
    outputs.write_table(directory / "quotes.csv", report.quotes)
    outputs.write_table(directory / "cooccurrence.csv", report.cooccurrence.reset_index())
    outputs.write_text(directory / "report.html", render_html(report))
    charts = outputs.path(directory / CHART_FOLDER)
    charts.mkdir()
    for chart in report.charts:
        (charts / chart.name).write_bytes(chart.png)
    outputs.write_text(directory / "report.md", render_markdown(report))
    write_docx(report, outputs.path(directory / "report.docx"))
    staged = outputs.path(directory / CODED_FILE)
    outputs.write_workbook(directory / "report.xlsx", report_sheets(report, lambda: _coded_chunks(staged)))


def _coded_chunks(path):
    """The coded table written at ``path`` read back in chunks, scores as numbers, cells as
    they were before the CSV neutralised formula-like ones."""
    import pandas as pd

    from qualcode.io.escape import restore_column, restore_formula
    from qualcode.scale import DEFAULT_CHUNK

    with pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", chunksize=DEFAULT_CHUNK) as chunks:
        for frame in chunks:
            frame = frame.apply(restore_column).set_axis([restore_formula(c) for c in frame.columns], axis=1)
            scores = [column for column in frame.columns if column.startswith("score_")]
            frame[scores] = frame[scores].apply(pd.to_numeric)
            yield frame


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
            check_output_path(directory / name, inputs, folder_ok=name == CHART_FOLDER)
