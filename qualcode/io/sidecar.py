"""The sidecar ``<table>.meta.json`` that says what produced a coded table and which columns
play which role, so commands read a coded table back without options. It is written only
together with its table (:meth:`qualcode.io.outputs.OutputSet.write_sidecar`)."""
import json
from pathlib import Path

from qualcode.errors import InputError, located

FORMULA_PREFIX_KEY = "formula_prefix"  # set when the table's formula-like cells carry a leading "'"


def sidecar_path(path):
    """The sidecar of a table: its whole name plus ``.meta.json``."""
    path = Path(path)
    return path.with_name(path.name + ".meta.json")


def sidecar_json(metadata):
    """The sidecar's text: ``metadata`` as pretty JSON."""
    return json.dumps(metadata, ensure_ascii=False, indent=2) + "\n"


def read_sidecar(path):
    """The sidecar of the table at ``path`` as a dict, or {} when there is none."""
    sidecar = sidecar_path(path)
    if not sidecar.is_file():
        return {}
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(located(sidecar, f"cannot read this sidecar ({error}); delete it or code "
                                          "the answers again with 'qualcode code'")) from None
    return meta if isinstance(meta, dict) else {}


def column_roles(path):
    """The recorded column roles ``{"id": .., "text": .., "question": .., "respondent": ..}``."""
    roles = read_sidecar(path).get("columns")
    return roles if isinstance(roles, dict) else {}


def formulas_neutralised(path):
    """Whether the sidecar of ``path`` says its formula-like cells were neutralised (False
    when there is no readable sidecar: a plain answers file beside a broken one still reads)."""
    try:
        return bool(read_sidecar(path).get(FORMULA_PREFIX_KEY))
    except InputError:
        return False
