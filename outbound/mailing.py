"""Build outgoing e-mail safely: untrusted text never becomes a header line of its own.

Subjects, names and Message-IDs of received mail come from strangers. Every
header value is cleaned of control characters (CR and LF above all) before
``email.policy.SMTP`` folds and encodes it; addresses are parsed and rebuilt as
``Address`` objects, so a display name cannot smuggle a second recipient.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses

MESSAGE_ID = re.compile(r"<[^<>\s\x00-\x1f\x7f]{1,250}@[^<>\s\x00-\x1f\x7f]{1,250}>")


class BadAddress(ValueError):
    """Text that is not exactly one plain e-mail address."""


@dataclass(frozen=True)
class OutgoingMail:
    sender: str  # "Name <user@host>"
    to: tuple[str, ...]
    subject: str
    text: str
    html: str | None = None
    in_reply_to: str | None = None  # the Message-ID of the mail answered


def clean_header_text(value: str, limit: int = 200) -> str:
    """Return ``value`` on one line: NFC, control characters removed, spaces squashed."""
    value = unicodedata.normalize("NFC", value)
    value = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in value)
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def parse_address(text: str) -> Address:
    """Return the one address in ``text`` ("Name <a@b>" or "a@b"), or raise BadAddress."""
    if any(unicodedata.category(ch)[0] == "C" for ch in text):
        raise BadAddress(f"control character in address {text!r}")
    found = getaddresses([text])
    if len(found) != 1:
        raise BadAddress(f"not exactly one address: {text!r}")
    name, addr = found[0]
    if addr.count("@") != 1 or any(ch in addr for ch in ' ,;<>"()[]\\'):
        raise BadAddress(f"not an e-mail address: {text!r}")
    local, domain = addr.split("@")
    if not local or not domain or "." not in domain:
        raise BadAddress(f"not an e-mail address: {text!r}")
    try:
        return Address(display_name=clean_header_text(name, 100), username=local, domain=domain)
    except (ValueError, IndexError) as error:
        raise BadAddress(f"not an e-mail address: {text!r}") from error


def valid_message_id(value: str | None) -> str | None:
    """Return ``value`` when it is one well-formed ``<id@host>``, else None."""
    if value is None:
        return None
    value = value.strip()
    return value if MESSAGE_ID.fullmatch(value) else None


def new_message_id(sender: Address, kind: str) -> str:
    """Return a fresh, unique Message-ID in the sender's domain."""
    return f"<cchc-{kind}.{uuid.uuid4().hex}@{sender.domain}>"


def build_message(mail: OutgoingMail, message_id: str, now: datetime) -> bytes:
    """Return the mail as bytes ready for SMTP (CRLF, headers encoded per RFC 2047)."""
    sender = parse_address(mail.sender)
    recipients = [parse_address(a) for a in mail.to]
    if not recipients:
        raise BadAddress("no recipient")
    if valid_message_id(message_id) is None:
        raise ValueError(f"invalid Message-ID {message_id!r}")
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = recipients
    message["Subject"] = clean_header_text(mail.subject)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = "vi"
    parent = valid_message_id(mail.in_reply_to)
    if parent:
        message["In-Reply-To"] = parent
        message["References"] = parent
    message.set_content(mail.text, charset="utf-8")
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html", charset="utf-8")
    return message.as_bytes()


def envelope(mail_sender: str, recipients: Sequence[str]) -> tuple[str, list[str]]:
    """Return the SMTP envelope (MAIL FROM, RCPT TO) of parsed addresses."""
    return parse_address(mail_sender).addr_spec, [parse_address(a).addr_spec for a in recipients]
