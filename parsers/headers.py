"""Decode mail header values the way Vietnamese mailers actually write them."""

from __future__ import annotations

import base64
import binascii
import codecs
import email.utils
import re
import unicodedata

from parsers.text import squash_spaces

# An RFC 2047 encoded word; RFC 2231 allows a language after "*" in the charset.
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_BETWEEN_WORDS = re.compile(r"[ \t\r\n]*")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Names mailers use for charsets Python knows under another name.
_CHARSET_ALIASES = {
    "windows-1258": "cp1258",
    "win-1258": "cp1258",
    "x-windows-1258": "cp1258",
    "unknown-8bit": "utf-8",
    "x-unknown": "utf-8",
    "utf8": "utf-8",
    "ansi_x3.4-1968": "ascii",
}


def codec_for(charset: str | None) -> str | None:
    """Return the Python codec for a declared charset, or None when unknown."""
    if not charset:
        return None
    name = charset.strip().strip("\"'").split("*", 1)[0].lower()
    name = _CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Decode ``data`` declared as ``charset``, surviving wrong or missing charsets.

    Mailers often declare us-ascii or iso-8859-1 for UTF-8 text, so strict UTF-8
    wins over a Latin declaration; windows-1258 is the Vietnamese fallback for
    undeclared or mislabelled 8-bit text. Never raises.
    """
    declared = codec_for(charset)
    declared = _SUPERSETS.get(declared or "", declared)
    if declared in _LATIN:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if declared and declared != "utf-8":
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            if declared not in _LATIN:
                return data.decode(declared, "replace")
    try:
        return data.decode("cp1258")
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace")


# Declarations that say nothing trustworthy about 8-bit bytes.
_LATIN = frozenset({None, "ascii", "latin-1", "iso8859-1", "cp1252", "utf-8"})
# Charsets mailers declare for text written in a larger superset.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "euc_kr": "cp949", "iso8859-1": "cp1252"}


def raw_to_text(value: str) -> str:
    """Undo the surrogate escapes that raw 8-bit header bytes become in ``email``."""
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        return decode_bytes(value.encode("utf-8", "surrogateescape"))
    return value


def decode_words(value: str) -> str:
    """Return ``value`` with RFC 2047 encoded words decoded, tolerant of broken ones.

    Adjacent encoded words in the same charset are decoded together, because
    mailers split a multi-byte UTF-8 letter across two words.
    """
    value = raw_to_text(value)
    pieces: list[str] = []
    pending: list[bytes] = []
    pending_charset: str | None = None
    position = 0

    def flush() -> None:
        nonlocal pending_charset
        if pending:
            pieces.append(decode_bytes(b"".join(pending), pending_charset))
            pending.clear()
        pending_charset = None

    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        if not (pending and _BETWEEN_WORDS.fullmatch(between)):
            flush()
            pieces.append(between)
        charset = match.group(1)
        if pending and codec_for(charset) != codec_for(pending_charset):
            flush()
        pending_charset = charset
        pending.append(_word_bytes(match.group(2), match.group(3)))
        position = match.end()
    flush()
    pieces.append(value[position:])
    return "".join(pieces)


def _word_bytes(encoding: str, text: str) -> bytes:
    if encoding in "bB":
        compact = re.sub(r"[^A-Za-z0-9+/]", "", text)
        compact += "=" * (-len(compact) % 4)
        try:
            return base64.b64decode(compact)
        except (binascii.Error, ValueError):
            return text.encode("ascii", "replace")
    raw = text.replace("_", " ").encode("utf-8", "surrogateescape")
    return re.sub(rb"=([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)


def header_text(value: object) -> str:
    """Return a header as clean one-line NFC text (decoded, unfolded, no controls)."""
    if value is None:
        return ""
    text = decode_words(str(value))
    return unicodedata.normalize("NFC", squash_spaces(_CONTROL.sub(" ", text)))


def addresses(value: object) -> list[tuple[str, str]]:
    """Return the (display name, address) pairs of an address header, decoded."""
    if value is None:
        return []
    raw = raw_to_text(str(value)).replace("\r", " ").replace("\n", " ")
    try:
        pairs = email.utils.getaddresses([raw])
    except Exception:
        pairs = []
    result = []
    for name, address in pairs:
        address = _CONTROL.sub("", address).strip().strip("<>").lower()
        if "@" not in address and not name:
            continue
        result.append((header_text(name).strip("\"' "), address))
    return result
