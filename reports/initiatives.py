"""The council's list of initiatives: one line per distinct initiative of each unit (pure)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from parsers.roster import Roster
from reports.compliance import COUNTING_TIMINGS
from reports.render import TIMING_LABELS, local_iso, local_text
from store.read import SubmissionRow
from store.tallies import document_key

INITIATIVE_HEADINGS = (
    "STT",
    "Đơn vị",
    "Tên sáng kiến",
    "Lĩnh vực",
    "Tác giả",
    "Thời điểm nhận",
    "Thời hạn",
    "Tệp",
)
UNREADABLE_TITLE = "(không đọc được tên sáng kiến)"


@dataclass(frozen=True)
class InitiativeLine:
    unit_code: str
    unit_name: str
    title: str
    field: str | None
    authors: tuple[str, ...]
    received_at: datetime  # the first copy received
    timing: str | None  # the first counting copy's timing, else the first copy's
    filenames: tuple[str, ...]


def list_initiatives(roster: Roster, rows: Iterable[SubmissionRow]) -> list[InitiativeLine]:
    """Return the accepted initiatives in roster order, then by first receipt.

    A corrected resubmission (same normalised title) is one line: the title,
    field and authors of the newest copy, the time of the first, every file.
    A document whose title could not be read is a line of its own.
    """
    order = {u.code: i for i, u in enumerate(roster.units)}
    groups: dict[tuple[str, str], list[tuple[SubmissionRow, str, str | None, tuple[str, ...]]]] = {}
    files: dict[tuple[str, str], list[str]] = {}
    for row in sorted(rows, key=lambda r: (r.received_at, r.id)):
        if row.status != "accepted" or row.unit is None:
            continue
        titled: set[str] = set()
        for item in row.initiatives:
            key = (row.unit, item.title_key)
            groups.setdefault(key, []).append((row, item.title, item.field, item.authors))
            if item.filename:
                titled.add(item.filename)
                files.setdefault(key, []).append(item.filename)
        for attachment in row.attachments:
            if attachment.is_document and attachment.filename not in titled:
                key = (row.unit, document_key(attachment.filename))
                groups.setdefault(key, []).append((row, UNREADABLE_TITLE, None, ()))
                files.setdefault(key, []).append(attachment.filename)
    lines = []
    for key, copies in groups.items():
        first, newest = copies[0], copies[-1]
        counted = [c[0].timing for c in copies if c[0].timing in COUNTING_TIMINGS]
        unit = roster.by_code(key[0])
        lines.append(
            InitiativeLine(
                unit_code=key[0],
                unit_name=unit.name if unit else key[0],
                title=newest[1],
                field=newest[2],
                authors=newest[3],
                received_at=first[0].received_at,
                timing=counted[0] if counted else first[0].timing,
                filenames=tuple(dict.fromkeys(files.get(key, []))),
            )
        )
    return sorted(lines, key=lambda ln: (order.get(ln.unit_code, len(order)), ln.received_at))


def initiative_cells(lines: Iterable[InitiativeLine], zone_name: str) -> list[list[str]]:
    """Return the lines as text cells for the table and CSV formats."""
    zone = ZoneInfo(zone_name)
    return [
        [
            str(n),
            line.unit_name,
            line.title,
            line.field or "",
            "; ".join(line.authors),
            local_text(line.received_at, zone),
            TIMING_LABELS.get(line.timing or "", ""),
            "; ".join(line.filenames),
        ]
        for n, line in enumerate(lines, start=1)
    ]


def initiatives_json(lines: Iterable[InitiativeLine], zone: ZoneInfo) -> str:
    """Return ``report initiatives --format json``: its keys only ever grow."""
    data = [
        {
            "unit": line.unit_code,
            "unit_name": line.unit_name,
            "title": line.title,
            "field": line.field,
            "authors": list(line.authors),
            "received_at": local_iso(line.received_at, zone),
            "timing": line.timing,
            "files": list(line.filenames),
        }
        for line in lines
    ]
    return json.dumps({"initiatives": data}, ensure_ascii=False, indent=2) + "\n"
