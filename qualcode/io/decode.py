"""Turning the bytes of a delimited text file into text, as Excel and survey tools write it.

Detection is a short cascade instead of a statistical guess: a byte-order mark (UTF-8, UTF-16,
UTF-32) decides; otherwise UTF-16 without a mark is recognised by its zero bytes; otherwise the
text must be valid UTF-8; otherwise it is read as cp1252, which is what Swedish Excel writes
("CSV (semikolonavgränsad)"). Files that are not text at all (an .xlsx, .xls, PDF, zip or other
binary renamed to .csv) are recognised by their first bytes and named.
"""
import codecs
import re

from qualcode.errors import InputError, located
from qualcode.progress import explain

BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# first bytes -> what the file really is, and what to do about it
SIGNATURES = (
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook is one); if it is a workbook, "
                    "rename it to .xlsx"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook (or a password-protected one); "
                          "open it in Excel and save it as .xlsx or CSV UTF-8"),
    (b"%PDF", "a PDF document; export the answers from the survey tool as CSV or .xlsx"),
    (b"\x1f\x8b", "a gzip archive; unpack it first"),
    (b"PAR1", "a Parquet file; rename it to .parquet"),
    (b"{\\rtf", "an RTF document; save it as CSV UTF-8 instead"),
)

SWEDISH_UTF8 = re.compile(rb"\xc3[\x84\x85\x96\xa4\xa5\xa9\xb6]")  # Ä Å Ö ä å é ö in UTF-8


def decode_text(data, path, encoding=None):
    """Return the text in ``data`` (the bytes of ``path``), detecting the encoding unless given.

    Raises InputError for binary content and for bytes that the encoding cannot read.
    """
    refuse_binary(data, path)
    if encoding:
        return decode_as(data, path, encoding)
    return decode_detected(data, path)


def refuse_binary(data, path):
    """Raise InputError when ``data`` is a known binary format or not text at all."""
    for signature, what in SIGNATURES:
        if data.startswith(signature):
            raise InputError(located(path, f"this is not a text table but {what}"))
    if not _bom_encoding(data) and _utf16_without_bom(data) is None and b"\x00" in data[:4096]:
        raise InputError(located(
            path, "this is binary data (a NUL byte), not a text table; export the answers as CSV or .xlsx",
            line=_line_of(data, data.index(b"\x00"))))


def decode_as(data, path, encoding):
    """Decode ``data`` with the analyst's ``encoding``, naming the line of the first bad byte."""
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(located(
            path, f"unknown encoding {encoding!r}; use e.g. utf-8, utf-16 or cp1252")) from None
    if codec == "utf-8":
        codec = "utf-8-sig"
    try:
        text = data.decode(codec).lstrip("\ufeff")
    except UnicodeDecodeError as error:
        raise _undecodable(data, path, error, encoding) from None
    if b"\n" in data and "\n" not in text or _wide(codec) != _wide(_likely_encoding(data)):
        raise InputError(located(
            path, f"the file does not read as {encoding} (its lines run together): it looks like "
                  f"{_likely_encoding(data)}; leave --encoding out to detect it, or give the right one"))
    return text


def decode_detected(data, path):
    """Decode ``data`` by BOM, then UTF-16 without BOM, then UTF-8, then cp1252."""
    encoding = _bom_encoding(data) or _utf16_without_bom(data)
    if encoding:
        explain(f"{path}: encoding {encoding} (from its byte pattern)")
        return decode_as(data, path, encoding)
    try:
        text = data.decode("utf-8")
        explain(f"{path}: encoding utf-8")
        return text
    except UnicodeDecodeError as error:
        if SWEDISH_UTF8.search(data):
            raise InputError(located(
                path, "mixed encodings: most of the file is UTF-8 but a byte is not; "
                      "re-save the file as CSV UTF-8 or give --encoding",
                line=_line_of(data, error.start))) from None
        utf8_error = error
    try:
        text = data.decode("cp1252")
        explain(f"{path}: encoding cp1252 (not UTF-8; as Swedish Excel saves CSV)")
        return text
    except UnicodeDecodeError:
        raise _undecodable(data, path, utf8_error, "UTF-8 or cp1252") from None


def _likely_encoding(data):
    """The encoding the detection would choose for ``data``."""
    encoding = _bom_encoding(data) or _utf16_without_bom(data)
    if encoding:
        return encoding
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _wide(codec):
    """Whether ``codec`` takes two or four bytes a character (UTF-16, UTF-32)."""
    return codecs.lookup(codec).name.startswith(("utf-16", "utf-32"))


def _bom_encoding(data):
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _utf16_without_bom(data):
    """'utf-16-le'/'utf-16-be' when every other byte of the start is zero, as in ASCII UTF-16."""
    sample = data[:2048]
    if len(sample) < 4 or len(sample) % 2:
        sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _undecodable(data, path, error, encoding):
    byte = data[error.start:error.start + 1].hex()
    return InputError(located(
        path, f"cannot be read as {encoding} (byte 0x{byte}); save it from Excel as "
              "'CSV UTF-8' or give the right --encoding",
        line=_line_of(data, error.start)))


def _line_of(data, offset):
    return data.count(b"\n", 0, offset) + 1
