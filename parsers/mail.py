"""Parse a raw RFC 5322 message into a frozen value."""

from __future__ import annotations

import base64
import binascii
import email
import email.parser
import email.policy
import email.utils
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import mailparser

from parsers.text import nfc, squash_spaces


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    data: bytes
    disposition: str


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
    # Headers that mark automatic or bulk mail, lower-cased names, values as sent.
    list_headers: tuple[tuple[str, str], ...] = ()
    precedence: str | None = None
    x_autoreply: str | None = None
    content_type: str = "text/plain"
    authentication_results: tuple[str, ...] = ()
    forwarded: tuple[ForwardedOrigin, ...] = ()


def parse_message(raw: bytes) -> ParsedMessage:
    """Return the parts of ``raw`` that classification needs, NFC-normalised."""
    parsed = mailparser.parse_from_bytes(raw)
    headers = email.message_from_bytes(raw, policy=email.policy.compat32)
    name, address = _first_address(parsed.from_)
    return ParsedMessage(
        message_id=_message_id(headers.get("Message-ID")),
        subject=nfc(squash_spaces(str(parsed.subject or ""))),
        from_address=address.lower(),
        from_name=nfc(squash_spaces(name)),
        date_header=_date(headers.get("Date")),
        body_text=nfc(_body(parsed)),
        auto_submitted=_header_text(headers.get("Auto-Submitted")),
        attachments=tuple(_attachment(a) for a in parsed.attachments),
    )


def _first_address(pairs: Any) -> tuple[str, str]:
    for pair in pairs or ():
        if isinstance(pair, tuple) and len(pair) == 2:
            return str(pair[0] or ""), str(pair[1] or "").strip()
    return "", ""


def _message_id(value: Any) -> str | None:
    text = _header_text(value)
    if not text:
        return None
    return text.strip()[:995] or None


def _header_text(value: Any) -> str | None:
    if value is None:
        return None
    return squash_spaces(str(value))


def _date(value: Any) -> datetime | None:
    text = _header_text(value)
    if not text:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo is not None else None


def _body(parsed: Any) -> str:
    plain = "\n".join(str(part) for part in parsed.text_plain or ())
    if plain.strip():
        return plain
    return "\n".join(str(part) for part in parsed.text_html or ())


def _attachment(item: dict[str, Any]) -> MailAttachment:
    payload = item.get("payload") or ""
    if item.get("binary"):
        try:
            data = base64.b64decode(payload)
        except (binascii.Error, ValueError):
            data = str(payload).encode("utf-8", "replace")
    else:
        charset = item.get("charset") or "utf-8"
        try:
            data = str(payload).encode(charset, "replace")
        except LookupError:
            data = str(payload).encode("utf-8", "replace")
    return MailAttachment(
        filename=nfc(str(item.get("filename") or "")),
        content_type=str(item.get("mail_content_type") or "application/octet-stream").lower(),
        data=data,
        disposition=str(item.get("content-disposition") or ""),
    )


def read_message_id(raw: bytes) -> str | None:
    """Return the Message-ID header of ``raw`` without parsing the body (cannot fail)."""
    try:
        headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
        return _message_id(headers.get("Message-ID"))
    except Exception:
        return None
