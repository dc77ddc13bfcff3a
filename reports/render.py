"""Render report rows as JSON, CSV or a plain-text table (pure: rows in, text out)."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from parsers.campaign import PAPER_COPY, Campaign
from reports.cells import csv_text
from reports.compliance import PaperStanding, UnitCompliance
from reports.moments import local_iso as local_iso
from reports.moments import local_text as local_text
from store.read import SubmissionRow

STATUS_LABELS = {"on_time": "Đã nộp đúng hạn", "late": "Nộp trễ", "missing": "Chưa nộp"}
#: Every required form taken together (reports.compliance.FormsStatus), when the
#: campaign requires the paper copy as well as the soft file.
FORMS_LABELS = {
    "complete": "Đủ hồ sơ",
    "missing_paper_copy": "Thiếu bản giấy",
    "paper_copy_only": "Chỉ có bản giấy",
    "missing": "Chưa nộp",
}
FORM_LABELS = {"soft_file": "Bản điện tử (thư điện tử)", "paper_copy": "Bản giấy"}
TIMING_LABELS = {"early": "Trước hạn mở", "on_time": "Đúng hạn", "late": "Trễ hạn"}
REVIEW_LABELS = {"accepted": "Đã nhận", "needs_review": "Cần xem xét", "ignored": "Bỏ qua"}
KIND_LABELS = {"town": "Thị trấn", "commune": "Xã", "office": "Phòng, ban", "mass_org": "Đoàn thể"}
PARSE_LABELS = {"pending": "Chưa phân tích", "failed": "Không phân tích được"}
# What each reason code means to staff: the reports, the digest and `review list`
# all show these words (the JSON outputs keep the codes).
REASON_LABELS = {
    "unknown_unit": "Không rõ đơn vị gửi (địa chỉ lạ)",
    "ambiguous_unit": "Thư chỉ ra nhiều đơn vị khác nhau",
    "ambiguous_sender": "Thư ghi nhiều người gửi (nhiều địa chỉ ở ô From)",
    "new_sender_address": "Gửi từ địa chỉ mới, chưa có trong các địa chỉ đã biết của đơn vị",
    "successor_unit": "Đơn vị gửi đã sáp nhập hoặc đổi tên: tính cho đơn vị kế thừa",
    "reply_to_differs": "Địa chỉ trả lời (Reply-To, Sender) khác địa chỉ người gửi",
    "foreign_area": "Đơn vị cùng tên ở huyện, tỉnh khác",
    "no_document": "Không có tệp văn bản đính kèm",
    "unreadable_attachment": "Có tệp không đọc được",
    "auth_failed": "Nghi giả mạo người gửi (xác thực thư không đạt)",
    "parse_failed": "Không phân tích được thư",
    "ambiguous_campaign": "Không rõ thư thuộc đợt nào (nhiều đợt cùng khớp)",
    "no_receive_time": (
        "Không rõ giờ nhận (thư nhập từ tệp, không có dòng Received: của máy chủ "
        "cơ quan; giờ ghi là lúc nhập)"
    ),
    "late": "Gửi sau hạn chót",
    "early": "Gửi trước ngày bắt đầu",
    "auto_reply": "Thư trả lời tự động",
    "bounce": "Thư báo gửi không thành công",
    "bulk": "Thư gửi hàng loạt",
    "own_mail": "Thư của chính hộp thư này",
}

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
#: The columns a campaign that requires the paper copy adds to COMPLIANCE_HEADINGS.
PAPER_HEADINGS = ("Bản giấy", "Hồ sơ")
SUBMISSION_HEADINGS = (
    "STT",
    "Mã thư",
    "Thời điểm nhận",
    "Người gửi",
    "Tiêu đề",
    "Đơn vị",
    "Thời hạn",
    "Trạng thái",
    "Ghi chú",
    "Tệp đính kèm",
    "Tên sáng kiến",
    "Nguồn",
)


# The plain-text submissions table fits a 160-column terminal: these columns,
# each at most this wide (two spaces between them); CSV and XLSX keep everything.
SUBMISSION_TABLE = (
    ("STT", 5),
    ("Mã thư", 6),
    ("Thời điểm nhận", 16),
    ("Người gửi", 22),
    ("Tiêu đề", 28),
    ("Đơn vị", 14),
    ("Thời hạn", 12),
    ("Trạng thái", 11),
    ("Ghi chú", 30),
)


def reason_text(reasons: Iterable[str]) -> str:
    """Return the reasons as staff read them: Vietnamese labels, comma separated."""
    return ", ".join(REASON_LABELS.get(code, code) for code in reasons)


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
                "code": campaign.code,
                "requires": list(campaign.requires),
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
                    "paper_copy": _paper_dict(c.paper),
                    "complete": c.complete,
                    "forms": c.forms.value,
                }
                for c in units
            ],
        }
    )


def _paper_dict(paper: PaperStanding | None) -> dict[str, Any] | None:
    if paper is None:
        return None
    return {
        "received_on": paper.received_on.isoformat(),
        "copies": paper.copies,
        "received_by": paper.received_by,
        "on_time": paper.on_time,
    }


def compliance_headings(campaign: Campaign) -> tuple[str, ...]:
    """Return the compliance columns: the paper copy's only when the campaign requires it."""
    if PAPER_COPY in campaign.requires:
        return COMPLIANCE_HEADINGS + PAPER_HEADINGS
    return COMPLIANCE_HEADINGS


