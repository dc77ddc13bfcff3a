"""Parse a raw RFC 5322 message into a frozen value."""

from __future__ import annotations

import base64
import dataclasses
import email
import email.message
import email.parser
import email.policy
import email.utils
import mimetypes
import quopri
import re
import urllib.parse
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from parsers.forwarded import find_forwarded
from parsers.headers import (
    AddressList,
    addresses,
    decode_bytes,
    decode_words,
    header_text,
    parse_address_list,
    raw_to_text,
)
from parsers.html import html_to_text
from parsers.text import nfc


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    data: bytes
    disposition: str
    # The container (forwarded .eml or archive) this file came out of, by its name.
    parent: str | None = None
    # The name as the sender wrote it (decoded, NFC); ``filename`` is its safe form.
    original_filename: str = ""
    # Content-ID without its angle brackets, and whether the HTML body shows the part
    # through it (``cid:``): a signature logo or a pasted picture, not an attached file.
    content_id: str = ""
    in_body: bool = False


@dataclass(frozen=True)
class ForwardedOrigin:
    """The original sender of a forwarded message (attached or quoted inline)."""

    from_address: str
    from_name: str
    subject: str
    date: datetime | None


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str | None
    subject: str
    from_address: str
    from_name: str
    date_header: datetime | None
    body_text: str
    auto_submitted: str | None
    attachments: tuple[MailAttachment, ...]
    sender_address: str | None = None
    reply_to: tuple[str, ...] = ()
    # Every distinct From address; more than one, or a group, leaves the sender to a person.
    from_addresses: tuple[str, ...] = ()
    from_grouped: bool = False
    # Headers that mark automatic or bulk mail, lower-cased names, values as sent.
    list_headers: tuple[tuple[str, str], ...] = ()
    precedence: str | None = None
    x_autoreply: str | None = None
    content_type: str = "text/plain"
    authentication_results: tuple[str, ...] = ()
    forwarded: tuple[ForwardedOrigin, ...] = ()
    # Received headers, newest (the receiving server's) first, unfolded.
    received: tuple[str, ...] = ()

    @property
    def sender_ambiguous(self) -> bool:
        """Return True when From does not name exactly one sender (several, or a group)."""
        return self.from_grouped or len(self.from_addresses) > 1


def parse_message(raw: bytes) -> ParsedMessage:
    """Return the parts of ``raw`` that classification needs, NFC-normalised.

    Never raises: a message the MIME parser cannot walk keeps its headers and
    its raw text as the body.
    """
    try:
        return _parse(raw, depth=0)
    except Exception:
        return _fallback(raw)


# How deep forwarded messages and multiparts are followed, and how many parts are kept.
MAX_NESTING = 8
MAX_PARTS = 500
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


#: Bytes fed to the MIME parser at a time (what email.message_from_bytes does, without
#: first decoding the whole message to one string: a 36 MB message cost 300 MB that way).
_FEED_BYTES = 1 << 16
# A line end as the MIME parser reads it (CRLF, CR or LF); two in a row end the headers.
_HEADERS_END = re.compile(rb"(?:\r\n|\r(?!\n)|\n)(?:\r\n|\r(?!\n)|\n)")


def _message_from_bytes(raw: bytes) -> email.message.Message:
    """Parse ``raw`` like ``email.message_from_bytes`` (compat32), fed in slices."""
    parser = email.parser.BytesFeedParser(policy=email.policy.compat32)
    view = memoryview(raw)
    for start in range(0, len(view), _FEED_BYTES):
        parser.feed(bytes(view[start : start + _FEED_BYTES]))
    return parser.close()


def _parse(raw: bytes, depth: int) -> ParsedMessage:
    message = _message_from_bytes(raw)
    headers = _Headers(message)
    sender_field = parse_address_list(headers.first("from"))
    sender = addresses(headers.first("sender"))
    walk = _Walk(depth)
    walk.visit(message, nesting=0)
    shown = [
        dataclasses.replace(a, in_body=True) if a.content_id and a.content_id in walk.cids else a
        for a in walk.attachments
    ]
    body = nfc("\n".join(walk.plain).strip() or "\n".join(walk.html).strip())
    inline = tuple(
        ForwardedOrigin(q.from_address, q.from_name, q.subject, q.date)
        for q in find_forwarded(body)
    )
    return ParsedMessage(
        message_id=_message_id(headers.first("message-id")),
        subject=header_text(headers.first("subject")),
        from_address=_first_address(sender_field),
        from_name=_names(sender_field),
        date_header=_date(headers.first("date")),
        body_text=body.replace("\x00", ""),
        auto_submitted=headers.text("auto-submitted"),
        attachments=tuple(shown),
        sender_address=sender[0][1] if sender else None,
        reply_to=parse_address_list(headers.first("reply-to")).addresses,
        from_addresses=sender_field.addresses,
        from_grouped=sender_field.grouped,
        list_headers=tuple(
            (name, header_text(value)) for name, value in headers.items if name.startswith("list-")
        ),
        precedence=headers.text("precedence"),
        x_autoreply=headers.text("x-autoreply"),
        content_type=_content_type(message),
        authentication_results=tuple(
            header_text(v) for n, v in headers.items if n == "authentication-results"
        ),
        forwarded=tuple(walk.forwarded) + tuple(o for o in inline if o not in walk.forwarded),
        received=tuple(header_text(v) for n, v in headers.items if n == "received"),
    )


