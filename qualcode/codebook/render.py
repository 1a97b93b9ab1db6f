"""A readable text view of a codebook: the code tree with labels, counts and descriptions."""
from __future__ import annotations

import textwrap

from qualcode.codebook.model import Code, Codebook

WIDTH = 88
_INDENT = "    "


def codebook_tree(codebook: Codebook, with_descriptions: bool = True) -> str:
    """The codebook as an indented tree, one code a line, its description wrapped below."""
    version = f", version {codebook.version}" if codebook.version is not None else ""
    lines = [f"{codebook.name}",
             f"language {codebook.language}{version}, {len(codebook)} codes "
             f"({len(codebook.active_codes)} active), content hash {codebook.content_hash[:12]}",
             ""]
    widths = (max(len(_INDENT) * len(codebook.ancestors(c.id)) + len(c.id) for c in codebook),
              max(len(code.label) for code in codebook))
    for code in codebook.roots():
        lines += _code_lines(codebook, code, 0, widths, with_descriptions)
    return "\n".join(lines).rstrip() + "\n"


def _code_lines(codebook, code: Code, depth, widths, with_descriptions):
    indent = _INDENT * depth
    status = "" if code.is_active else "  (suggested: not applied)"
    counts = (f"{len(code.keywords):3d} keywords, {len(code.exclude_keywords):2d} exclusions, "
              f"{len(code.examples):2d} examples")
    head = f"{indent}{code.id}".ljust(widths[0])
    lines = [f"{head}  {code.label.ljust(widths[1])}  [{counts}]{status}"]
    if with_descriptions:
        lines += textwrap.wrap(code.description, width=WIDTH, initial_indent=indent + _INDENT,
                               subsequent_indent=indent + _INDENT)
        lines.append("")
    for child in codebook.children(code.id):
        lines += _code_lines(codebook, child, depth + 1, widths, with_descriptions)
    return lines
