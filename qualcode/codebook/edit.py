"""Changing a codebook: a code's fields edited, a code added, two codes merged.

Each function returns a new :class:`Codebook` built through :meth:`Codebook.from_dict`, so an
edit that breaks a SPEC rule (an empty label, a duplicate id, a keyword with regular-expression
characters) raises the validator's one-line :class:`~qualcode.errors.InputError`.
"""
from __future__ import annotations

from qualcode.codebook.code import LIST_FIELDS
from qualcode.codebook.model import Codebook
from qualcode.errors import InputError, located

EDITABLE_FIELDS = ("label", "description", "include", "exclude", "keywords", "exclude_keywords", "examples",
                   "note", "status")
NEW_CODE_FIELDS = ("id",) + EDITABLE_FIELDS + ("parent", "color", "threshold")


def edit_code(codebook: Codebook, code_id: str, fields: dict) -> Codebook:
    """``codebook`` with the fields of ``code_id`` set to ``fields`` (a blank optional field is
    removed; list fields take lists of texts)."""
    _known_code(codebook, code_id)
    data = codebook.to_dict()
    entry = next(code for code in data["codes"] if code["id"] == code_id)
    entry.update(_cleaned(fields, EDITABLE_FIELDS, codebook.source))
    _drop_blank(entry)
    return Codebook.from_dict(data, source=codebook.source)


def add_code(codebook: Codebook, fields: dict, after: str | None = None) -> Codebook:
    """``codebook`` with a new code made of ``fields`` (``id``, ``label`` and ``description`` at
    least), placed after the code ``after`` (default: last)."""
    entry = _cleaned(fields, NEW_CODE_FIELDS, codebook.source)
    if not str(entry.get("id") or "").strip():
        raise InputError(located(codebook.source, "the new code needs an id (lower-case letters, digits and _, "
                                                  "e.g. climate)"))
    _drop_blank(entry)
    data = codebook.to_dict()
    place = len(data["codes"]) if after is None else _index(codebook, after) + 1
    data["codes"].insert(place, entry)
    return Codebook.from_dict(data, source=codebook.source)


def merge_codes(codebook: Codebook, keep: str, absorb: str) -> Codebook:
    """``codebook`` with ``absorb`` merged into ``keep``: its keywords, exclusion keywords and
    examples added to ``keep``'s (each once), its children moved under ``keep``, and it removed."""
    _known_code(codebook, keep)
    _known_code(codebook, absorb)
    if keep == absorb:
        raise InputError(located(codebook.source, f"cannot merge code {keep!r} into itself; choose two codes"))
    data = codebook.to_dict()
    codes = {code["id"]: code for code in data["codes"]}
    kept, gone = codes[keep], codes[absorb]
    for name in LIST_FIELDS:
        seen = {" ".join(item.casefold().split()) for item in kept.get(name, [])}
        extra = [item for item in gone.get(name, []) if " ".join(item.casefold().split()) not in seen]
        if extra:
            kept[name] = kept.get(name, []) + extra
    if kept.get("parent") == absorb:
        kept["parent"] = gone.get("parent")
        _drop_blank(kept)
    for code in data["codes"]:
        if code.get("parent") == absorb and code["id"] != keep:
            code["parent"] = keep
    data["codes"] = [code for code in data["codes"] if code["id"] != absorb]
    return Codebook.from_dict(data, source=codebook.source)


def _known_code(codebook, code_id):
    if code_id not in codebook:
        raise InputError(located(codebook.source, f"no code {code_id!r} in the codebook; its codes are "
                                                  f"{', '.join(codebook.ids)}"))


def _index(codebook, code_id):
    _known_code(codebook, code_id)
    return codebook.ids.index(code_id)


def _cleaned(fields, allowed, source):
    if not isinstance(fields, dict):
        raise InputError(located(source, "the code's fields must be given as a mapping of field to value"))
    unknown = [name for name in fields if name not in allowed]
    if unknown:
        raise InputError(located(source, f"{unknown[0]!r} is not a field that can be set here; the fields are "
                                          f"{', '.join(allowed)}"))
    cleaned = {}
    for name, value in fields.items():
        if name in LIST_FIELDS and isinstance(value, list):
            value = [item.strip() if isinstance(item, str) else item for item in value]
            value = [item for item in value if item != ""]
        elif isinstance(value, str) and name not in ("label", "description", "id"):
            value = value.strip() or None
        cleaned[name] = value
    return cleaned


def _drop_blank(entry):
    for name in [name for name, value in entry.items() if value is None or value == []]:
        del entry[name]