def paper_text(paper: PaperStanding | None) -> str:
    """Return a paper copy as staff read it: "Đúng hạn 20/06/2024 (2 bản)", or "Chưa nộp"."""
    if paper is None:
        return "Chưa nộp"
    when = "Đúng hạn" if paper.on_time else "Trễ hạn"
    copies = f" ({paper.copies} bản)" if paper.copies > 1 else ""
    return f"{when} {paper.received_on.strftime('%d/%m/%Y')}{copies}"


def paper_cells(unit: UnitCompliance, campaign: Campaign) -> list[str]:
    """Return the paper columns of a unit's row (none unless the campaign requires it)."""
    if PAPER_COPY not in campaign.requires:
        return []
    return [paper_text(unit.paper), FORMS_LABELS[unit.forms.value]]


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
            *paper_cells(c, campaign),
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
        REVIEW_LABELS.get(row.status or "", PARSE_LABELS.get(row.parse_status, "")),
        reason_text(row.reasons),
        "; ".join(a.filename for a in row.attachments if a.is_document),
        "; ".join(i.title for i in row.initiatives),
        row.source,
    ]


def submission_cells(rows: Sequence[SubmissionRow], campaign: Campaign) -> list[list[str]]:
    """Return every column of every submission (CSV): number, message id, time, fields."""
    return [
        [str(n), str(r.id), local_text(r.received_at, campaign.zone), *submission_fields(r)]
        for n, r in enumerate(rows, start=1)
    ]


def submission_table(rows: Sequence[SubmissionRow], campaign: Campaign) -> str:
    """Return the submissions as a plain-text table no wider than 160 columns."""
    chosen = [SUBMISSION_HEADINGS.index(heading) for heading, _ in SUBMISSION_TABLE]
    cells = [[row[i] for i in chosen] for row in submission_cells(rows, campaign)]
    headings = [heading for heading, _ in SUBMISSION_TABLE]
    return as_table(headings, cells, widths=[width for _, width in SUBMISSION_TABLE])


def as_csv(headings: Sequence[str], cells: Sequence[Sequence[str]]) -> str:
    """Return CSV text starting with a BOM so Excel reads it as UTF-8.

    No cell can run as a formula in a spreadsheet (reports.cells).
    """
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_text(h) for h in headings])
    writer.writerows([csv_text(c) for c in row] for row in cells)
    return buffer.getvalue()


def as_table(
    headings: Sequence[str],
    cells: Sequence[Sequence[str]],
    width: int = 64,
    widths: Sequence[int] | None = None,
) -> str:
    """Return an aligned plain-text table; long cells are cut to ``width`` columns.

    ``widths`` gives each column its own limit instead. Widths count terminal
    columns: a wide (CJK, emoji) character takes two, a combining mark none.
    """
    limits = list(widths) if widths is not None else [width] * len(headings)
    cut = ([_cut(c, w) for c, w in zip(row, limits, strict=True)] for row in cells)
    rows = [list(headings), *cut]
    sizes = [max(columns(row[i]) for row in rows) for i in range(len(headings))]
    lines = [
        "  ".join(_pad(cell, w) for cell, w in zip(row, sizes, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in sizes))
    return "\n".join(lines) + "\n"


def columns(text: str) -> int:
    """Return how many terminal columns ``text`` takes."""
    return sum(_char_columns(char) for char in text)


def _submission_dict(row: SubmissionRow, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "id": row.id,
        "mailbox": row.mailbox,
        "uid": row.uid,
        "message_id": row.message_id,
        "received_at": local_iso(row.received_at, zone),
        "from": row.from_address,
        # Never evidence of the unit: shown so replies that go elsewhere are noticed.
        "sender": row.sender,
        "reply_to": list(row.reply_to),
        "subject": row.subject,
        "unit": row.unit,
        "unit_source": row.unit_source,
        # The campaign it belongs to (its code); null: none yet (see "reasons").
        "campaign": row.campaign,
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
        # "imap", or "import:<path>" for mail registered from files (cchc-inbox import).
        "source": row.source,
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


def _char_columns(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) == "Cf":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _cut(text: str, width: int) -> str:
    """Return ``text`` on one line, no control characters, cut to ``width`` columns."""
    text = " ".join(text.split())
    # A control character from a mail (ESC…) must not drive the terminal.
    text = "".join("\ufffd" if unicodedata.category(c) == "Cc" else c for c in text)
    if columns(text) <= width:
        return text
    kept, used = [], 1  # room for the ellipsis
    for char in text:
        used += _char_columns(char)
        if used > width:
            break
        kept.append(char)
    return "".join(kept) + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - columns(text))


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
