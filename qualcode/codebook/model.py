"""The codebook object model: :class:`Code` and :class:`Codebook`.

A :class:`Codebook` is immutable once built. Build one with :func:`load_codebook` (from a YAML
file, with line numbers in every error) or :meth:`Codebook.from_dict` (from plain data).
"""
from __future__ import annotations

import hashlib
import json

from qualcode.codebook.code import CODE_FIELDS, LIST_FIELDS, Code
from qualcode.codebook.validation import validated_codebook

__all__ = ["CODE_FIELDS", "LIST_FIELDS", "Code", "Codebook"]

class Codebook:
    """An ordered, validated set of codes with a name, a language and an optional version."""

    def __init__(self, name: str, language: str, codes, version=None, source: str = "<dict>"):
        self.name = name
        self.language = language
        self.version = version
        self.codes = tuple(codes)
        self.source = source
        self._by_id = {code.id: code for code in self.codes}

    @classmethod
    def from_dict(cls, data, source: str = "<dict>", lines=None) -> "Codebook":
        """Validate plain data shaped like the YAML file and build a codebook.

        ``lines`` maps data paths such as ``("codes", 2, "keywords")`` to their lines in the
        file read. Raises :class:`~qualcode.errors.InputError` naming ``source``, the line and
        the field at fault.
        """
        name, language, version, codes = validated_codebook(data, source, lines or {})
        return cls(name=name, language=language, version=version, codes=codes, source=str(source))

    # lookup -----------------------------------------------------------------------------
    def __getitem__(self, code_id: str) -> Code:
        return self._by_id[code_id]

    def __contains__(self, code_id) -> bool:
        return code_id in self._by_id

    def __iter__(self):
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __repr__(self) -> str:
        return f"Codebook(name={self.name!r}, codes={len(self.codes)}, source={self.source!r})"

    def get(self, code_id: str, default=None) -> Code | None:
        """The code with this id, or ``default``."""
        return self._by_id.get(code_id, default)

    @property
    def ids(self) -> list[str]:
        """Code ids in file order."""
        return [code.id for code in self.codes]

    @property
    def active_codes(self) -> list[Code]:
        """The codes applied in coding (``status: active``), in file order."""
        return [code for code in self.codes if code.is_active]

    def children(self, code_id: str) -> list[Code]:
        """The direct children of ``code_id``, in file order."""
        return [code for code in self.codes if code.parent == code_id]

    def ancestors(self, code_id: str) -> list[Code]:
        """The parent, grandparent, ... of ``code_id``, nearest first."""
        chain = []
        parent = self._by_id[code_id].parent
        while parent is not None:
            chain.append(self._by_id[parent])
            parent = self._by_id[parent].parent
        return chain

    def roots(self) -> list[Code]:
        """The codes without a parent, in file order."""
        return [code for code in self.codes if code.parent is None]

    # serialisation ----------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The codebook as plain data in SPEC key order (``from_dict`` reads it back)."""
        data = {"name": self.name, "language": self.language}
        if self.version is not None:
            data["version"] = self.version
        data["codes"] = [code.to_dict() for code in self.codes]
        return data

    def to_yaml(self) -> str:
        """The codebook as YAML text in the SPEC format."""
        from qualcode.codebook.yaml_text import dump_codebook_yaml

        return dump_codebook_yaml(self.to_dict())

    @property
    def content_hash(self) -> str:
        """SHA-256 of the normalised content: stable over YAML formatting, comments and key order."""
        canonical = json.dumps(_normalised(self.to_dict()), sort_keys=True, ensure_ascii=False,
                               separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _normalised(value):
    """Collapse runs of whitespace in every string so that re-wrapped prose hashes the same."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, dict):
        return {key: _normalised(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_normalised(item) for item in value]
    return value
