"""Reading a codebook YAML file into a :class:`Codebook`, keeping line numbers for errors.

The YAML is composed into nodes by a loader that refuses nesting deeper than
:data:`MAX_DEPTH` (Python's recursion would end in a traceback). Aliases (``*name``) may repeat
parts of the file, but before the nodes become plain data, the size and depth they expand to
are counted (once per node, without expanding anything): more than :data:`MAX_VALUES` values
(the "billion laughs": ten levels of nine aliases), more than MAX_DEPTH levels, or an alias
inside what it names, is refused.
"""
from __future__ import annotations

from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from qualcode.codebook.model import Codebook
from qualcode.errors import InputError, located

MAX_DEPTH = 50  # a codebook nests four levels; nothing real comes near this
MAX_VALUES = 200_000  # values after expanding aliases: 100 times the largest real codebook


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
    root = compose_yaml(text, source)
    if root is None:
        raise InputError(located(source, "the file is empty; start from 'qualcode codebook new'"))
    lines = {(): root.start_mark.line + 1}
    _check_expansion(root, source)
    data = _plain_data(root, (), lines, source)
    return Codebook.from_dict(data, source, lines)


def load_yaml_data(text: str, source: str, line: int | None = None):
    """Plain data (dicts, lists, scalars) from YAML ``text``, within the loader's limits on
    nesting and alias expansion; errors name ``source`` and ``line``."""
    root = compose_yaml(text, source, line)
    if root is None:
        return None
    _check_expansion(root, source, line)
    return _plain_data(root, (), {}, source, line)


def compose_yaml(text: str, source: str, line: int | None = None):
    """The root node of YAML ``text`` (None when empty); InputError for invalid or too deep YAML."""
    try:
        return yaml.compose(text, Loader=_GuardedLoader)
    except _TooDeep as error:
        raise InputError(located(source, str(error), line=line if line is not None else error.line)) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        where = line if line is not None else mark.line + 1 if mark is not None else None
        raise InputError(located(source, f"not valid YAML: {problem}; check the indentation "
                                 "and quoting on this line", line=where)) from None


class _GuardedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing nesting deeper than MAX_DEPTH while composing."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _TooDeep(self.peek_event().start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _TooDeep(Exception):
    def __init__(self, line):
        super().__init__(f"the YAML nests more than {MAX_DEPTH} levels deep (a codebook needs four); "
                         "check the indentation and the brackets")
        self.line = line


def _check_expansion(root, source, line=None):
    """Raise InputError when the nodes under ``root``, with every alias expanded, would make
    more than MAX_VALUES values or nest deeper than MAX_DEPTH, or when an alias refers to a node
    that holds it. Each node is counted once (an iterative walk, memoised): nothing is expanded."""
    sizes, depths, open_nodes = {}, {}, set()
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _children(node)
        if not children_done:
            if key in open_nodes:
                _refuse(source, node, line, "a YAML alias refers to the part that holds it; write the values out")
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        open_nodes.discard(key)
        sizes[key] = 1 + sum(sizes[id(child)] for child in children)
        depths[key] = 1 + max((depths[id(child)] for child in children), default=0)
        if sizes[key] > MAX_VALUES:
            _refuse(source, node, line, f"the YAML expands to more than {MAX_VALUES:,} values (aliases such as "
                                        "*name repeat whole parts of it); write the values out instead")
        if depths[key] > MAX_DEPTH:
            _refuse(source, node, line, f"the YAML nests more than {MAX_DEPTH} levels deep once its aliases "
                                        "(*name) are expanded; write the values out instead")


def _children(node):
    if isinstance(node, MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _refuse(source, node, line, message):
    raise InputError(located(source, message, line=line if line is not None else node.start_mark.line + 1))


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


def _plain_data(node, path, lines, source, line=None):
    """Turn a composed YAML node (checked by :func:`_check_expansion`) into plain Python data,
    recording each node's line (``line`` instead of the node's own, for YAML embedded in
    another file)."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, MappingNode):
        return _plain_mapping(node, path, lines, source, line)
    if isinstance(node, SequenceNode):
        return [_plain_data(item, path + (index,), lines, source, line)
                for index, item in enumerate(node.value)]
    if isinstance(node, ScalarNode):
        return _scalar(node, source, line)
    raise InputError(located(source, "uses a YAML feature qualcode does not read",
                             line=line if line is not None else node.start_mark.line + 1))


def _scalar(node, source, line=None):
    try:
        return SafeConstructor().construct_object(node)
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or "a value YAML cannot read"
        raise InputError(located(source, f"{problem}; quote the value or fix the YAML syntax",
                                 line=line if line is not None else node.start_mark.line + 1)) from None


def _plain_mapping(node, path, lines, source, line=None):
    mapping = {}
    for key_node, value_node in node.value:
        key_line = line if line is not None else key_node.start_mark.line + 1
        if not isinstance(key_node, ScalarNode):
            raise InputError(located(source, "a key must be a plain word such as 'label'", line=key_line))
        key = _scalar(key_node, source, line)
        if not _hashable(key):
            raise InputError(located(source, "a key must be a plain word such as 'label'", line=key_line))
        if key in mapping:
            raise InputError(located(source, f"key '{key}' appears twice (first at line "
                                     f"{lines[path + (key,)]}); keep one", line=key_line, field=key))
        lines[path + (key,)] = key_line
        mapping[key] = _plain_data(value_node, path + (key,), lines, source, line)
    return mapping


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True
