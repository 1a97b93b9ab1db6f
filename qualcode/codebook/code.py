"""One code of a codebook, and the fields a code may have (SPEC "Codebook file")."""
from __future__ import annotations

from dataclasses import dataclass, field

PROSE_FIELDS = ("description", "include", "exclude", "note")
LIST_FIELDS = ("keywords", "exclude_keywords", "examples")
CODE_FIELDS = ("id", "label", "description", "include", "exclude", "keywords",
               "exclude_keywords", "examples", "parent", "color", "threshold", "status", "note")
STATUSES = ("active", "suggested")


@dataclass(frozen=True)
class Code:
    """One code of a codebook; list fields are tuples, optional fields ``None`` when unset."""

    id: str
    label: str
    description: str
    include: str | None = None
    exclude: str | None = None
    keywords: tuple[str, ...] = ()
    exclude_keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    parent: str | None = None
    color: str | None = None
    threshold: float | None = None
    status: str = "active"
    note: str | None = None
    line: int | None = field(default=None, compare=False)

    @property
    def is_active(self) -> bool:
        """True when the code is applied in coding (``status: active``)."""
        return self.status == "active"

    def to_dict(self) -> dict:
        """The code as plain data in SPEC key order, leaving out unset fields and defaults."""
        data = {}
        for name in CODE_FIELDS:
            value = getattr(self, name)
            if value is None or value == () or (name == "status" and value == "active"):
                continue
            data[name] = list(value) if isinstance(value, tuple) else value
        return data
