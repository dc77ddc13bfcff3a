"""Read an attached Outlook item (.msg): its subject, sender, date and attached files.

A .msg is an OLE compound file laid out as [MS-OXMSG] says: fixed-size
properties in ``__properties_version1.0``, strings and binaries in
``__substg1.0_<id><type>`` streams, each attachment in an
``__attach_version1.0_#<n>`` storage. olefile (BSD) reads the compound file;
this module reads the few properties the register needs. extract-msg reads
more but is GPL-3, which this Apache-2.0 project does not ship.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from parsers.archives import Member
from parsers.headers import addresses, decode_bytes
from parsers.html import html_to_text
from parsers.limits import Limits
from parsers.text import nfc

OUTLOOK_TYPES = frozenset({"application/vnd.ms-outlook"})
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# Property ids ([MS-OXPROPS]).
_SUBJECT, _BODY, _HTML, _HEADERS = 0x0037, 0x1000, 0x1013, 0x007D
_SENDER_NAME, _SENDER_EMAIL, _SENDER_SMTP = 0x0C1A, 0x0C1F, 0x5D01
_SENT_BY_EMAIL, _SENT_BY_SMTP = 0x0065, 0x5D02
_SUBMIT_TIME, _DELIVERY_TIME = 0x0039, 0x0E06
_CODE_PAGE = 0x3FFD
_ATTACH_DATA, _ATTACH_LONG_NAME, _ATTACH_NAME, _ATTACH_DISPLAY = 0x3701, 0x3707, 0x3704, 0x3001
_ATTACH_METHOD, _ATTACH_MIME = 0x3705, 0x370E
_BY_VALUE = 1
# Strings longer than this are cut: a subject or a sender is short.
_MAX_TEXT_BYTES = 1 << 20


@dataclass(frozen=True)
class OutlookItem:
    subject: str
    from_address: str
    from_name: str
    date: datetime | None
    body_text: str
    attachments: tuple[Member, ...]
    # Attachments not read, each with why (an embedded item, a link, an OLE object).
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutlookRead:
    item: OutlookItem | None = None
    refused: str | None = None
    unsupported: str | None = None
    broken: str | None = None


def is_outlook_item(suffix: str, content_type: str) -> bool:
    """Tell whether an attachment is an Outlook item, by its suffix or declared type."""
    return suffix == ".msg" or content_type in OUTLOOK_TYPES


def read_outlook_item(data: bytes, limits: Limits) -> OutlookRead:
    """Return what an Outlook item holds, or why it was not read (never raises)."""
    try:
        import olefile
    except ImportError:
        return OutlookRead(unsupported="no reader for Outlook items on this machine (olefile)")
    if not data.startswith(_OLE_MAGIC):
        return OutlookRead(broken="not an Outlook item: not an OLE compound file")
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return _read(_Storage(ole, ""), limits)
    except MemoryError:
        return OutlookRead(refused="out of memory while reading the Outlook item")
    except Exception as error:  # olefile, struct and decode errors from a crafted file
        return OutlookRead(broken=f"{type(error).__name__}: {error}"[:300])


class _Storage:
    """One storage of the compound file: the message or one attachment."""

    def __init__(self, ole: Any, prefix: str) -> None:
        self.ole = ole
        self.prefix = prefix

    def _path(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def stream(self, name: str, limit: int) -> bytes | None:
        ole = self.ole
        path = self._path(name)
        if not ole.exists(path) or ole.get_type(path) != 2:
            return None
        if ole.get_size(path) > limit:
            raise _TooLarge(name)
        with ole.openstream(path) as stream:
            data: bytes = stream.read(limit + 1)
        return data[:limit]

    def text(self, prop: int, code_page: str | None = None) -> str:
        unicode = self.stream(f"__substg1.0_{prop:04X}001F", _MAX_TEXT_BYTES)
        if unicode is not None:
            return nfc(unicode.decode("utf-16-le", "replace").split("\0", 1)[0]).strip()
        eight_bit = self.stream(f"__substg1.0_{prop:04X}001E", _MAX_TEXT_BYTES)
        if eight_bit is not None:
            return nfc(decode_bytes(eight_bit.split(b"\0", 1)[0], code_page)).strip()
        return ""

    def fixed(self, header: int) -> dict[int, bytes]:
        """Return the 8-byte values of the fixed-size properties, by property id."""
        raw = self.stream("__properties_version1.0", _MAX_TEXT_BYTES) or b""
        values: dict[int, bytes] = {}
        for offset in range(header, len(raw) - 15, 16):
            tag = struct.unpack_from("<I", raw, offset)[0]
            values.setdefault(tag >> 16, raw[offset + 8 : offset + 16])
        return values

    def children(self, prefix: str) -> list[str]:
        """Return the names of the storages and streams right under this one that start so."""
        parts = [p for p in self.prefix.split("/") if p]
        names = {
            entry[len(parts)]
            for entry in self.ole.listdir(streams=True, storages=True)
            if len(entry) > len(parts) and entry[: len(parts)] == parts
        }
        return sorted(n for n in names if n.startswith(prefix))


class _TooLarge(Exception):
    pass


def _read(message: _Storage, limits: Limits) -> OutlookRead:
    fixed = message.fixed(32)
    code_page = _code_page(fixed)
    headers = message.text(_HEADERS, code_page)
    name = message.text(_SENDER_NAME, code_page)
    address = next(
        (
            value
            for value in (
                message.text(_SENDER_SMTP, code_page),
                message.text(_SENDER_EMAIL, code_page),
                message.text(_SENT_BY_SMTP, code_page),
                message.text(_SENT_BY_EMAIL, code_page),
                _header_address(headers),
            )
            if "@" in value
        ),
        "",
    )
    body = message.text(_BODY, code_page)
    if not body:
        html = message.stream(f"__substg1.0_{_HTML:04X}0102", _MAX_TEXT_BYTES)
        body = html_to_text(decode_bytes(html, code_page)) if html else ""
    attachments: list[Member] = []
    skipped: list[str] = []
    total = 0
    names = message.children("__attach_version1.0_#")
    if len(names) > limits.max_members:
        return OutlookRead(refused=f"too many attachments ({len(names)} > {limits.max_members})")
    for storage_name in names:
        attachment = _Storage(message.ole, f"{storage_name}/")
        values = attachment.fixed(8)
        method = struct.unpack_from("<I", values.get(_ATTACH_METHOD, b"\x01\0\0\0"))[0]
        filename = (
            attachment.text(_ATTACH_LONG_NAME, code_page)
            or attachment.text(_ATTACH_NAME, code_page)
            or attachment.text(_ATTACH_DISPLAY, code_page)
            or "attachment"
        )
        if method != _BY_VALUE:
            skipped.append(f"{filename}: attachment method {method} is not read")
            continue
        budget = min(limits.max_file_bytes, limits.max_unpacked_bytes - total)
        try:
            data = attachment.stream(f"__substg1.0_{_ATTACH_DATA:04X}0102", budget) or b""
        except _TooLarge:
            return OutlookRead(refused=f"attachment {filename!r} is over the size limit")
        total += len(data)
        attachments.append(Member(filename, data))
    return OutlookRead(
        OutlookItem(
            subject=message.text(_SUBJECT, code_page),
            from_address=address.lower(),
            from_name=name if name != address else "",
            date=_filetime(fixed.get(_SUBMIT_TIME) or fixed.get(_DELIVERY_TIME)),
            body_text=body.replace("\x00", ""),
            attachments=tuple(attachments),
            skipped=tuple(skipped),
        )
    )


def _code_page(fixed: dict[int, bytes]) -> str | None:
    if _CODE_PAGE not in fixed:
        return None
    number = struct.unpack("<I", fixed[_CODE_PAGE][:4])[0]
    return "utf-8" if number == 65001 else f"cp{number}"


def _header_address(headers: str) -> str:
    for line in headers.splitlines():
        if line.lower().startswith("from:"):
            found = addresses(line[5:])
            return found[0][1] if found else ""
    return ""


_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


def _filetime(value: bytes | None) -> datetime | None:
    """Return a FILETIME (100 ns since 1601, UTC) as a datetime; None when absent or absurd."""
    if not value:
        return None
    ticks = struct.unpack("<Q", value[:8])[0]
    try:
        moment = _FILETIME_EPOCH + timedelta(microseconds=ticks // 10)
    except OverflowError:
        return None
    return moment if 1990 <= moment.year <= 2200 else None
