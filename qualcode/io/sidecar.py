"""The sidecar ``<table>.meta.json`` that says what produced a coded table and which columns
play which role, so commands read a coded table back without options."""
import json
from pathlib import Path

from qualcode.errors import InputError, located


def sidecar_path(path):
    """The sidecar of a table: its whole name plus ``.meta.json``."""
    path = Path(path)
    return path.with_name(path.name + ".meta.json")


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
