"""The analyst's workspace: review, accept and correct the machine's codes in the browser.

- :mod:`~qualcode.workspace.schema`: the project file (SQLite, versioned, WAL, append-only log);
- :mod:`~qualcode.workspace.project`: :class:`Project`, the Python API over it (``qc.Project``);
- :mod:`~qualcode.workspace.build`: creating a project, coding what is not coded yet;
- :mod:`~qualcode.workspace.state`: the decisions in force, derived from the log;
- :mod:`~qualcode.workspace.order`, :mod:`~qualcode.workspace.similarity`: what to show next;
- :mod:`~qualcode.workspace.agreement`, :mod:`~qualcode.workspace.export`: agreement, the
  answers as they stand for reports and exports;
- :mod:`~qualcode.workspace.edit`: codebook edits previewed, saved to the YAML file and undone;
- :mod:`~qualcode.workspace.server`, ``static/``: the screen (Starlette, plain JavaScript).
"""
from qualcode.workspace.build import build_project
from qualcode.workspace.edit import CodebookEditor
from qualcode.workspace.project import Project

__all__ = ["CodebookEditor", "Project", "build_project"]
