"""What changed between two versions of a codebook, as an analyst needs to review it."""
from __future__ import annotations

from dataclasses import dataclass, field

from qualcode.codebook.code import LIST_FIELDS, Code
from qualcode.codebook.model import Codebook

HEADER_FIELDS = ("name", "language", "version")
VALUE_FIELDS = ("label", "description", "include", "exclude", "parent", "color", "threshold",
                "status", "note")


@dataclass
class FieldChange:
    """One changed field of a code (or of the codebook when ``code_id`` is ``None``)."""

    code_id: str | None
    field: str
    before: object = None
    after: object = None
    added: tuple = ()
    removed: tuple = ()


@dataclass
class CodebookDiff:
    """Codes added, removed and renamed, and field changes of codes present in both."""

    added: list[Code] = field(default_factory=list)
    removed: list[Code] = field(default_factory=list)
    renamed: list[tuple[Code, Code]] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """True when the two codebooks have the same content."""
        return not (self.added or self.removed or self.renamed or self.changes)

    def to_text(self) -> str:
        """A readable report, one line per change, grouped by kind."""
        if self.is_empty:
            return "No differences."
        lines = []
        lines += [f"+ added {code.id} ({code.label})" for code in self.added]
        lines += [f"- removed {code.id} ({code.label})" for code in self.removed]
        lines += [f"~ renamed {old.id} -> {new.id} ({new.label})" for old, new in self.renamed]
        header = [change for change in self.changes if change.code_id is None]
        lines = [_describe(change) for change in header] + lines
        lines += [_describe(change) for change in self.changes if change.code_id is not None]
        return "\n".join(lines)


def diff_codebooks(old: Codebook, new: Codebook) -> CodebookDiff:
    """Compare ``old`` with ``new``: a code whose id vanished and reappears under another id
    with the same label (or description) is reported as renamed, not as removed + added."""
    result = CodebookDiff()
    for name in HEADER_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            result.changes.append(FieldChange(None, name, before, after))
    added = [code for code in new if code.id not in old]
    removed = [code for code in old if code.id not in new]
    for old_code in list(removed):
        partner = _same_code_under_new_id(old_code, added)
        if partner is not None:
            result.renamed.append((old_code, partner))
            removed.remove(old_code)
            added.remove(partner)
            result.changes += _code_changes(old_code, partner)
    result.added, result.removed = added, removed
    for old_code in old:
        if old_code.id in new:
            result.changes += _code_changes(old_code, new[old_code.id])
    return result


def _same_code_under_new_id(old_code, candidates):
    for candidate in candidates:
        if candidate.label.casefold() == old_code.label.casefold():
            return candidate
    for candidate in candidates:
        if candidate.description == old_code.description:
            return candidate
    return None


def _code_changes(old_code, new_code):
    changes = []
    for name in VALUE_FIELDS:
        before, after = getattr(old_code, name), getattr(new_code, name)
        if before != after:
            changes.append(FieldChange(new_code.id, name, before, after))
    for name in LIST_FIELDS:
        before, after = getattr(old_code, name), getattr(new_code, name)
        added = tuple(item for item in after if item not in before)
        removed = tuple(item for item in before if item not in after)
        if added or removed:
            changes.append(FieldChange(new_code.id, name, added=added, removed=removed))
    return changes


def _describe(change: FieldChange) -> str:
    where = change.code_id if change.code_id else "codebook"
    if change.added or change.removed:
        parts = []
        if change.added:
            parts.append("added " + ", ".join(repr(item) for item in change.added))
        if change.removed:
            parts.append("removed " + ", ".join(repr(item) for item in change.removed))
        return f"~ {where}.{change.field}: " + "; ".join(parts)
    return f"~ {where}.{change.field}: {_short(change.before)} -> {_short(change.after)}"


def _short(value, limit=70):
    if value is None:
        return "(none)"
    text = " ".join(str(value).split())
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")
