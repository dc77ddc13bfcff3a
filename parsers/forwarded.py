"""Find the original sender in forwarded text ("Forwarded message", "Thư được chuyển tiếp")."""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass
from datetime import datetime

from parsers.headers import addresses
from parsers.text import nfc, squash_spaces

# Lines that open a forwarded block in Gmail, Outlook, Apple Mail, Yahoo and Zimbra,
# in English and Vietnamese.
_MARKER = re.compile(
    r"^[\s>*_-]*(?:-{2,}\s*)?(?:forwarded\s+message|original\s+message|begin\s+forwarded\s+message"
    r"|thư\s+được\s+chuyển\s+tiếp|tin\s+nhắn\s+được\s+chuyển\s+tiếp|bắt\s+đầu\s+thư\s+được\s+chuyển"
    r"\s+tiếp|thư\s+gốc|thư\s+chuyển\s+tiếp)\b.*$",
    re.IGNORECASE | re.MULTILINE,
)
_FIELDS = {
    "from": "from",
    "từ": "from",
    "người gửi": "from",
    "subject": "subject",
    "tiêu đề": "subject",
    "chủ đề": "subject",
    "date": "date",
    "sent": "date",
    "ngày": "date",
    "đã gửi": "date",
    "ngày gửi": "date",
    "to": "to",
    "tới": "to",
    "đến": "to",
    "cc": "to",
}
_FIELD_LINE = re.compile(r"^[\s>]*\**\s*([^:*]{1,12}?)\s*\**\s*:\s*\**\s*(.*)$")
_MAILTO = re.compile(r"\[mailto:([^\]]+)\]", re.IGNORECASE)


@dataclass(frozen=True)
class QuotedOrigin:
    from_address: str
    from_name: str
    subject: str
    date: datetime | None


def find_forwarded(text: str) -> tuple[QuotedOrigin, ...]:
    """Return the senders of the forwarded blocks quoted in ``text``, outermost first."""
    text = nfc(text)
    lines = text.splitlines()
    found: list[QuotedOrigin] = []
    starts = [i for i, line in enumerate(lines) if _MARKER.match(line)]
    # Outlook replies without a marker: a "From:" line followed by "Sent:".
    for i, line in enumerate(lines):
        if i not in starts and _field(line)[0] == "from" and _has_date_soon(lines, i):
            starts.append(i - 1)
    for start in sorted(set(starts)):
        origin = _read_block(lines[start + 1 : start + 14])
        if origin is not None and origin not in found:
            found.append(origin)
    return tuple(found)


def _has_date_soon(lines: list[str], index: int) -> bool:
    return any(_field(line)[0] == "date" for line in lines[index + 1 : index + 4])


def _field(line: str) -> tuple[str | None, str]:
    match = _FIELD_LINE.match(line)
    if not match:
        return None, ""
    return _FIELDS.get(squash_spaces(match.group(1)).lower()), match.group(2).strip(" *")


def _read_block(lines: list[str]) -> QuotedOrigin | None:
    values: dict[str, str] = {}
    for line in lines:
        if not line.strip(" >"):
            if values:
                break
            continue
        key, value = _field(line)
        if key is None:
            if values:
                break
            continue
        values.setdefault(key, value)
    if "from" not in values:
        return None
    pairs = addresses(_MAILTO.sub(r"<\1>", values["from"]))
    name, address = pairs[0] if pairs else (values["from"], "")
    if "@" not in address:
        name, address = squash_spaces(values["from"]), ""
    return QuotedOrigin(
        from_address=address,
        from_name=name,
        subject=squash_spaces(values.get("subject", "")),
        date=parse_loose_date(values.get("date", "")),
    )


_VI_WEEKDAY = re.compile(r"^(?:th\s*\d|thứ\s+\w+|cn|chủ\s+nhật)\s*,?\s*", re.IGNORECASE)


def parse_loose_date(text: str) -> datetime | None:
    """Return the time-zone aware date a forwarded block gives, or None."""
    text = squash_spaces(text)
    if not text:
        return None
    candidates = [text, re.sub(r"\s+(?:at|vào\s+lúc|lúc)\s+", " ", text, flags=re.IGNORECASE)]
    for candidate in candidates:
        try:
            parsed = email.utils.parsedate_to_datetime(_VI_WEEKDAY.sub("", candidate))
        except (TypeError, ValueError, IndexError):
            continue
        if parsed.tzinfo is not None:
            return parsed
    return None
