"""Reading answer tables of every kind analysts have, and writing outputs safely.

``read_answers`` -> :class:`AnswerTable`; ``write_table`` / ``write_text`` write atomically and
never over an input; ``check_output_path`` refuses a bad ``-o`` before any work is done;
``atomic_path`` gives writers that need a file name the same guarantee.
"""
from qualcode.io.answers import AnswerTable, read_answers
from qualcode.io.sidecar import column_roles, read_sidecar, sidecar_path
from qualcode.io.substantive import is_substantive
from qualcode.io.writers import atomic_path, check_output_path, write_table, write_text, write_workbook

__all__ = ["AnswerTable", "atomic_path", "check_output_path", "column_roles", "is_substantive",
           "read_answers", "read_sidecar", "sidecar_path", "write_table", "write_text", "write_workbook"]
