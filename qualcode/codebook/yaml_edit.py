"""Writing an edited codebook back into the analyst's own YAML text.

:func:`edited_yaml` keeps every code whose content did not change exactly as the file had it
(its comments, quoting, line wrapping and the comments between codes) and writes only the
codes that changed or are new, in the format of :meth:`Codebook.to_yaml`. The result is read
back and compared with the codebook it must hold; when the file's layout is one this cannot
edit in place (a flow-style ``codes`` list, changed header fields), the whole codebook is
written with :meth:`Codebook.to_yaml` instead.
"""
from __future__ import annotations

import re

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from qualcode.codebook.code import PROSE_FIELDS
from qualcode.codebook.loader import compose_yaml, parse_codebook_text
from qualcode.codebook.model import Codebook
from qualcode.codebook.yaml_text import FoldedText, dump_codebook_yaml
from qualcode.errors import InputError

FOLD_AT = 80                 # prose longer than this is written folded (">")
_DASH = re.compile(r"[ \t]*-[ \t]+\Z")
_BLANK_OR_COMMENT = re.compile(r"[ \t]*(#.*)?\n?\Z")


def edited_yaml(text: str, before: Codebook, after: Codebook) -> str:
    """YAML text holding ``after``, made from ``text`` (the YAML of ``before``) by replacing only
    the codes that differ; see the module docstring."""
    try:
        spliced = _spliced(text, before, after)
    except InputError:
        spliced = None
    if spliced is not None and _holds(spliced, after):
        return spliced
    return after.to_yaml()


def _holds(text, codebook):
    try:
        return parse_codebook_text(text, source=codebook.source).to_dict() == codebook.to_dict()
    except InputError:
        return False


def _spliced(text, before, after):
    if any(getattr(before, name) != getattr(after, name) for name in ("name", "language", "version")):
        return None
    items = _code_items(text)
    if items is None:
        return None
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    # each code's lines with the blank lines and comments before it (the first's stay in the head)
    leads = [items[0][1]] + [end for _, _, end in items[:-1]]
    kept = {code_id: "".join(lines[lead:end]) for (code_id, _, end), lead in zip(items, leads)}
    indent = _indent_of(lines[items[0][1]])
    separated = any(not lines[i].strip() for (_, start, _), lead in zip(items[1:], leads[1:])
                    for i in range(lead, start))
    blocks = []
    for code in after.codes:
        old = before.get(code.id)
        if old is not None and old == code and code.id in kept:
            blocks.append(kept[code.id])
        else:
            blocks.append(("\n" if separated and blocks else "") + _dumped(code, indent))
    head = "".join(lines[:items[0][1]])
    tail = "".join(lines[items[-1][2]:])
    return head + "".join(blocks) + tail


def _code_items(text):
    """``[(id, first line, line after the code)]`` (0-based) of the items of the top-level
    ``codes`` list when it is a block list of mappings, each starting on its ``- `` line; else None."""
    root = compose_yaml(text, "<text>")
    if not isinstance(root, MappingNode):
        return None
    codes = next((value for key, value in root.value if isinstance(key, ScalarNode) and key.value == "codes"), None)
    if not isinstance(codes, SequenceNode) or codes.flow_style or not codes.value:
        return None
    lines = text.splitlines(keepends=True)
    found = []
    for item in codes.value:
        if not isinstance(item, MappingNode) or item.flow_style or not item.value:
            return None
        start = item.start_mark.line
        if not _DASH.match(lines[start][:item.start_mark.column]):
            return None
        code_id = next((v.value for k, v in item.value if isinstance(k, ScalarNode) and k.value == "id"), None)
        last = item.value[-1][1].end_mark
        end = last.line if last.column == 0 else last.line + 1
        while end > start + 1 and _BLANK_OR_COMMENT.match(lines[end - 1]):
            end -= 1
        found.append((code_id, start, end))
    return found


def _indent_of(line):
    return line[:len(line) - len(line.lstrip(" "))]


def _dumped(code, indent):
    """The YAML lines of one code as an item of the ``codes`` list, its dash at ``indent``; long
    prose folded over lines (``>``) as people write it."""
    data = code.to_dict()
    for name in PROSE_FIELDS:
        if name in data and len(data[name]) > FOLD_AT and "\n" not in data[name]:
            data[name] = FoldedText(data[name])
    text = dump_codebook_yaml({"codes": [data]})
    body = text.split("\n", 1)[1]                    # without "codes:"
    return "".join(indent + line[2:] if line.strip() else line for line in body.splitlines(keepends=True))

