"""The bound paper copy a unit hands in at the office, as both shells record it.

`cchc-inbox paper …` and the unit page's form call these. Each add or remove is
one transaction with its line in the audit trail; a refusal writes no record,
only its own audit line (who tried what, and why it was refused), as review
decisions do. Expected outcomes are values: an Outcome says, in Vietnamese,
what was recorded or why nothing was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.campaigns import UnknownCampaign, select_campaign
from app.queries import campaign_today
from app.root import Register
from parsers.campaign import PAPER_COPY, Campaign
from parsers.roster import Unit
from reports.compliance import assess_tallies
from reports.render import FORMS_LABELS
from store.accounts import record_event
from store.db import Session
from store.paper import (
    PaperCopyExists,
    PaperCopyRow,
    add_paper_copy,
    list_paper_copies,
    paper_copies_by_unit,
    remove_paper_copy,
)
from store.tallies import compliance_tallies

ADD = "paper_add"
REMOVE = "paper_remove"


@dataclass(frozen=True)
class Outcome:
    """What an add or remove did, in the words shown to the person who asked."""

    recorded: bool
    lines: tuple[str, ...]
    # Why nothing was recorded: unknown_campaign, unknown_unit, bad_copies,
    # future_date, exists, not_recorded.
    refusal: str | None = None
    record: PaperCopyRow | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class PaperList:
    campaign: Campaign
    records: tuple[PaperCopyRow, ...]


def today(register: Register) -> date:
    """Return the register's today, in the campaigns' zone."""
    return campaign_today(register, register.clock())


def day_text(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def add(
    register: Register,
    unit_code: str,
    *,
    received_on: date,
    by: str,
    campaign_code: str | None = None,
    copies: int = 1,
    received_by: str | None = None,
    note: str | None = None,
    address: str | None = None,
) -> Outcome:
    """Record that ``unit_code`` handed in its paper copy on ``received_on``."""
    target = f"paper:{campaign_code or '-'}/{unit_code}"
    detail = _detail(received_on, copies, received_by, note)
    found = _campaign_and_unit(register, campaign_code, unit_code)
    if isinstance(found, Outcome):
        return _refused(register, by, ADD, target, found, detail, address)
    campaign, unit = found
    target = f"paper:{campaign.code}/{unit.code}"
    if copies < 1:
        refused = _refusal("bad_copies", f"Số bản giấy phải từ 1 trở lên (đã nhập {copies}).")
        return _refused(register, by, ADD, target, refused, detail, address)
    now = register.clock()
    if received_on > now.astimezone(campaign.zone).date():
        refused = _refusal(
            "future_date",
            f"Ngày nhận {day_text(received_on)} là ngày trong tương lai: "
            "hãy nhập ngày đơn vị đã nộp bản giấy.",
        )
        return _refused(register, by, ADD, target, refused, detail, address)
    try:
        with register.sessions.begin() as session:
            row = add_paper_copy(
                session,
                campaign.code,
                unit.code,
                received_on=received_on,
                copies=copies,
                received_by=_blank_none(received_by),
                note=_blank_none(note),
                by=by,
                now=now,
            )
            lines = [_added_line(unit, campaign, row)]
            if received_on > campaign.closes:
                lines.append(f"Bản giấy nộp trễ hạn (hạn chót {day_text(campaign.closes)}).")
            lines.append(_standing_line(register, session, campaign, unit))
            record_event(
                session, at=now, actor=by, action=ADD, target=target, detail=detail, address=address
            )
    except PaperCopyExists as exists:
        old = exists.existing
        refused = _refusal(
            "exists",
            f"{unit.name} ({unit.code}) đã có bản giấy của đợt {campaign.code}, nhận ngày "
            f"{day_text(old.received_on)} (ghi bởi {old.recorded_by}). Muốn sửa, hãy xoá bản "
            f"ghi đó trước (`cchc-inbox paper remove {unit.code}` hoặc nút Xoá trên trang đơn "
            "vị) rồi ghi lại.",
        )
        return _refused(register, by, ADD, target, refused, detail, address)
    return Outcome(True, tuple(lines), record=row)


def remove(
    register: Register,
    unit_code: str,
    *,
    by: str,
    campaign_code: str | None = None,
    address: str | None = None,
) -> Outcome:
    """Delete the record of ``unit_code``'s paper copy (a mistaken or corrected entry)."""
    target = f"paper:{campaign_code or '-'}/{unit_code}"
    found = _campaign_and_unit(register, campaign_code, unit_code)
    if isinstance(found, Outcome):
        return _refused(register, by, REMOVE, target, found, None, address)
    campaign, unit = found
    target = f"paper:{campaign.code}/{unit.code}"
    now = register.clock()
    with register.sessions.begin() as session:
        old = remove_paper_copy(session, campaign.code, unit.code)
        if old is not None:
            detail = "đã xoá: " + _detail(old.received_on, old.copies, old.received_by, old.note)
            lines = [
                f"Đã xoá bản giấy của {unit.name} ({unit.code}), đợt {campaign.code} "
                f"(nhận ngày {day_text(old.received_on)}).",
                _standing_line(register, session, campaign, unit),
            ]
            record_event(
                session,
                at=now,
                actor=by,
                action=REMOVE,
                target=target,
                detail=detail,
                address=address,
            )
    if old is None:
        refused = _refusal(
            "not_recorded",
            f"{unit.name} ({unit.code}) chưa có bản giấy nào được ghi nhận "
            f"cho đợt {campaign.code}.",
        )
        return _refused(register, by, REMOVE, target, refused, None, address)
    return Outcome(True, tuple(lines), record=old)


