"""Text from answers, labels and column names made safe for where it is written: a CSV cell a
spreadsheet opens, XML (DOCX, REFI-QDA), Markdown (and, in :mod:`qualcode.progress`, the
terminal).

Answers are the analyst's data and may hold anything a respondent typed or pasted: a leading
``=``, escape sequences, control characters, HTML. None of it may run as a formula, move the
cursor, break an XML writer or become markup.
"""
import re

FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
PREFIXED_FORMULA = re.compile(r"'+[=+\-@\t\r]")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
FORMULA_PREFIX = "'"

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
CONTROL_PICTURES = 0x2400  # U+2400 SYMBOL FOR NULL ... U+241F: one visible sign per C0 control

MARKDOWN_UNSAFE = re.compile(r"&(?=#\d+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)|[<>\[\]\\]")
MARKDOWN_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "[": "\\[", "]": "\\]", "\\": "\\\\"}


def neutralise_formula(text):
    """A CSV cell that a spreadsheet would run as a formula, made inert (OWASP).

    A text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    apostrophe; plain numbers (``-5``, ``+46``) stay as they are. A text that already starts
    with apostrophes before such a character gets one more, so :func:`restore_formula` gives
    back every original exactly.

    >>> neutralise_formula("=HYPERLINK(1)"), neutralise_formula("-3,5"), neutralise_formula("Bra")
    ("'=HYPERLINK(1)", '-3,5', 'Bra')
    """
    if FORMULA_START.match(text) and not PLAIN_NUMBER.fullmatch(text):
        return FORMULA_PREFIX + text
    return text


def restore_formula(text):
    """The text :func:`neutralise_formula` was given: ``"'=1+1"`` -> ``"=1+1"``."""
    return text[1:] if PREFIXED_FORMULA.match(text) else text


def neutralise_column(values):
    """A pandas Series with :func:`neutralise_formula` applied to its text cells (the same
    Series when none would start a formula)."""
    if values.dtype.kind in "biufcmM":
        return values
    changed = values.map(lambda value: isinstance(value, str) and neutralise_formula(value) != value)
    if not changed.any():
        return values
    return values.where(~changed.astype(bool), values[changed.astype(bool)].map(neutralise_formula))


def restore_column(values):
    """A Series with :func:`restore_formula` applied to its text cells."""
    return values.map(lambda value: restore_formula(value) if isinstance(value, str) else value)


def xml_text(text):
    """``text`` with the characters XML 1.0 cannot hold replaced, so that DOCX and REFI-QDA
    writers never fail on an answer: a C0 control becomes its visible symbol (ESC -> ␛, one
    character for one, so offsets into the text stay valid), anything else U+FFFD."""
    return XML_ILLEGAL.sub(_visible, text)


def _visible(match):
    code = ord(match.group())
    return chr(CONTROL_PICTURES + code) if code < 0x20 else "\ufffd"


def markdown_text(text):
    """``text`` as literal Markdown: no HTML (``<script>``, ``<img onerror>``, entities), no
    links or images (``[..](..)``); other characters stay as they are, readable in the file.

    >>> markdown_text("<b>[klicka](x)</b> & mer")
    '&lt;b&gt;\\\\[klicka\\\\](x)&lt;/b&gt; & mer'
    """
    return MARKDOWN_UNSAFE.sub(lambda match: MARKDOWN_ESCAPES[match.group()[0]], text)
