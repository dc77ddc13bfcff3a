"""Mail read from files (an mbox, a Maildir, .eml files): what IMAP would have told us.

Pure: bytes in, values out. mail-parser reads the Received: chain (its parser
splits each header into RFC 5321 clauses and gives every hop's date in UTC);
the standard library's email package stays the parser of the MIME tree
(parsers.mail).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import UTC, datetime
from email.parser import BytesHeaderParser

import mailparser
from mailparser.exceptions import MailParserError

#: A header field's name at the start of a line (RFC 5322 ftext), then a colon.
_FIELD = re.compile(rb"^[!-9;-~]+[ \t]*:")
#: Fields of which a message has at least one; a file with none is not mail.
_MAIL_FIELDS = frozenset({b"from", b"date", b"message-id", b"received", b"subject"})
#: How much of a file's start is looked at to decide whether it is mail.
_HEAD_BYTES = 64 * 1024
_BARE_LF = re.compile(rb"(?<!\r)\n")
#: A MIME boundary readpst writes: a random number, new on every run.
_READPST_BOUNDARY = re.compile(rb"boundary-LibPST-iamunique-(?:-?[0-9]+)_-_-")


def canonical(raw: bytes) -> bytes:
    """Return ``raw`` with CRLF line ends, as an IMAP server hands a message over.

    mbox and Maildir files keep bare LF; the SHA-256 that makes a message the
    same one whether imported or polled is taken of these bytes.
    """
    return _BARE_LF.sub(b"\r\n", raw)


def steady_boundaries(raw: bytes) -> bytes:
    """Return a message readpst wrote with its random MIME boundaries numbered in order.

    readpst draws each boundary at random, so the same .pst converted twice gives
    different bytes; numbered by first appearance they are the same bytes every
    time, and the SHA-256 that makes a message the same one holds across imports.
    """
    seen: dict[bytes, int] = {}

    def numbered(match: re.Match[bytes]) -> bytes:
        number = seen.setdefault(match.group(0), len(seen))
        return b"boundary-LibPST-steady-%d_-_-" % number

    return _READPST_BOUNDARY.sub(numbered, raw)


def header_block(raw: bytes) -> bytes:
    """Return the message's header section (up to the first empty line), with that line."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        end = raw.find(separator)
        if end >= 0:
            return raw[: end + len(separator)]
    return raw


def is_mail(raw: bytes) -> bool:
    """Whether ``raw`` starts like an Internet message: header fields, one of them usual."""
    head = header_block(raw[:_HEAD_BYTES])
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    names: set[bytes] = set()
    for number, line in enumerate(lines):
        if not line:
            break
        if line[:1] in (b" ", b"\t") and number > 0:
            continue  # a folded continuation
        if not _FIELD.match(line):
            return False
        names.add(line.split(b":", 1)[0].strip().lower())
    return bool(names & _MAIL_FIELDS)


def truncation(raw: bytes) -> str | None:
    """Return why ``raw`` looks cut short (a multipart without its closing boundary)."""
    headers = BytesHeaderParser().parsebytes(header_block(raw))
    if headers.get_content_maintype() != "multipart":
        return None
    boundary = headers.get_boundary()
    if not boundary:
        return None
    if b"--" + boundary.encode("ascii", "replace") + b"--" not in raw:
        return "thư bị cắt cụt (thiếu ranh giới cuối của phần MIME)"
    return None


def receive_time(raw: bytes, hosts: Collection[str]) -> datetime | None:
    """Return when the office's own server received ``raw``, or None if it never says.

    The time is that of the topmost Received: header whose ``by`` host is one of
    ``hosts`` (the mailbox's receiving hosts and its trusted authserv-id). The
    headers below it may be written by anyone (the sender's Date: too), so
    they are never used.
    """
    wanted = {host.lower().rstrip(".") for host in hosts if host}
    if not wanted:
        return None
    # The header section alone: the chain is there, and the attachments need not be decoded.
    try:
        chain = mailparser.parse_from_bytes(header_block(raw)).received
    except (MailParserError, ValueError, LookupError):
        return None  # a chain that cannot be read gives no time
    for hop in reversed(chain):  # mail-parser lists the first hop first
        if _host(hop.get("by", "")) not in wanted:
            continue
        when = _utc(hop.get("date_utc"))
        if when is not None:
            return when
    return None


def _host(by: str) -> str:
    """Return the host name of a ``by`` clause ("mx.example.vn (Postfix)")."""
    words = by.split()
    return words[0].strip("[]<>;,").lower().rstrip(".") if words else ""


def _utc(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