def records(register: Register, campaign_code: str | None = None) -> PaperList:
    """Return the campaign's paper copies, by unit code (raise UnknownCampaign)."""
    campaign = select_campaign(register.config, campaign_code, today(register))
    with register.sessions() as session:
        rows = list_paper_copies(session, campaign.code)
    return PaperList(campaign, tuple(rows))


def unit_paper(register: Register, unit_code: str) -> PaperCopyRow | None:
    """Return the paper copy of ``unit_code`` for today's campaign, if one is recorded."""
    campaign = select_campaign(register.config, None, today(register))
    with register.sessions() as session:
        return paper_copies_by_unit(session, campaign.code).get(unit_code)


def _campaign_and_unit(
    register: Register, campaign_code: str | None, unit_code: str
) -> tuple[Campaign, Unit] | Outcome:
    try:
        campaign = select_campaign(register.config, campaign_code, today(register))
    except UnknownCampaign as unknown:
        return _refusal("unknown_campaign", str(unknown))
    unit = register.roster.by_code(unit_code)
    if unit is None:
        return _refusal("unknown_unit", f"Không có đơn vị mã {unit_code!r} trong danh sách đơn vị.")
    return campaign, unit


def _added_line(unit: Unit, campaign: Campaign, row: PaperCopyRow) -> str:
    line = (
        f"Đã ghi nhận bản giấy của {unit.name} ({unit.code}), đợt {campaign.code}: "
        f"nhận ngày {day_text(row.received_on)}, {row.copies} bản"
    )
    if row.received_by:
        line += f", người nhận {row.received_by}"
    return line + "."


def _standing_line(register: Register, session: Session, campaign: Campaign, unit: Unit) -> str:
    """Say where the unit now stands, both forms taken together (only if paper is required)."""
    if PAPER_COPY not in campaign.requires:
        return f"Đợt {campaign.code} không yêu cầu bản giấy: bản ghi chỉ để lưu."
    papers = paper_copies_by_unit(session, campaign.code)
    for standing in assess_tallies(
        register.roster, campaign, compliance_tallies(session, campaign.code), papers
    ):
        if standing.unit.code == unit.code:
            return f"Hồ sơ của {unit.name}: {FORMS_LABELS[standing.forms.value].lower()}."
    return ""  # pragma: no cover - the unit is in the roster


def _detail(received_on: date, copies: int, received_by: str | None, note: str | None) -> str:
    parts = [f"ngày nhận {received_on.isoformat()}", f"{copies} bản"]
    if received_by:
        parts.append(f"người nhận: {received_by}")
    if note:
        parts.append(f"ghi chú: {note}")
    return ", ".join(parts)


def _blank_none(text: str | None) -> str | None:
    return text.strip() or None if text is not None else None


def _refusal(refusal: str, line: str) -> Outcome:
    return Outcome(False, (line,), refusal=refusal)


def _refused(
    register: Register,
    by: str,
    action: str,
    target: str,
    refused: Outcome,
    detail: str | None,
    address: str | None,
) -> Outcome:
    """Record a refused add or remove in the audit trail (why: the refusal) and return it."""
    with register.sessions.begin() as session:
        record_event(
            session,
            at=register.clock(),
            actor=by,
            action=action,
            target=target,
            detail=f"{refused.refusal}: {detail}" if detail else refused.refusal,
            address=address,
            ok=False,
        )
    return refused
