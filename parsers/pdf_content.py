"""Parse PDF page content streams faster than pypdf, into pypdf's own objects.

pypdf reads a page's content stream a byte at a time, which is a large share of
its text extraction. ``FastContentStream`` reads the common tokens (strings,
numbers, names, hex strings, flat arrays, operators) with regular expressions
and builds exactly the objects pypdf builds; pypdf then extracts the text as
usual. A dictionary (marked content) is read by pypdf's own ``read_object``.
Anything else (an inline image, a string with nested parentheses, a malformed
token, a stream past pypdf's parsing budget) sends the whole stream to pypdf's
parser, so the result never differs from pypdf's.
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from pypdf import get_configuration
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    ContentStream,
    FloatObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamParsingBudget,
    read_object,
)

# Between tokens pypdf skips NUL, TAB, LF, FF, CR and space; inside an array also VT.
_SPACE = rb"[\x00\t\n\f\r ]"
_ARRAY_SPACE = rb"[\x00\t\n\x0b\f\r ]"
_DELIMITED = rb"[^\s()<>\[\]{}/%]"  # up to pypdf's NameObject.delimiter_pattern
_OPERATOR = rb"[A-Za-z'\"]" + _DELIMITED + rb"*"
# A string without nested parentheses; possessive, so a missing ")" cannot backtrack.
_STRING = rb"\([^()\\]*+(?:\\.[^()\\]*+)*+\)"
_NUMBER = rb"[+,\-.0-9]+"  # pypdf's NumberObject.NumberPattern
_NAME = rb"/" + _DELIMITED + rb"*"
_HEX = rb"<[0-9A-Fa-f\x00\t\n\f\r ]*>"
_ITEM = rb"|".join((_STRING, _NUMBER, _NAME, _HEX))
_ARRAY_BODY = rb"(?:" + _ARRAY_SPACE + rb"*+(?:" + _ITEM + rb"))*+" + _ARRAY_SPACE + rb"*+"
_ARRAY = rb"\[" + _ARRAY_BODY + rb"\]"
# Marked content ("/Span <</ActualText <FEFF0041>>> BDC"): a flat dictionary, read by
# pypdf itself; "<<…>> stream" would be a stream object to pypdf, so it is not one.
_ENTRY = _NAME + _SPACE + rb"*+(?:" + _ITEM + rb"|" + _ARRAY + rb")"
_DICTIONARY = rb"<<(?:%s*+%s)*+%s*+>>(?!%s*+stream)" % (_SPACE, _ENTRY, _SPACE, _SPACE)
# One token: an operand, an operator, a comment, or any other byte (pypdf's to read).
_TOKENS = re.compile(
    _SPACE
    + rb"*+("
    + rb"|".join((_STRING, _NUMBER, _OPERATOR, _NAME, _ARRAY, _DICTIONARY, _HEX))
    + rb"|%[^\r\n]*+[\r\n]?|.)",
    re.DOTALL,
)
_ITEMS = re.compile(_ARRAY_SPACE + rb"*+(" + _ITEM + rb")", re.DOTALL)
_OPERATOR_START = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'\"")
_INTEGER = re.compile(rb"[+-]?[0-9]+")
_FLOAT = re.compile(rb"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+)")
# pypdf reads "1 0 R" as an indirect reference, which a content stream cannot resolve.
_REFERENCE = re.compile(rb"[0-9]\s+[0-9]+\s+R[^a-zA-Z]")
_ESCAPE = re.compile(rb"\\(?:([0-7]{1,3})|([\r\n][\r\n]?)|(.))", re.DOTALL)
_ESCAPED = {
    b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")",
    b"/": b"/", b"\\": b"\\", b" ": b" ", b"%": b"%", b"<": b"<", b">": b">", b"[": b"[",
    b"]": b"]", b"#": b"#", b"_": b"_", b"&": b"&", b"$": b"$",
}  # fmt: skip
_HEX_SPACE = b"\x00\t\n\f\r "


class FastContentStream(ContentStream):
    """A content stream parsed by regular expressions when it can be, else by pypdf."""

    def _parse_content_stream(self, stream: Any) -> None:
        # Text extraction reads strings as bytes; any other encoding is pypdf's to apply.
        operations = None
        if self.forced_encoding == "bytes":
            stream.seek(0)
            operations = parse_operations(stream.read())
        if operations is None:
            super()._parse_content_stream(stream)
        else:
            self._operations = operations


class _Unsupported(Exception):
    """A token the fast parser leaves to pypdf."""


def parse_operations(data: bytes) -> list[tuple[Any, bytes]] | None:
    """Return the operations of a content stream as pypdf reads them, or None to let pypdf."""
    # Every token takes a byte at least: a longer stream might hold more tokens than
    # pypdf's parsing budget, which its own parser enforces as it goes.
    if len(data) > get_configuration().stream_parsing_work_maximum_count:
        return None
    if _REFERENCE.search(data):
        return None
    try:
        return _Parser().operations(data)
    except Exception:  # _Unsupported, or pypdf's error on a bad token: pypdf reports it
        return None


class _Parser:
    def __init__(self) -> None:
        configuration = get_configuration()
        self.budget = configuration.stream_parsing_work_maximum_count
        self.max_items = configuration.array_maximum_element_count
        self.tokens = 0  # pypdf's parsing budget: operators, operands, array items
        # Operands are immutable (numbers, strings, names), so equal tokens share one.
        self.operands: dict[bytes, Any] = {}

    def operations(self, data: bytes) -> list[tuple[Any, bytes]] | None:
        operations: list[tuple[Any, bytes]] = []
        operands: list[Any] = []
        known = self.operands.get
        found = _TOKENS.findall(data)
        for token in found:
            operand = known(token)
            if operand is not None:
                operands.append(operand)
                continue
            first = token[0]
            if first in _OPERATOR_START:
                if token == b"BI" or len(token) > 96:
                    return None  # an inline image, or an operator pypdf refuses
                operations.append((operands, token))
                operands = []
            elif first == 0x5B and len(token) > 1:  # [
                operands.append(self._array(token[1:-1]))
            elif first == 0x3C and token[:2] == b"<<":
                operands.append(self._dictionary(token))
            elif first != 0x25:  # % starts a comment, which pypdf skips
                operands.append(self._operand(token))
        # Operands left without an operator at the end are dropped, as pypdf does.
        self.tokens += len(found)
        return operations if self.tokens <= self.budget else None

    def _array(self, body: bytes) -> ArrayObject:
        known, operand = self.operands.get, self._operand
        array = ArrayObject([known(item) or operand(item) for item in _ITEMS.findall(body)])
        if len(array) > self.max_items:
            raise _Unsupported
        self.tokens += len(array)
        return array

    def _operand(self, token: bytes) -> Any:
        first = token[:1]
        value: Any
        if first == b"(" and len(token) > 1:
            value = _string(token)
        elif first == b"/":
            value = _name(token)
        elif first == b"<" and len(token) > 1:
            value = _hex(token)
        else:
            value = self._number(token)
        self.operands[token] = value
        return value

    def _number(self, token: bytes) -> PdfObject:
        if len(token) >= 20:
            raise _Unsupported  # pypdf reads a long number another way
        number: PdfObject
        if _INTEGER.fullmatch(token):
            number = NumberObject(token)
        elif _FLOAT.fullmatch(token):
            number = FloatObject(token)
        else:
            raise _Unsupported  # malformed: pypdf warns and reads 0
        return number

    def _dictionary(self, token: bytes) -> PdfObject:
        # pypdf reads the dictionary itself, within what is left of the budget.
        budget = StreamParsingBudget(remaining_budget=self.budget - self.tokens)
        stream = BytesIO(token)
        dictionary = read_object(stream, None, "bytes", parsing_budget=budget)
        if stream.tell() != len(token):
            raise _Unsupported  # pypdf stopped early (a malformed entry)
        self.tokens = self.budget - budget.remaining_budget
        return dictionary


def _string(token: bytes) -> ByteStringObject:
    body = token[1:-1]
    if b"\\" in body:
        body = _ESCAPE.sub(_unescape, body)
    return ByteStringObject(body)


def _unescape(match: re.Match[bytes]) -> bytes:
    octal, newline, other = match.groups()
    if octal is not None:
        value = int(octal, 8)
        # pypdf keeps the backslash and the digits of an escape past 255.
        return bytes((value,)) if value <= 255 else b"\\" + octal
    if newline is not None:
        return b""  # an escaped line break continues the string
    return _ESCAPED.get(other, b"\\" + other)


def _name(token: bytes) -> NameObject:
    if b"#" in token or len(token) > 4000:
        raise _Unsupported  # escaped or over pypdf's length limit
    return NameObject(token.decode("utf-8"))


def _hex(token: bytes) -> ByteStringObject:
    digits = token[1:-1].translate(None, _HEX_SPACE)
    if len(digits) % 2:
        digits += b"0"
    return ByteStringObject(bytes.fromhex(digits.decode("ascii")))
