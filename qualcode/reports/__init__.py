"""Reports: respondent-level theme counts, representative quotes, anonymisation, and the
rendered report (Markdown, HTML, DOCX, XLSX).

>>> coded = read_coded("coded.csv")                       # doctest: +SKIP
>>> count_codes(coded, codebook, by="municipality")       # doctest: +SKIP
"""
from qualcode.coding.coded import CodedAnswers, read_coded
from qualcode.reports.anonymise import anonymise, anonymise_frame
from qualcode.reports.counts import cooccurrence, count_codes, displayed_counts
from qualcode.reports.document import Report, build_report
from qualcode.reports.pipeline import make_report, report_coded, write_report
from qualcode.reports.quotes import select_quotes, trim_quote

__all__ = ["CodedAnswers", "Report", "anonymise", "anonymise_frame", "build_report",
           "cooccurrence", "count_codes", "displayed_counts", "make_report", "read_coded", "report_coded",
           "select_quotes", "trim_quote", "write_report"]
