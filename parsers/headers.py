"""Decode mail header values the way Vietnamese mailers actually write them."""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Mailbox:
    """One mailbox of an address header: its display name (decoded, NFC) and address."""

    name: str
    address: str  # lower-cased; "" when the mailbox gives no address


@dataclass(frozen=True)
class AddressList:
    """What an address header (From, Sender, Reply-To) holds."""

    mailboxes: tuple[Mailbox, ...] = ()
    # Group syntax was used ("undisclosed: a@x, b@y;"): nobody in particular sent it.
    grouped: bool = False

    @property
    def addresses(self) -> tuple[str, ...]:
        """Return the distinct addresses, in header order."""
        return tuple(dict.fromkeys(m.address for m in self.mailboxes if m.address))

    @property
    def ambiguous(self) -> bool:
        """Return True when the header does not name exactly one sender address."""
        return self.grouped or len(self.addresses) > 1


def addresses(value: object) -> list[tuple[str, str]]:
    """Return the (display name, address) pairs of an address header, decoded."""
    return [(m.name, m.address) for m in parse_address_list(value).mailboxes]


def parse_address_list(value: object) -> AddressList:
    """Return the mailboxes of an address header, read the way mail programs show them.

    The address is the one in angle brackets, never text of the display name
    (``hoahoi.cth@tayninh.gov.vn <attacker@evil.example>`` is attacker's);
    comments are names, never addresses; every address is kept, so a second
    one or a group cannot go unseen. Display names are decoded after the
    structure is read, so an encoded word that holds an address stays a name.

    The structure is read here because neither standard parser reads such
    headers as mail programs show them: ``email.utils.getaddresses`` turns an
    unquoted display name holding an address into a mailbox of its own, and
    ``email.headerregistry`` keeps that display-name address and drops the
    angle-bracket one (and cannot decode a letter split across encoded words).
    """
    if value is None:
        return AddressList()
    text = raw_to_text(str(value)).replace("\r", " ").replace("\n", " ")
    mailboxes: list[Mailbox] = []
    grouped = False
    element: list[tuple[str, str]] = []
    for kind, token in _address_tokens(text):
        if kind == ":" and not any(k == "<" for k, _ in element):
            # "name:" opens a group; what preceded it names the group, not a sender.
            grouped, element = True, []
        elif kind in ",;":
            mailboxes.extend(_mailboxes(element))
            element = []
        else:
            element.append((kind, token))
    mailboxes.extend(_mailboxes(element))
    return AddressList(tuple(mailboxes), grouped)


_ADDRESS_SPECIALS = frozenset('"(<,:;')


def _address_tokens(text: str) -> Iterator[tuple[str, str]]:
    """Yield (kind, text) tokens: "w" word, '"' quoted, "(" comment, "<" angle address,
    or one of ",", ":", ";"."""
    position, end = 0, len(text)
    while position < end:
        char = text[position]
        if char.isspace():
            position += 1
        elif char == '"':
            token, position = _delimited(text, position + 1, '"')
            yield '"', token
        elif char == "(":
            token, position = _comment(text, position + 1)
            yield "(", token
        elif char == "<":
            close = text.find(">", position + 1)
            close = end if close < 0 else close
            yield "<", text[position + 1 : close]
            position = close + 1
        elif char in ",:;":
            yield char, char
            position += 1
        else:
            start = position
            while (
                position < end
                and text[position] not in _ADDRESS_SPECIALS
                and not text[position].isspace()
            ):
                position += 1
            yield "w", text[start:position]


def _delimited(text: str, position: int, close: str) -> tuple[str, int]:
    """Return a quoted string's content (backslash escapes undone) and where it ends."""
    out: list[str] = []
    while position < len(text) and text[position] != close:
        if text[position] == "\\" and position + 1 < len(text):
            position += 1
        out.append(text[position])
        position += 1
    return "".join(out), position + 1


def _comment(text: str, position: int) -> tuple[str, int]:
    """Return a (possibly nested) comment's content and where it ends."""
    out: list[str] = []
    depth = 1
    while position < len(text):
        char = text[position]
        if char == "\\" and position + 1 < len(text):
            position += 1
            char = text[position]
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return "".join(out), position + 1
        out.append(char)
        position += 1
    return "".join(out), position


def _mailboxes(element: list[tuple[str, str]]) -> list[Mailbox]:
    """Return the mailbox of one comma-separated element, or several when it holds more."""
    angles = [i for i, (kind, _) in enumerate(element) if kind == "<"]
    comments = " ".join(token for kind, token in element if kind == "(")
    if angles:
        before = element[: angles[0]]
        after = element[angles[0] + 1 :]
        found = [_clean_address(element[i][1]) for i in angles]
        # Text after the address that is itself an address ("x <a@b> c@d") is a second sender.
        found += [_clean_address(t) for k, t in after if k == "w" and "@" in t]
        name = _phrase(before) or comments
    else:
        words = [(kind, token) for kind, token in element if kind in ('"', "w")]
        found = [_clean_address(t) for k, t in words if k == "w" and "@" in t]
        name = _phrase([(k, t) for k, t in words if not (k == "w" and "@" in t)]) or comments
        if not found and not name:
            return []
    name = header_text(name).strip("\"' ")
    first = found[0] if found else ""
    return [Mailbox(name, first), *(Mailbox("", address) for address in found[1:])]


def _phrase(tokens: list[tuple[str, str]]) -> str:
    return " ".join(token for kind, token in tokens if kind in ('"', "w"))


def _clean_address(text: str) -> str:
    address = _CONTROL.sub("", text).strip().strip("<>")
    # An obsolete source route ("<@relay:user@host>") is not part of the address.
    address = address.rsplit(":", 1)[-1] if address.startswith("@") else address
    return "".join(address.split()).lower()
