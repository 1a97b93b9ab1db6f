"""REFI-QDA codebook exchange: schema rules of the export, round trips, other tools' exports."""
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from qualcode.codebook import load_codebook, parse_codebook_text
from qualcode.codebook.refi import code_guid, codebook_to_qdc, id_from_name, read_qdc
from qualcode.errors import InputError

DATA = Path(__file__).parent / "data" / "codebook"
NS = {"q": "urn:QDA-XML:codebook:1.0"}
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")

TEXT = """\
name: Test
language: sv
codes:
  - id: hinder
    label: Hinder
    description: Allt som bromsar.
  - id: resources
    label: Ekonomi & resurser
    description: Pengar och budget.
    include: Gäller kostnader.
    exclude: Gäller inte bistånd.
    keywords: [ekonomi, "inte råd", resurs*]
    exclude_keywords: ["ekonomiskt bistånd"]
    examples: ["Vi har inte råd med licenserna."]
    parent: hinder
    color: "#1f77b4"
    threshold: 0.4
    note: Min anteckning
  - id: staffing
    label: Personal
    description: För lite personal.
    parent: resources
    status: suggested
"""


@pytest.fixture
def codebook():
    return parse_codebook_text(TEXT, source="test.yaml")


@pytest.fixture
def schema():
    return etree.XMLSchema(etree.parse(str(DATA / "refi_codebook_rules.xsd")))


def exported(codebook, tmp_path, **options):
    path = tmp_path / "cb.qdc"
    path.write_bytes(codebook_to_qdc(codebook, **options))
    return path


def test_export_validates_against_the_codebook_schema(codebook, schema, default_codebook_path):
    for book in (codebook, load_codebook(default_codebook_path)):
        document = etree.fromstring(codebook_to_qdc(book))
        assert schema.validate(document), schema.error_log


def test_schema_rejects_what_the_standard_forbids(schema):
    bad_guid = ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="g1" name="a" '
                'isCodable="true"/></Codes></CodeBook>')
    no_codable = ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code '
                  'guid="8a537ff5-916f-5719-a560-6162407663d0" name="a"/></Codes></CodeBook>')
    foreign_child = ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code '
                     'guid="8a537ff5-916f-5719-a560-6162407663d0" name="a" isCodable="true">'
                     '<Keywords/></Code></Codes></CodeBook>')
    for text in (bad_guid, no_codable, foreign_child):
        assert not schema.validate(etree.fromstring(text))


def test_required_attributes_guids_and_nesting(codebook):
    root = etree.fromstring(codebook_to_qdc(codebook))
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook" and root.get("origin").startswith("qualcode")
    codes = root.findall(".//q:Code", NS)
    assert len(codes) == 3
    for element in codes:
        assert GUID.match(element.get("guid")) and element.get("name")
        assert element.get("isCodable") in ("true", "false")
        assert element[0].tag == "{urn:QDA-XML:codebook:1.0}Description"
    top = root.findall("q:Codes/q:Code", NS)
    assert [e.get("name") for e in top] == ["Hinder"]
    nested = top[0].find("q:Code", NS)
    assert nested.get("name") == "Ekonomi & resurser" and nested.get("color") == "#1F77B4"
    assert nested.find("q:Code", NS).get("name") == "Personal"


def test_guids_are_deterministic_from_the_code_id(codebook):
    assert codebook_to_qdc(codebook) == codebook_to_qdc(codebook)
    root = etree.fromstring(codebook_to_qdc(codebook))
    guids = [element.get("guid") for element in root.iter("{urn:QDA-XML:codebook:1.0}Code")]
    assert guids == [code_guid("hinder"), code_guid("resources"), code_guid("staffing")]
    assert len(set(guids)) == 3


def test_round_trip_keeps_every_field(codebook, tmp_path):
    back = read_qdc(exported(codebook, tmp_path), name="Test", language="sv")
    assert back.to_dict() == codebook.to_dict()
    assert back.content_hash == codebook.content_hash


def test_round_trip_of_the_default_codebook(default_codebook_path, tmp_path):
    original = load_codebook(default_codebook_path)
    back = read_qdc(exported(original, tmp_path), name=original.name)
    assert back.to_dict()["codes"] == original.to_dict()["codes"]


