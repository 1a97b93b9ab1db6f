"""REFI-QDA codebook exchange (``.qdc``, namespace ``urn:QDA-XML:codebook:1.0``).

Export writes codes nested by parent with ``guid`` (uuid5 of the code id, so re-exports are
stable), ``name`` (the label), ``isCodable``, ``color`` and a ``Description``. The schema has no
extension point inside ``Code`` (only ``Description`` and nested ``Code``), so qualcode's own
fields (id, include/exclude, keywords, exclusions, examples, threshold, status, note) travel as
a fenced ```` ```qualcode ```` YAML block at the end of the description: other tools show it
as text and keep it, and the import here reads it back.
"""
from __future__ import annotations

import re
import unicodedata
import uuid
import zipfile
from pathlib import Path

import yaml
from lxml import etree

from qualcode import __version__
from qualcode.codebook.loader import load_yaml_data
from qualcode.codebook.model import Code, Codebook
from qualcode.errors import InputError, located
from qualcode.io.archives import refuse_large_members, size_text
from qualcode.io.escape import xml_text

CODEBOOK_NAMESPACE = "urn:QDA-XML:codebook:1.0"
GUID_NAMESPACE = uuid.UUID("6f1c1a52-8d0e-5c1b-9a57-0c0dec0debf0")
FENCE_OPEN = "```qualcode"
FENCE_CLOSE = "```"
FENCED_BLOCK = re.compile(rf"\s*{re.escape(FENCE_OPEN)}\r?\n(.*?)\r?\n{re.escape(FENCE_CLOSE)}\s*\Z",
                          re.DOTALL)
EXTRA_FIELDS = ("id", "include", "exclude", "keywords", "exclude_keywords", "examples",
                "threshold", "status", "note")
LEADING_NUMBERING = re.compile(r"^\d+(\.\d+)*[.)]?\s+")
MAX_XML_BYTES = 256 * 2**20  # far above any real codebook or project.qde
EXPORT_CODEBOOK = "export the codebook alone as .qdc from your tool"
FOLDED_LETTERS = str.maketrans({"å": "a", "ä": "a", "ö": "o", "æ": "ae", "ø": "o", "ß": "ss"})


def refi_guid(*parts: str) -> str:
    """A deterministic GUID for a REFI-QDA element, e.g. ``refi_guid("code", "resources")``."""
    return str(uuid.uuid5(GUID_NAMESPACE, ":".join(parts)))


def code_guid(code_id: str) -> str:
    """The GUID a code gets in every export: the same id always gives the same GUID."""
    return refi_guid("code", code_id)


# export ---------------------------------------------------------------------------------
def codebook_to_qdc(codebook: Codebook, with_qualcode_fields: bool = True) -> bytes:
    """The codebook as a REFI-QDA ``.qdc`` document (UTF-8 XML bytes)."""
    root = etree.Element(_tag(CODEBOOK_NAMESPACE, "CodeBook"), nsmap={None: CODEBOOK_NAMESPACE},
                         origin=f"qualcode {__version__}")
    append_codes(etree.SubElement(root, _tag(CODEBOOK_NAMESPACE, "Codes")), codebook,
                 CODEBOOK_NAMESPACE, with_qualcode_fields)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def append_codes(parent_element, codebook: Codebook, namespace: str,
                 with_qualcode_fields: bool = True) -> None:
    """Append the code tree as REFI-QDA ``Code`` elements (also used in ``project.qde``)."""
    def add(element, code):
        child = etree.SubElement(element, _tag(namespace, "Code"), guid=code_guid(code.id),
                                 name=xml_text(code.label), isCodable="true")
        if code.color:
            child.set("color", code.color.upper())
        description = etree.SubElement(child, _tag(namespace, "Description"))
        description.text = xml_text(description_with_fields(code) if with_qualcode_fields else code.description)
        for grandchild in codebook.children(code.id):
            add(child, grandchild)

    for root_code in codebook.roots():
        add(parent_element, root_code)


def description_with_fields(code: Code) -> str:
    """The code's description followed by the fenced block of qualcode's own fields."""
    data = code.to_dict()
    fields = {name: data[name] for name in EXTRA_FIELDS if name in data}
    block = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=100).rstrip()
    return f"{code.description}\n\n{FENCE_OPEN}\n{block}\n{FENCE_CLOSE}"


# import ---------------------------------------------------------------------------------
def read_qdc(path, name: str | None = None, language: str = "sv") -> Codebook:
    """Read a REFI-QDA codebook (``.qdc``, or the codebook of a ``.qde``/``.qdpx`` project) as
    written by NVivo, ATLAS.ti, MAXQDA, QualCoder or qualcode. Ids come from the qualcode block when present, else from the code names;
    ``isCodable="false"`` codes (categories) become parents of their nested codes."""
    path = Path(path)
    root = _parse_xml(path)
    if _local(root) == "Project" and _child(root, "CodeBook") is not None:
        root = _child(root, "CodeBook")
    codes_element = _child(root, "Codes")
    if _local(root) != "CodeBook" or codes_element is None:
        raise InputError(located(path, f"is not a REFI-QDA codebook (root <{_local(root)}> "
                                 "without <Codes>); export the codebook as .qdc from your tool",
                                 line=root.sourceline))
    entries = []
    for element in _children(codes_element, "Code"):
        _collect(element, None, path, entries)
    if not entries:
        raise InputError(located(path, "holds no codes", line=codes_element.sourceline))
    _assign_ids(entries)
    data = {"name": name or path.stem, "language": language,
            "codes": [entry["code"] for entry in entries]}
    return Codebook.from_dict(data, source=str(path))


