"""Reading answer tables of every kind analysts have, and writing outputs safely.

``read_answers`` -> :class:`AnswerTable`; ``open_answers`` hands a large file out in chunks;
:mod:`qualcode.io.formats` is the one registry of formats (read whole, read in chunks, write
whole, append). ``write_table`` / ``write_text`` / ``write_workbook`` write atomically and never
over an input; ``output_set`` writes several files (a table and its sidecar, a report folder)
that replace the old ones together or not at all; ``check_output_path`` refuses a bad ``-o``
before any work is done; ``atomic_path`` gives writers that need a file name the same guarantee.
"""
from qualcode.io.answers import AnswerTable, read_answers
from qualcode.io.formats import format_of, read_sheet
from qualcode.io.outputs import (atomic_path, check_output_folder, check_output_path,
                                 check_table_output, output_set,
                                 table_appender, write_table, write_text, write_workbook)
from qualcode.io.sidecar import column_roles, read_sidecar, sidecar_path
from qualcode.io.sources import AnswerSource, open_answers, whole_source
from qualcode.io.substantive import is_substantive

__all__ = ["AnswerSource", "AnswerTable", "atomic_path", "check_output_folder",
           "check_output_path", "check_table_output", "column_roles", "format_of", "is_substantive", "open_answers",
           "output_set", "read_answers", "read_sheet", "read_sidecar", "sidecar_path",
           "table_appender", "whole_source", "write_table", "write_text", "write_workbook"]
