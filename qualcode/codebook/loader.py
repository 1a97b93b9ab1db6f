"""Reading a codebook YAML file into a :class:`Codebook`, keeping line numbers for errors."""
from __future__ import annotations

from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from qualcode.codebook.model import Codebook
from qualcode.errors import InputError, located


def load_codebook(path) -> Codebook:
    """Load and validate the codebook YAML file at ``path``.

    Raises :class:`~qualcode.errors.InputError` naming the file, the line and the field for
    a missing or unreadable file, text that is not UTF-8 or not YAML, and every SPEC rule.
    """
    path = Path(path)
    text = _read_text(path)
    return parse_codebook_text(text, source=str(path))


def parse_codebook_text(text: str, source: str = "<text>") -> Codebook:
    """Parse and validate codebook YAML given as text; errors name ``source``."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        line = mark.line + 1 if mark is not None else None
        raise InputError(located(source, f"not valid YAML: {problem}; check the indentation "
                                 "and quoting on this line", line=line)) from None
    if root is None:
        raise InputError(located(source, "the file is empty; start from 'qualcode codebook new'"))
    lines = {(): root.start_mark.line + 1}
    data = _plain_data(root, (), lines, source)
    return Codebook.from_dict(data, source, lines)


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(located(path, "no such file; check the path")) from None
    except IsADirectoryError:
        raise InputError(located(path, "is a folder; give the codebook's .yaml file")) from None
    except OSError as error:
        raise InputError(located(path, f"cannot be read ({error.strerror}); check the "
                                 "permissions")) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise InputError(located(path, f"is not UTF-8 (byte 0x{raw[error.start]:02x}); save the "
                                 "file as UTF-8 in your editor", line=line)) from None


def _plain_data(node, path, lines, source):
    """Turn a composed YAML node into plain Python data, recording each node's line."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, MappingNode):
        return _plain_mapping(node, path, lines, source)
    if isinstance(node, SequenceNode):
        return [_plain_data(item, path + (index,), lines, source)
                for index, item in enumerate(node.value)]
    if isinstance(node, ScalarNode):
        return _scalar(node, source)
    raise InputError(located(source, "uses a YAML feature qualcode does not read",
                             line=node.start_mark.line + 1))


def _scalar(node, source):
    try:
        return SafeConstructor().construct_object(node)
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or "a value YAML cannot read"
        raise InputError(located(source, f"{problem}; quote the value or fix the YAML syntax",
                                 line=node.start_mark.line + 1)) from None


def _plain_mapping(node, path, lines, source):
    mapping = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            raise InputError(located(source, "a key must be a plain word such as 'label'",
                                     line=key_node.start_mark.line + 1))
        key = SafeConstructor().construct_object(key_node)
        line = key_node.start_mark.line + 1
        if key in mapping:
            raise InputError(located(source, f"key '{key}' appears twice (first at line "
                                     f"{lines[path + (key,)]}); keep one", line=line, field=key))
        lines[path + (key,)] = line
        mapping[key] = _plain_data(value_node, path + (key,), lines, source)
    return mapping
