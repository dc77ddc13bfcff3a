"""Plan the export of accepted documents: one folder per unit, readable names (pure)."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from parsers.roster import Roster
from reports.render import TIMING_LABELS, as_csv, local_text
from store.read import SubmissionRow

INDEX_HEADINGS = (
    "Đơn vị",
    "Tệp trong thư mục",
    "Tên tệp gốc",
    "Thời điểm nhận",
    "Thời hạn",
    "Tên sáng kiến",
    "Người gửi",
    "SHA-256",
    "Tình trạng",
)
EXPORTED = "Đã xuất"
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
#: Characters in a name, so that a person can still read it.
MAX_NAME = 120
#: Bytes in one path component: what Linux file systems hold (NAME_MAX).
MAX_NAME_BYTES = 255
MAX_EXTENSION = 10


@dataclass(frozen=True)
class ExportFile:
    folder: str
    name: str
    sha256: str
    original: str  # the file name as the mail gave it
    index: tuple[str, ...]  # its row of index.csv, before the status column


@dataclass(frozen=True)
class ExportPlan:
    files: tuple[ExportFile, ...]


def safe_name(text: str, fallback: str = "tep") -> str:
    """Return ``text`` as one path component: no separators, controls or leading dots.

    The name is cut to MAX_NAME characters and MAX_NAME_BYTES bytes in the file
    system's encoding, on a character boundary, keeping a short extension.
    """
    text = unicodedata.normalize("NFC", text)
    text = _FORBIDDEN.sub("_", text)
    text = " ".join(text.split()).strip(" .")
    if not text:
        return fallback
    stem, extension = _split(text)
    return _fit(stem, extension, fallback)


def plan_export(roster: Roster, rows: Iterable[SubmissionRow], zone_name: str) -> ExportPlan:
    """Return where each accepted document goes, with its row of the index.

    The same file (same SHA-256) sent twice by a unit is exported once.
    """
    zone = ZoneInfo(zone_name)
    order = {u.code: i for i, u in enumerate(roster.units)}
    files: list[ExportFile] = []
    taken: dict[str, set[str]] = {}
    seen: set[tuple[str, str]] = set()
    accepted = [r for r in rows if r.status == "accepted" and r.unit]
    accepted.sort(key=lambda r: (order.get(r.unit or "", len(order)), r.received_at, r.id))
    for row in accepted:
        unit = roster.by_code(row.unit or "")
        number = order.get(row.unit or "", len(order)) + 1
        folder = safe_name(f"{number:02d} {unit.name if unit else row.unit}")
        stamp = row.received_at.astimezone(zone).strftime("%Y-%m-%d %H%M")
        for attachment in row.attachments:
            if not attachment.is_document or (folder, attachment.sha256) in seen:
                continue
            seen.add((folder, attachment.sha256))
            name = _unique(
                safe_name(f"{stamp} {attachment.filename}"), taken.setdefault(folder, set())
            )
            titles = [i.title for i in row.initiatives if i.filename == attachment.filename]
            index = (
                unit.name if unit else row.unit or "",
                f"{folder}/{name}",
                attachment.filename,
                local_text(row.received_at, zone),
                TIMING_LABELS.get(row.timing or "", ""),
                "; ".join(titles),
                row.from_address or "",
                attachment.sha256,
            )
            files.append(ExportFile(folder, name, attachment.sha256, attachment.filename, index))
    return ExportPlan(tuple(files))


def index_csv(plan: ExportPlan, problems: Mapping[ExportFile, str] | None = None) -> str:
    """Return index.csv: a row per planned file, saying whether it was exported and if not why."""
    problems = problems or {}
    rows = [
        [*item.index, f"Chưa xuất: {problems[item]}" if item in problems else EXPORTED]
        for item in plan.files
    ]
    return as_csv(INDEX_HEADINGS, rows)


def _split(name: str) -> tuple[str, str]:
    """Return (stem, extension with its dot); a long or lone suffix is no extension."""
    stem, dot, extension = name.rpartition(".")
    if dot and stem and 0 < len(extension) <= MAX_EXTENSION:
        return stem, dot + extension
    return name, ""


def _fit(stem: str, end: str, fallback: str = "tep") -> str:
    """Return ``stem + end``, the stem cut (whole characters) until the name is short enough."""
    stem = stem[: max(MAX_NAME - len(end), 0)]
    while stem and _size(stem + end) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return (stem.rstrip(" .") or fallback) + end


def _size(name: str) -> int:
    """Return the bytes ``name`` takes in the file system's encoding."""
    try:
        return len(os.fsencode(name))
    except UnicodeEncodeError:  # not representable: the copy will say so; measure as UTF-8
        return len(name.encode("utf-8", "replace"))


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    stem, extension = _split(name)
    while candidate.casefold() in taken:
        candidate = _fit(stem, f" ({n}){extension}")
        n += 1
    taken.add(candidate.casefold())
    return candidate
