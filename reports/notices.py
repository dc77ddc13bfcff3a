"""Receipts and reminders sent to units (pure: rows in, subject and text out)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jinja2 import Environment, PackageLoader, StrictUndefined

from parsers.campaign import PAPER_COPY, SOFT_FILE, Campaign
from parsers.roster import Unit
from reports.digest import deadline_phrase
from reports.render import local_text
from store.read import SubmissionRow

TIMING_SENTENCES = {
    "early": "nhận trước ngày bắt đầu đợt, vẫn được tính",
    "on_time": "đúng hạn",
    "late": "trễ hạn (sau hết ngày hạn chót)",
}


@dataclass(frozen=True)
class Notice:
    subject: str
    text: str


def receipt_notice(
    row: SubmissionRow,
    unit_name: str,
    campaign: Campaign,
    mailbox_address: str,
    signature: str,
    *,
    copy: bool = False,
) -> Notice:
    """Return the acknowledgment of an accepted submission, as a reply to it.

    Mail taken for the unit from an address it never used says so; ``copy``
    gives the copy sent to the unit's known addresses instead.
    """
    new_address = None
    if "new_sender_address" in row.reasons:
        new_address = row.from_address or "(không rõ địa chỉ)"
    text = _render(
        "receipt.txt.j2",
        copy=copy,
        new_address=new_address,
        unit=unit_name,
        mailbox_address=mailbox_address,
        received=local_text(row.received_at, campaign.zone),
        campaign=campaign.name,
        timing=TIMING_SENTENCES.get(row.timing or "", "chưa xác định"),
        files=[a.filename for a in row.attachments if a.is_document],
        titles=[i.title for i in row.initiatives],
        signature=signature,
    )
    original = (row.subject or "").strip()
    if copy:
        subject = f"Bản sao xác nhận: thư nhân danh {unit_name} từ địa chỉ mới {new_address}"
    elif not original:
        subject = "Xác nhận đã nhận hồ sơ sáng kiến"
    elif original.lower().startswith("re:"):
        subject = original
    else:
        subject = f"Re: {original}"
    return Notice(subject=subject, text=text)


def reminder_notice(
    unit: Unit,
    campaign: Campaign,
    today: date,
    mailbox_address: str,
    signature: str,
    lacking: tuple[str, ...] = (SOFT_FILE,),
) -> Notice:
    """Return the reminder to a unit that has not submitted yet.

    ``lacking`` are the forms it has not handed in (reports.compliance's
    ``UnitCompliance.lacking``): a unit whose file arrived but whose paper copy
    did not is reminded of the paper copy alone.
    """
    days_left = (campaign.closes - today).days
    lacking_file = SOFT_FILE in lacking
    text = _render(
        "reminder.txt.j2",
        lacking_file=lacking_file,
        lacking_paper=PAPER_COPY in lacking,
        unit=unit.name,
        campaign=campaign.name,
        minimum=campaign.min_per_unit,
        mailbox_address=mailbox_address,
        deadline=campaign.closes.strftime("%d/%m/%Y"),
        today=today.strftime("%d/%m/%Y"),
        deadline_text=deadline_phrase(days_left),
        signature=signature,
        periodic=bool(campaign.series),
    )
    subject = f"Nhắc gửi sáng kiến CCHC: hạn chót hết ngày {campaign.closes:%d/%m/%Y}"
    if campaign.series:  # a periodic report is named, not called an initiative
        subject = f"Nhắc gửi {campaign.name}: hạn chót hết ngày {campaign.closes:%d/%m/%Y}"
    if not lacking_file:
        subject = f"Nhắc nộp bản giấy sáng kiến CCHC: hạn chót hết ngày {campaign.closes:%d/%m/%Y}"
    return Notice(subject=subject, text=text)


def _render(template: str, **values: object) -> str:
    environment = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=False,  # plain text mail; HTML is never built from these
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment.get_template(template).render(**values)