def _parse_xml(path):
    """The root element of a .qdc/.qde file, or of project.qde inside a .qdpx archive, parsed
    only up to the end of its <CodeBook> (what comes after it is never read). A file, or an
    archive member by its declared size, larger than MAX_XML_BYTES is refused unread."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                member = archive.getinfo("project.qde")
                refuse_large_members(path, archive, {member.filename}, MAX_XML_BYTES, EXPORT_CODEBOOK)
                with archive.open(member) as stream:
                    return _codebook_root(stream)
        if path.stat().st_size > MAX_XML_BYTES:
            raise InputError(located(path, f"it is {size_text(path.stat().st_size)}, more than the "
                                           f"{size_text(MAX_XML_BYTES)} expected; {EXPORT_CODEBOOK}"))
        with open(path, "rb") as stream:
            return _codebook_root(stream)
    except KeyError:
        raise InputError(located(path, "is a zip archive without project.qde; give a .qdc "
                                 "codebook or a .qdpx project")) from None
    except (OSError, zipfile.BadZipFile) as error:
        raise InputError(located(path, f"cannot be read ({getattr(error, 'strerror', None) or error}); "
                                 "check the path, or export the file again")) from None
    except etree.XMLSyntaxError as error:
        line = error.position[0] if error.position else None
        raise InputError(located(path, f"is not well-formed XML ({error.msg}); export the "
                                 "codebook again", line=line)) from None


def _codebook_root(stream):
    """Parse XML from ``stream`` (entities never resolved, nothing fetched) up to the end of
    the <CodeBook> element; elements read past are dropped, so memory stays small."""
    root = None
    for event, element in etree.iterparse(stream, events=("start", "end"), resolve_entities=False,
                                          no_network=True, huge_tree=False, load_dtd=False):
        if event == "start":
            root = root if root is not None else element
            continue
        if _local(element) == "CodeBook" and (element is root or element.getparent() is root):
            return element
        if element.getparent() is root and _local(root) != "CodeBook":  # a finished part of a project
            element.clear()
            while element.getprevious() is not None:
                del root[0]
    return root


def _collect(element, parent_entry, path, entries):
    label = (element.get("name") or "").strip()
    if not label:
        raise InputError(located(path, "a <Code> has no name attribute; name the code in your "
                                 "tool and export again", line=element.sourceline, field="name"))
    guid = element.get("guid")
    if guid and any(entry["guid"] == guid for entry in entries):
        raise InputError(located(path, f"guid {guid} is used by two codes; every code needs its "
                                 "own guid", line=element.sourceline, field="guid"))
    prose, fields = _split_description(_child_text(element, "Description"), path, element)
    code = {"label": label, "description": prose or label, **fields}
    color = _color(element.get("color"))
    if color:
        code["color"] = color
    entry = {"guid": guid, "code": code, "parent": parent_entry}
    entries.append(entry)
    for child in _children(element, "Code"):
        _collect(child, entry, path, entries)


def _split_description(text, path, element):
    """Split a description into its prose and the fields of a qualcode block, if any."""
    text = (text or "").strip()
    match = FENCED_BLOCK.search(text)
    if not match:
        return text, {}
    try:
        fields = load_yaml_data(match.group(1), str(path), element.sourceline) or {}
    except InputError as error:
        raise InputError(f"{error} (in the ```qualcode block of this code's Description; fix or "
                         "delete the block)") from None
    if not isinstance(fields, dict):
        fields = {}
    return text[:match.start()].strip(), {key: value for key, value in fields.items()
                                          if key in EXTRA_FIELDS}


def _assign_ids(entries):
    """Give every code a unique id (the block's id when free, else one made from the name)."""
    taken = set()
    for entry in entries:
        code = entry["code"]
        wanted = code.get("id")
        if not isinstance(wanted, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", wanted) \
                or wanted in taken:
            wanted = _unique(id_from_name(code["label"]), taken)
        code["id"] = wanted
        taken.add(wanted)
    for entry in entries:
        parent = entry["parent"]
        entry["code"].pop("parent", None)
        if parent is not None:
            entry["code"]["parent"] = parent["code"]["id"]


def id_from_name(name: str) -> str:
    """A code id made from a code name, without a leading outline number:
    ``"2.1 Ekonomi & resurser"`` -> ``"ekonomi_resurser"``."""
    unnumbered = LEADING_NUMBERING.sub("", name.strip())
    folded = (unnumbered or name).lower().translate(FOLDED_LETTERS)
    ascii_only = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "_", ascii_only).strip("_")
    if not words:
        return "code"
    return words if words[0].isalpha() else f"code_{words}"


def _unique(candidate, taken):
    if candidate not in taken:
        return candidate
    number = 2
    while f"{candidate}_{number}" in taken:
        number += 1
    return f"{candidate}_{number}"


def _color(value):
    value = (value or "").strip()
    if re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        return value.lower()
    if re.fullmatch(r"#[0-9a-fA-F]{3}", value):
        return "#" + "".join(char * 2 for char in value[1:].lower())
    return None


# XML helpers that ignore namespaces (tools disagree on them) ---------------------------------
def _tag(namespace, name):
    return f"{{{namespace}}}{name}"


def _local(element):
    return etree.QName(element).localname


def _children(element, name):
    return [child for child in element if isinstance(child.tag, str) and _local(child) == name]


def _child(element, name):
    found = _children(element, name)
    return found[0] if found else None


def _child_text(element, name):
    child = _child(element, name)
    return _plain_text(child) if child is not None else None


def _plain_text(element):
    """The text of ``element``: entity references (never resolved) and comments are left out,
    the text around them kept."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_plain_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
