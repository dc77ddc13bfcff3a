"""Plan the export of accepted documents: one folder per unit, readable names (pure)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
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
)
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
MAX_NAME = 120


@dataclass(frozen=True)
class ExportFile:
    folder: str
    name: str
    sha256: str


@dataclass(frozen=True)
class ExportPlan:
    files: tuple[ExportFile, ...]
    index_csv: str


def safe_name(text: str, fallback: str = "tep") -> str:
    """Return ``text`` as one path component: no separators, controls or leading dots."""
    text = unicodedata.normalize("NFC", text)
    text = _FORBIDDEN.sub("_", text)
    text = " ".join(text.split()).strip(" .")
    if not text:
        return fallback
    if len(text) > MAX_NAME:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            text = stem[: MAX_NAME - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            text = text[:MAX_NAME].rstrip(" .")
    return text


def plan_export(roster: Roster, rows: Iterable[SubmissionRow], zone_name: str) -> ExportPlan:
    """Return where each accepted document goes and the index of the export.

    The same file (same SHA-256) sent twice by a unit is exported once.
    """
    zone = ZoneInfo(zone_name)
    order = {u.code: i for i, u in enumerate(roster.units)}
    files: list[ExportFile] = []
    index: list[list[str]] = []
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
            files.append(ExportFile(folder, name, attachment.sha256))
            titles = [i.title for i in row.initiatives if i.filename == attachment.filename]
            index.append(
                [
                    unit.name if unit else row.unit or "",
                    f"{folder}/{name}",
                    attachment.filename,
                    local_text(row.received_at, zone),
                    TIMING_LABELS.get(row.timing or "", ""),
                    "; ".join(titles),
                    row.from_address or "",
                    attachment.sha256,
                ]
            )
    return ExportPlan(tuple(files), as_csv(INDEX_HEADINGS, index))


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    stem, dot, ext = name.rpartition(".")
    while candidate.casefold() in taken:
        candidate = f"{stem} ({n}).{ext}" if dot else f"{name} ({n})"
        n += 1
    taken.add(candidate.casefold())
    return candidate
