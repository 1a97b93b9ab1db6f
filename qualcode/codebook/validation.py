"""Validation of codebook data against the SPEC format, with one precise message per fault.

:func:`validated_codebook` works on plain data plus an optional map from a data path such as
``("codes", 2, "keywords", 4)`` to its line in the file, so the YAML loader and
:meth:`Codebook.from_dict` share every rule.
"""
from __future__ import annotations

import difflib
import re

from qualcode.codebook.code import CODE_FIELDS, LIST_FIELDS, PROSE_FIELDS, STATUSES, Code
from qualcode.errors import InputError, located

TOP_LEVEL_FIELDS = ("name", "language", "version", "codes")
REQUIRED_CODE_FIELDS = ("id", "label", "description")
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")
LANGUAGE_PATTERN = re.compile(r"[a-z]{2}\Z")
COLOR_PATTERN = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\Z")
REGEX_CHARACTERS = set("|()[]{}?+\\^$")
MIN_PREFIX_LETTERS = 2


class _Checker:
    """Raises located errors for one codebook source, using the recorded line numbers."""

    def __init__(self, source, lines):
        self.source = source
        self.lines = lines

    def fail(self, path, message, field=None):
        line = self._line_of(path)
        raise InputError(located(self.source, message, line=line, field=field))

    def _line_of(self, path):
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())

    def check_keys(self, mapping, path, allowed, what):
        for key in mapping:
            if key not in allowed:
                hint = _did_you_mean(str(key), allowed)
                self.fail(path + (key,), f"unknown key in {what}{hint}; allowed keys: "
                          f"{', '.join(allowed)}", field=key)

    def text(self, value, path, field, what, required=False):
        if value is None and not required:
            return None
        if value is None or (isinstance(value, str) and not value.strip()):
            self.fail(path, f"{what} needs a non-empty '{field}'; write it as text", field=field)
        if not isinstance(value, str):
            self.fail(path, f"'{field}' of {what} must be text, not {_kind(value)}; "
                      "put it in quotes", field=field)
        return value.strip()


def validated_codebook(data, source, lines):
    """Validate ``data`` (the parsed codebook); return its name, language, version and codes."""
    check = _Checker(source, lines)
    if not isinstance(data, dict):
        check.fail((), f"a codebook must be a mapping with keys {', '.join(TOP_LEVEL_FIELDS)}, "
                   f"not {_kind(data)}; start from 'qualcode codebook new'")
    check.check_keys(data, (), TOP_LEVEL_FIELDS, "the codebook")
    name = check.text(data.get("name"), ("name",), "name", "the codebook", required=True)
    language = _language(check, data.get("language"))
    version = _version(check, data.get("version"))
    codes = _codes(check, data.get("codes"))
    return name, language, version, codes


def _language(check, value):
    path = ("language",)
    language = check.text(value, path, "language", "the codebook", required=True)
    if not LANGUAGE_PATTERN.match(language):
        check.fail(path, f"language '{language}' is not an ISO 639-1 code; write two lower-case "
                   "letters such as sv or en", field="language")
    return language


def _version(check, value):
    if value is None or (isinstance(value, (int, str)) and not isinstance(value, bool)):
        return value
    check.fail(("version",), f"version must be an integer or text, not {_kind(value)}",
               field="version")


def _codes(check, value):
    path = ("codes",)
    if value is None:
        check.fail(path, "the codebook needs a 'codes' list with at least one code",
                   field="codes")
    if not isinstance(value, list) or not value:
        check.fail(path, "'codes' must be a non-empty list of codes (each item starting "
                   "with '- id:')", field="codes")
    codes = [_code(check, item, index) for index, item in enumerate(value)]
    _check_unique_ids(check, codes)
    _check_parents(check, codes)
    return codes


def _code(check, item, index):
    path = ("codes", index)
    what = f"code {index + 1}"
    if not isinstance(item, dict):
        check.fail(path, f"{what} must be a mapping of fields such as id, label and "
                   f"description, not {_kind(item)}", field=f"codes[{index}]")
    if isinstance(item.get("id"), str):
        what = f"code '{item['id']}'"
    check.check_keys(item, path, CODE_FIELDS, what)
    for name in REQUIRED_CODE_FIELDS:
        if name not in item:
            check.fail(path, f"{what} is missing the required field '{name}'; add it",
                       field=name)
    values = {name: check.text(item.get(name), path + (name,), name, what,
                               required=name in REQUIRED_CODE_FIELDS)
              for name in ("id", "label") + PROSE_FIELDS}
    _check_id(check, values["id"], path + ("id",), "id")
    values.update({name: _text_list(check, item.get(name), path + (name,), name, what)
                   for name in LIST_FIELDS})
    for name in ("keywords", "exclude_keywords"):
        _check_keywords(check, values[name], path + (name,), name, what)
    parent = check.text(item.get("parent"), path + ("parent",), "parent", what)
    if parent is not None:
        _check_id(check, parent, path + ("parent",), "parent")
    return Code(**values, parent=parent,
                color=_color(check, item.get("color"), path + ("color",), what),
                threshold=_threshold(check, item.get("threshold"), path + ("threshold",), what),
                status=_status(check, item.get("status"), path + ("status",), what),
                line=check.lines.get(path))