def test_qualcode_fields_travel_as_a_fenced_block_in_the_description(codebook):
    root = etree.fromstring(codebook_to_qdc(codebook))
    description = root.find(".//q:Code[@name='Ekonomi & resurser']/q:Description", NS).text
    prose, block = description.split("\n\n```qualcode\n")
    assert prose == "Pengar och budget." and block.endswith("\n```")
    assert "id: resources" in block and "- inte råd" in block


def test_plain_export_has_descriptions_only(codebook, tmp_path):
    back = read_qdc(exported(codebook, tmp_path, with_qualcode_fields=False), name="Test")
    assert back.ids == ["hinder", "ekonomi_resurser", "personal"]
    assert back["ekonomi_resurser"].description == "Pengar och budget."
    assert back["ekonomi_resurser"].keywords == () and back["personal"].parent == "ekonomi_resurser"
    assert back["ekonomi_resurser"].color == "#1f77b4"


def test_nvivo_shaped_file():
    cb = read_qdc(DATA / "nvivo_shaped.qdc")
    assert cb.name == "nvivo_shaped" and cb.language == "sv"
    assert cb.ids == ["hinder", "ekonomi_resurser", "kompetens", "ovrigt", "drivkrafter",
                      "effektivisering", "ovrigt_2"]
    assert cb["ekonomi_resurser"].label == "Ekonomi & resurser"
    assert cb["ekonomi_resurser"].description == "Pengar, budget och personal."
    assert cb["kompetens"].description == "Kompetens"  # no description: the name stands in
    assert [c.id for c in cb.children("drivkrafter")] == ["effektivisering", "ovrigt_2"]
    assert all(code.color is None for code in cb)


def test_maxqda_shaped_file():
    cb = read_qdc(DATA / "maxqda_shaped.qdc", name="MAXQDA")
    assert cb.ids == ["forandringsvilja", "motstand", "bredband_fiber"]
    assert cb["forandringsvilja"].color == "#ff0000" and cb["motstand"].color == "#ff00aa"
    assert cb["motstand"].parent == "forandringsvilja" and cb["bredband_fiber"].parent is None


def test_qualcoder_shaped_file_with_version_quirks_and_categories():
    cb = read_qdc(DATA / "qualcoder_shaped.qdc")
    assert cb.ids == ["styrning", "politisk_prioritet", "strategi", "gdpr"]
    assert [c.id for c in cb.children("styrning")] == ["politisk_prioritet", "strategi"]
    assert cb["styrning"].description == "Kategori för ledning och politik"
    assert cb["strategi"].color is None and cb["gdpr"].color == "#00ff00"


def test_codebook_inside_a_project_archive(tmp_path):
    import zipfile

    project = ('<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes>'
               '<Code guid="8a537ff5-916f-5719-a560-6162407663d0" name="Sekretess" isCodable="true"/>'
               '</Codes></CodeBook></Project>')
    path = tmp_path / "p.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", project)
    assert read_qdc(path).ids == ["sekretess"]


@pytest.mark.parametrize("text, expected", [
    ("<CodeBook><Codes>", ["is not well-formed XML", "line 1"]),
    ('<Other xmlns="urn:QDA-XML:codebook:1.0"/>', ["is not a REFI-QDA codebook", "<Other>"]),
    ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', ["holds no codes"]),
    ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>\n<Code guid="x" isCodable="true"/>'
     "</Codes></CodeBook>", ["line 2", "name", "has no name attribute"]),
    ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="x" name="a" isCodable="true"/>'
     '\n<Code guid="x" name="b" isCodable="true"/></Codes></CodeBook>',
     ["line 2", "guid", "used by two codes"]),
])
def test_import_errors_name_file_and_line(tmp_path, text, expected):
    path = tmp_path / "bad.qdc"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_qdc(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    for part in expected:
        assert part in message


@pytest.mark.parametrize("name, expected", [
    ("Ekonomi & resurser", "ekonomi_resurser"), ("Förändringsvilja", "forandringsvilja"),
    ("2.1 Bredband/fiber", "bredband_fiber"), ("5G", "code_5g"), ("Café é", "cafe_e"),
    ("???", "code"),
])
def test_ids_from_names(name, expected):
    assert id_from_name(name) == expected


@given(st.text(max_size=40))
def test_ids_from_any_name_are_valid(name):
    assert re.fullmatch(r"[a-z][a-z0-9_]*", id_from_name(name))