class _Headers:
    """The raw header fields of one message, names lower-cased, in order."""

    def __init__(self, message: email.message.Message) -> None:
        self.items = [(str(n).strip().lower(), str(v)) for n, v in message.raw_items()]

    def first(self, name: str) -> str | None:
        return next((v for n, v in self.items if n == name), None)

    def text(self, name: str) -> str | None:
        value = self.first(name)
        return header_text(value) if value is not None else None


class _Walk:
    """Collect body text, attachments and forwarded origins from a MIME tree."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.plain: list[str] = []
        self.html: list[str] = []
        self.attachments: list[MailAttachment] = []
        self.forwarded: list[ForwardedOrigin] = []
        # Content-IDs the HTML body refers to (``<img src="cid:…">``), lower-cased.
        self.cids: set[str] = set()
        self.parts = 0

    def visit(self, part: email.message.Message, nesting: int) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS or nesting > MAX_NESTING * 4:
            return
        content_type = _content_type(part)
        if content_type in ("message/rfc822", "message/global"):
            self._forwarded(part)
            return
        if content_type.startswith("multipart/") and not part.is_multipart():
            # A multipart whose boundary is broken: keep its text as body.
            self.plain.append(decode_bytes(_payload_bytes(part), _charset(part)))
            return
        if part.is_multipart():
            payload = part.get_payload()
            for child in payload if isinstance(payload, list) else ():
                if isinstance(child, email.message.Message):
                    self.visit(child, nesting + 1)
            return
        filename = _filename(part)
        disposition = (part.get_content_disposition() or "").lower()
        data = _payload_bytes(part)
        if (
            content_type in ("text/plain", "text/html")
            and not filename
            and (disposition != "attachment")
        ):
            text = decode_bytes(data, _charset(part))
            if content_type == "text/html":
                self.cids.update(_cid_references(text))
                self.html.append(html_to_text(text))
            else:
                self.plain.append(text)
            return
        if not data and not filename:
            return
        self._attach(filename or _invented_name(content_type, len(self.attachments)), part, data)

    def _attach(self, original: str, part: email.message.Message, data: bytes) -> None:
        self.attachments.append(
            MailAttachment(
                filename=safe_filename(original),
                content_type=_content_type(part),
                data=data,
                disposition=(part.get_content_disposition() or ""),
                original_filename=nfc(original),
                content_id=_content_id(part),
            )
        )

    def _forwarded(self, part: email.message.Message) -> None:
        payload = part.get_payload()
        inner: bytes
        if isinstance(payload, list) and payload and isinstance(payload[0], email.message.Message):
            inner = _as_bytes(payload[0])
        else:
            inner = _payload_bytes(part)
        encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
        # RFC 2046 forbids encoding message/rfc822, but some clients base64 it; the
        # parser then read the encoded text as a headerless message.
        if encoding == "base64":
            inner = lenient_base64(inner.decode("ascii", "replace"))
        elif encoding == "quoted-printable":
            inner = quopri.decodestring(inner)
        inner_parsed = _parse(inner, self.depth + 1) if self.depth < MAX_NESTING else None
        subject = inner_parsed.subject if inner_parsed else ""
        name = _filename(part) or f"{subject or 'forwarded'}.eml"
        self._attach(name, part, inner)
        if inner_parsed is None:
            return
        origin = ForwardedOrigin(
            inner_parsed.from_address,
            inner_parsed.from_name,
            inner_parsed.subject,
            inner_parsed.date_header,
        )
        if origin.from_address or origin.from_name or origin.subject:
            self.forwarded.append(origin)
        self.forwarded.extend(o for o in inner_parsed.forwarded if o not in self.forwarded)
        container = safe_filename(name)
        for attachment in inner_parsed.attachments:
            self.attachments.append(
                dataclasses.replace(attachment, parent=attachment.parent or container)
            )


_CID_REFERENCE = re.compile(r"""cid:([^"'\s<>)]{1,500})""", re.IGNORECASE)


def _cid_references(html: str) -> set[str]:
    return {urllib.parse.unquote(m).strip().lower() for m in _CID_REFERENCE.findall(html)}


def _content_id(part: email.message.Message) -> str:
    value = header_text(part.get("Content-ID"))
    return value.strip().strip("<>").strip().lower()[:500]


def _content_type(part: email.message.Message) -> str:
    try:
        return part.get_content_type().lower()[:200]
    except Exception:
        return "application/octet-stream"


def _charset(part: email.message.Message) -> str | None:
    try:
        return part.get_content_charset()
    except Exception:
        return None


def _payload_bytes(part: email.message.Message) -> bytes:
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    payload = part.get_payload()
    if encoding == "base64" and isinstance(payload, str):
        return lenient_base64(payload)
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    return payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""


_BASE64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_NOT_BASE64 = bytes(b for b in range(256) if b not in _BASE64_ALPHABET)


#: Characters of base64 text decoded at a time (a 36 MB part is not copied whole).
_BASE64_SLICE = 1 << 20


def lenient_base64(text: str) -> bytes:
    """Decode base64 the way mail clients do: skip junk, keep what a truncation left."""
    end = text.find("=")
    stop = len(text) if end < 0 else end
    parts: list[bytes] = []
    carry = b""
    for start in range(0, stop, _BASE64_SLICE):
        piece = text[start : min(start + _BASE64_SLICE, stop)]
        # bytes.translate is C-speed: a 2 MB attachment costs ~1 ms, not a regex pass.
        compact = carry + piece.encode("ascii", "ignore").translate(None, _NOT_BASE64)
        whole = len(compact) - len(compact) % 4
        parts.append(base64.b64decode(compact[:whole]))
        carry = compact[whole:]
    if len(carry) % 4 == 1:
        carry = carry[:-1]
    parts.append(base64.b64decode(carry + b"=" * (-len(carry) % 4)))
    return b"".join(parts)


def _as_bytes(message: email.message.Message) -> bytes:
    try:
        return message.as_bytes(policy=email.policy.compat32)
    except Exception:
        return str(message).encode("utf-8", "surrogateescape")


def _filename(part: email.message.Message) -> str:
    """Return the declared file name: RFC 2231 (any charset), RFC 2047, or raw 8-bit."""
    # Read the parameters from a copy whose raw 8-bit bytes are decoded first:
    # get_filename() would turn them into U+FFFD.
    shadow = email.message.Message()
    for key, value in part.raw_items():
        if key.lower() in ("content-disposition", "content-type"):
            shadow[key] = raw_to_text(str(value))
    try:
        name = shadow.get_filename() or shadow.get_param("name") or ""
    except Exception:
        name = ""
    if isinstance(name, tuple):  # an RFC 2231 value get_param left undecoded
        name = email.utils.collapse_rfc2231_value(name)
    return nfc(decode_words(str(name))).strip()


def safe_filename(name: str) -> str:
    """Return ``name`` without directories, control or bidi characters, at most 200 chars.

    The name is only shown to people; files are stored under their hash.
    """
    name = _CONTROL_CHARS.sub("", nfc(name)).replace("\\", "/")
    name = name.rsplit("/", 1)[-1].strip(" .")
    return name[-200:] or "unnamed"


def _invented_name(content_type: str, index: int) -> str:
    extension = mimetypes.guess_extension(content_type, strict=False) or ".bin"
    return f"part-{index + 1}{extension}"


def _fallback(raw: bytes) -> ParsedMessage:
    try:
        message = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
        headers = _Headers(message)
        sender_field = parse_address_list(headers.first("from"))
        name, address = _names(sender_field), _first_address(sender_field)
        subject = header_text(headers.first("subject"))
        message_id = _message_id(headers.first("message-id"))
        date = _date(headers.first("date"))
    except Exception:
        sender_field = AddressList()
        name, address, subject, message_id, date = "", "", "", None, None
    body = nfc(decode_bytes(raw[:1_000_000])).replace("\x00", "")
    return ParsedMessage(
        message_id=message_id,
        subject=subject,
        from_address=address,
        from_name=name,
        date_header=date,
        body_text=body,
        auto_submitted=None,
        attachments=(),
        from_addresses=sender_field.addresses,
        from_grouped=sender_field.grouped,
    )


def _first_address(field: AddressList) -> str:
    """Return the first address of a From field ("" when it has none)."""
    return field.addresses[0] if field.addresses else ""


def _names(field: AddressList) -> str:
    """Return the display names of a From field: one, or all of them when it holds several."""
    return ", ".join(dict.fromkeys(m.name for m in field.mailboxes if m.name))


def _message_id(value: Any) -> str | None:
    text = header_text(value)
    return text[:995] or None


def _date(value: Any) -> datetime | None:
    text = header_text(value)
    if not text:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed if parsed.tzinfo is not None else None


def read_message_id(raw: bytes) -> str | None:
    """Return the Message-ID header of ``raw`` without parsing the body (cannot fail)."""
    try:
        end = _HEADERS_END.search(raw)
        head = raw[: end.end()] if end else raw
        headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(head)
        return _message_id(headers.get("Message-ID"))
    except Exception:
        return None