def _check_id(check, value, path, field):
    if not ID_PATTERN.match(value):
        check.fail(path, f"'{value}' is not a valid code id; use lower-case ASCII letters, digits "
                   "and _, starting with a letter (e.g. legacy_it)", field=field)


def _text_list(check, value, path, field, what):
    if value is None:
        return ()
    if isinstance(value, str):
        check.fail(path, f"'{field}' of {what} must be a list; write [{value}] or one "
                   "'- item' per line", field=field)
    if not isinstance(value, list):
        check.fail(path, f"'{field}' of {what} must be a list of texts, not {_kind(value)}",
                   field=field)
    items = []
    for position, item in enumerate(value):
        if not isinstance(item, str):
            check.fail(path + (position,), f"item {position + 1} of '{field}' in {what} must be "
                       f"text, not {_kind(item)}; put it in quotes", field=field)
        if not item.strip():
            check.fail(path + (position,), f"item {position + 1} of '{field}' in {what} is "
                       "empty; remove it or write the text", field=field)
        items.append(item.strip())
    return tuple(items)


def _check_keywords(check, keywords, path, field, what):
    seen = {}
    for position, keyword in enumerate(keywords):
        where = path + (position,)
        problem = _keyword_problem(keyword)
        if problem:
            check.fail(where, f"keyword '{keyword}' in {what} {problem}", field=field)
        folded = " ".join(keyword.casefold().split())
        if folded in seen:
            check.fail(where, f"keyword '{keyword}' appears twice in {what} (also item "
                       f"{seen[folded] + 1}); remove one", field=field)
        seen[folded] = position


def _keyword_problem(keyword):
    """What is wrong with a keyword pattern, or ``None`` when it is valid."""
    if REGEX_CHARACTERS & set(keyword):
        return ("uses regular-expression characters; keywords are plain words or phrases, "
                "list alternatives as separate keywords")
    if "*" not in keyword:
        return None
    stem = keyword[:-1]
    if "*" in stem or not keyword.endswith("*"):
        return "has '*' in the wrong place; '*' is allowed only at the end (e.g. digitali*)"
    last_word = stem.split(" ")[-1] if stem else ""
    if sum(char.isalnum() for char in last_word) < MIN_PREFIX_LETTERS:
        return (f"needs at least {MIN_PREFIX_LETTERS} letters before '*', directly attached "
                "(e.g. resurs*)")
    return None


def _check_unique_ids(check, codes):
    first_index = {}
    for index, code in enumerate(codes):
        if code.id in first_index:
            earlier = first_index[code.id]
            earlier_line = check.lines.get(("codes", earlier, "id"))
            at = f"line {earlier_line}" if earlier_line else f"code {earlier + 1}"
            check.fail(("codes", index, "id"), f"duplicate id '{code.id}' (first used at {at}); "
                       "give each code its own id", field="id")
        first_index[code.id] = index


def _check_parents(check, codes):
    by_id = {code.id: code for code in codes}
    for index, code in enumerate(codes):
        if code.parent is not None and code.parent not in by_id:
            hint = _did_you_mean(code.parent, list(by_id))
            check.fail(("codes", index, "parent"), f"parent '{code.parent}' of code '{code.id}' "
                       f"names no code in the file{hint}", field="parent")
    for index, code in enumerate(codes):
        chain = [code.id]
        parent = code.parent
        while parent is not None:
            if parent in chain:
                cycle = " -> ".join(chain[chain.index(parent):] + [parent])
                check.fail(("codes", index, "parent"), f"parents form a cycle ({cycle}); "
                           "a code cannot be its own ancestor", field="parent")
            chain.append(parent)
            parent = by_id[parent].parent


def _color(check, value, path, what):
    if value is None:
        return None
    if not isinstance(value, str) or not COLOR_PATTERN.match(value.strip()):
        check.fail(path, f"color {value!r} of {what} is not a hex colour; write it in quotes "
                   "as \"#RRGGBB\", e.g. \"#1f77b4\"", field="color")
    digits = value.strip()[1:].lower()
    if len(digits) == 3:
        digits = "".join(char * 2 for char in digits)
    return "#" + digits


def _threshold(check, value, path, what):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        check.fail(path, f"threshold {value!r} of {what} must be a number from 0 to 1, "
                   "e.g. 0.5", field="threshold")
    return float(value)


def _status(check, value, path, what):
    if value is None:
        return "active"
    if value not in STATUSES:
        check.fail(path, f"status {value!r} of {what} is not one of {', '.join(STATUSES)}",
                   field="status")
    return value


def _did_you_mean(word, choices):
    close = difflib.get_close_matches(word, [str(choice) for choice in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _kind(value):
    names = {dict: "a mapping", list: "a list", bool: "true/false", int: "a number",
             float: "a number", str: "text", type(None): "empty"}
    return names.get(type(value), type(value).__name__)
