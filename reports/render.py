"""Render report rows as JSON, CSV or a plain-text table (pure: rows in, text out)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from parsers.campaign import Campaign
from reports.compliance import UnitCompliance
from store.read import SubmissionRow

STATUS_LABELS = {"on_time": "Đã nộp đúng hạn", "late": "Nộp trễ", "missing": "Chưa nộp"}
TIMING_LABELS = {"early": "Trước hạn mở", "on_time": "Đúng hạn", "late": "Trễ hạn"}
REVIEW_LABELS = {"accepted": "Đã nhận", "needs_review": "Cần xem xét", "ignored": "Bỏ qua"}
KIND_LABELS = {"town": "Thị trấn", "commune": "Xã", "office": "Phòng, ban", "mass_org": "Đoàn thể"}

COMPLIANCE_HEADINGS = (
    "Mã đơn vị",
    "Đơn vị",
    "Loại",
    "Bắt buộc",
    "Tình trạng",
    "Đúng hạn",
    "Trễ hạn",
    "Số sáng kiến",
    "Nhận lần đầu",
)
SUBMISSION_HEADINGS = (
    "STT",
    "Thời điểm nhận",
    "Người gửi",
    "Tiêu đề",
    "Đơn vị",
    "Thời hạn",
    "Trạng thái",
    "Ghi chú",
    "Tệp đính kèm",
    "Tên sáng kiến",
)


def local_iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    """Return ``moment`` as ISO 8601 with the campaign zone's offset."""
    return moment.astimezone(zone).isoformat() if moment else None


def local_text(moment: datetime | None, zone: ZoneInfo) -> str:
    """Return ``moment`` as Vietnamese officials write it: 25/06/2024 23:59."""
    return moment.astimezone(zone).strftime("%d/%m/%Y %H:%M") if moment else ""


def submissions_json(rows: Sequence[SubmissionRow], campaign: Campaign) -> str:
    zone = campaign.zone
    return _dump({"submissions": [_submission_dict(r, zone) for r in rows]})


def compliance_json(units: Sequence[UnitCompliance], campaign: Campaign) -> str:
    zone = campaign.zone
    return _dump(
        {
            "campaign": {
                "name": campaign.name,
                "opens": campaign.opens.isoformat(),
                "closes": campaign.closes.isoformat(),
                "timezone": campaign.timezone,
            },
            "units": [
                {
                    "code": c.unit.code,
                    "name": c.unit.name,
                    "kind": c.unit.kind.value,
                    "required": c.unit.required,
                    "status": c.status.value,
                    "on_time": c.on_time,
                    "late": c.late,
                    "initiatives": c.initiatives,
                    "first_received_at": local_iso(c.first_received_at, zone),
                }
                for c in units
            ],
        }
    )


def compliance_cells(units: Sequence[UnitCompliance], campaign: Campaign) -> list[list[str]]:
    return [
        [
            c.unit.code,
            c.unit.name,
            KIND_LABELS[c.unit.kind.value],
            "Có" if c.unit.required else "Không",
            STATUS_LABELS[c.status.value],
            str(c.on_time),
            str(c.late),
            str(c.initiatives),
            local_text(c.first_received_at, campaign.zone),
        ]
        for c in units
    ]


def submission_fields(row: SubmissionRow) -> list[str]:
    """Return the text columns of a submission after its number and receive time."""
    return [
        sender_text(row),
        row.subject or "",
        row.unit or "",
        TIMING_LABELS.get(row.timing or "", ""),
        REVIEW_LABELS.get(row.status or "", row.parse_status),
        ", ".join(row.reasons),
        "; ".join(a.filename for a in row.attachments if a.is_document),
        "; ".join(i.title for i in row.initiatives),
    ]


def submission_cells(rows: Sequence[SubmissionRow], campaign: Campaign) -> list[list[str]]:
    return [
        [str(r.id), local_text(r.received_at, campaign.zone), *submission_fields(r)] for r in rows
    ]


def as_csv(headings: Sequence[str], cells: Sequence[Sequence[str]]) -> str:
    """Return CSV text starting with a BOM so Excel reads it as UTF-8."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows(cells)
    return buffer.getvalue()


def as_table(headings: Sequence[str], cells: Sequence[Sequence[str]], width: int = 64) -> str:
    """Return an aligned plain-text table; long cells are cut to ``width``."""
    rows = [list(headings), *([_cut(c, width) for c in row] for row in cells)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(headings))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _submission_dict(row: SubmissionRow, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "id": row.id,
        "mailbox": row.mailbox,
        "uid": row.uid,
        "message_id": row.message_id,
        "received_at": local_iso(row.received_at, zone),
        "from": row.from_address,
        "subject": row.subject,
        "unit": row.unit,
        "unit_source": row.unit_source,
        "timing": row.timing,
        "status": row.status,
        "parse_status": row.parse_status,
        "reasons": list(row.reasons),
        "attachments": [
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "is_document": a.is_document,
                "extract_status": a.extract_status,
                "extract_reason": a.extract_reason,
                "text_chars": a.text_chars,
                "parent": a.parent,
            }
            for a in row.attachments
        ],
        "initiatives": [
            {"title": i.title, "field": i.field, "authors": list(i.authors)}
            for i in row.initiatives
        ],
    }


class Sender(Protocol):
    @property
    def from_address(self) -> str | None: ...
    @property
    def from_name(self) -> str | None: ...


def sender_text(row: Sender) -> str:
    if row.from_name and row.from_address:
        return f"{row.from_name} <{row.from_address}>"
    return row.from_address or row.from_name or ""


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
