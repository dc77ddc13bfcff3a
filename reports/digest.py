"""The daily digest Phòng Nội vụ reads every morning (pure: rows in, text and HTML out)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Protocol

from jinja2 import Environment, PackageLoader, StrictUndefined

from parsers.campaign import PAPER_COPY, Campaign
from parsers.roster import Roster, Unit
from reports.compliance import UnitCompliance, UnitStatus, assess_compliance
from reports.render import (
    REASON_LABELS,
    REVIEW_LABELS,
    STATUS_LABELS,
    TIMING_LABELS,
    local_text,
    sender_text,
)
from store.paper import PaperCopyRow
from store.read import MailboxRow, SubmissionRow

# Reasons that put an otherwise accepted message in front of a person.
FLAG_REASONS = frozenset({"unreadable_attachment", "auth_failed"})


@dataclass(frozen=True)
class Window:
    """The received-time interval a digest covers: ``since`` <= t < ``until``."""

    day: date  # the day covered: the day before the digest's date
    since: datetime
    until: datetime


@dataclass(frozen=True)
class NewItem:
    received: str
    sender: str
    subject: str
    unit: str
    timing: str
    status: str
    files: tuple[str, ...]
    titles: tuple[str, ...]
    # Sender/Reply-To addresses that are not the sender's (where replies would go).
    replies_to: str = ""


@dataclass(frozen=True)
class UnitLine:
    name: str
    status: str  # on_time | late | missing
    label: str
    on_time: int
    late: int
    required: bool


@dataclass(frozen=True)
class ReviewItem:
    id: int
    received: str
    sender: str
    subject: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class HealthLine:
    mailbox: str
    last_success: str
    last_error: str | None
    last_attempt: str
    messages: int


@dataclass(frozen=True)
class OtherCampaign:
    """Another campaign open on the day a digest covers: its standing in a few lines."""

    name: str
    deadline: date
    days_left: int
    counts: dict[str, int]  # on_time / late / missing among required units
    required: int
    missing: tuple[str, ...]
    missing_paper: tuple[str, ...] = ()

    @property
    def deadline_text(self) -> str:
        return deadline_phrase(self.days_left)


@dataclass(frozen=True)
class Digest:
    campaign: str
    for_date: date
    window: Window
    deadline: date
    days_left: int
    new: tuple[NewItem, ...]
    units: tuple[UnitLine, ...]
    counts: dict[str, int]  # on_time / late / missing among required units
    required: int
    missing: tuple[str, ...]
    review: tuple[ReviewItem, ...]
    health: tuple[HealthLine, ...]
    failed_messages: int
    # The window's mail taken for a unit from an address it never used (new_sender_address).
    new_addresses: tuple[NewItem, ...] = ()
    # Whether the campaign requires the paper copy, and the required units that have
    # not handed theirs in (whether or not their soft file arrived).
    paper_required: bool = False
    missing_paper: tuple[str, ...] = ()
    # The other campaigns open on the day it covers (a quarterly report beside the
    # initiatives): each one's standing, after the main campaign's.
    others: tuple[OtherCampaign, ...] = ()

    @property
    def subject(self) -> str:
        done = self.counts["on_time"] + self.counts["late"]
        return (
            f"[CCHC] Báo cáo ngày {self.window.day:%d/%m/%Y}: "
            f"{done}/{self.required} đơn vị đã nộp, {len(self.new)} thư mới"
        )


def digest_window(campaign: Campaign, for_date: date, last_until: datetime | None) -> Window:
    """Return the interval of the digest dated ``for_date``: the day before, in the zone.

    When earlier digests were missed, it reaches back to the end of the last one
    (``last_until``), so no submission falls between two digests.
    """
    zone = campaign.zone
    until = datetime.combine(for_date, time(0, 0), tzinfo=zone)
    since = until - timedelta(days=1)
    if last_until is not None and last_until < since:
        since = last_until.astimezone(zone)
    return Window(day=for_date - timedelta(days=1), since=since, until=until)


class Mail(Protocol):
    """What the list of new mail needs of a message (a report row or a mail row)."""

    @property
    def received_at(self) -> datetime: ...
    @property
    def from_address(self) -> str | None: ...
    @property
    def from_name(self) -> str | None: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def timing(self) -> str | None: ...
    @property
    def status(self) -> str | None: ...
    @property
    def documents(self) -> tuple[str, ...]: ...
    @property
    def titles(self) -> tuple[str, ...]: ...
    @property
    def reasons(self) -> tuple[str, ...]: ...
    @property
    def sender(self) -> str | None: ...
    @property
    def reply_to(self) -> tuple[str, ...]: ...


class Reviewable(Protocol):
    """What the review list needs of a message (a report row or a review row)."""

    @property
    def id(self) -> int: ...
    @property
    def received_at(self) -> datetime: ...
    @property
    def from_address(self) -> str | None: ...
    @property
    def from_name(self) -> str | None: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def status(self) -> str | None: ...
    @property
    def parse_status(self) -> str: ...
    @property
    def reasons(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class DigestSources:
    """What the digest reads from the register, as of the end of its window."""

    new: Sequence[Mail]  # at least the mail received in the window, oldest first
    standing: Sequence[UnitCompliance]  # each unit's, counting mail received before the end
    review: Sequence[Reviewable]  # at least every message that needs a person, oldest first
    mailboxes: Sequence[MailboxRow]


def build_digest(
    roster: Roster,
    campaign: Campaign,
    for_date: date,
    window: Window,
    rows: Sequence[SubmissionRow],
    mailboxes: Sequence[MailboxRow],
    papers: Mapping[str, PaperCopyRow] | None = None,
) -> Digest:
    """Return the digest from every row of the register: later mail is not seen yet.

    ``papers`` are the campaign's paper copies by unit; those handed in after the
    window are not seen yet either.
    """
    seen = [r for r in rows if r.received_at < window.until]
    sources = DigestSources(
        new=seen,
        standing=assess_compliance(roster, campaign, seen, papers_until(papers, window)),
        review=seen,
        mailboxes=mailboxes,
    )
    return compose_digest(roster, campaign, for_date, window, sources)


def compose_digest(
    roster: Roster, campaign: Campaign, for_date: date, window: Window, sources: DigestSources
) -> Digest:
    """Return the digest as of the end of ``window`` from what the register gave."""
    zone = campaign.zone
    names = {u.code: u.name for u in roster.units}
    standing = sources.standing
    lines = tuple(_unit_line(c) for c in standing if c.unit.required or c.initiatives)
    required = [c for c in standing if c.unit.required]
    counts = {s.value: sum(1 for c in required if c.status is s) for s in UnitStatus}
    day = [
        r
        for r in sources.new
        if window.since <= r.received_at < window.until and r.status != "ignored"
    ]
    new = tuple(_new_item(r, names, campaign) for r in day)
    waiting = [r for r in sources.review if r.received_at < window.until and _needs_a_person(r)]
    review = tuple(
        ReviewItem(
            id=r.id,
            received=local_text(r.received_at, zone),
            sender=sender_text(r),
            subject=r.subject or "",
            reasons=tuple(REASON_LABELS.get(x, x) for x in _review_reasons(r)),
        )
        for r in waiting
    )
    health = tuple(
        HealthLine(
            mailbox=f"{m.mailbox}/{m.folder}",
            last_success=local_text(m.last_success_at, zone) or "chưa có",
            last_error=m.last_error,
            last_attempt=local_text(m.last_attempt_at, zone),
            messages=m.messages,
        )
        for m in sources.mailboxes
    )
    return Digest(
        campaign=campaign.name,
        for_date=for_date,
        window=window,
        deadline=campaign.closes,
        days_left=(campaign.closes - for_date).days,
        new=new,
        units=lines,
        counts=counts,
        required=len(required),
        missing=tuple(c.unit.name for c in required if c.status is UnitStatus.MISSING),
        review=review,
        health=health,
        # A failed analysis always needs a person, so every one is in the review list.
        failed_messages=sum(1 for r in waiting if r.parse_status == "failed"),
        new_addresses=tuple(
            item for r, item in zip(day, new, strict=True) if NEW_ADDRESS in r.reasons
        ),
        paper_required=PAPER_COPY in campaign.requires,
        missing_paper=tuple(c.unit.name for c in required if c.missing_paper),
    )


def other_campaign(
    campaign: Campaign, for_date: date, standing: Sequence[UnitCompliance]
) -> OtherCampaign:
    """Return another open campaign's standing as the digest dated ``for_date`` shows it."""
    required = [c for c in standing if c.unit.required]
    return OtherCampaign(
        name=campaign.name,
        deadline=campaign.closes,
        days_left=(campaign.closes - for_date).days,
        counts={s.value: sum(1 for c in required if c.status is s) for s in UnitStatus},
        required=len(required),
        missing=tuple(c.unit.name for c in required if c.status is UnitStatus.MISSING),
        missing_paper=tuple(c.unit.name for c in required if c.missing_paper),
    )


def papers_until(
    papers: Mapping[str, PaperCopyRow] | None, window: Window
) -> dict[str, PaperCopyRow]:
    """Return the paper copies handed in by the end of ``window`` (the day it covers)."""
    return {u: p for u, p in (papers or {}).items() if p.received_on <= window.day}


NEW_ADDRESS = "new_sender_address"


def _new_item(row: Mail, names: dict[str, str], campaign: Campaign) -> NewItem:
    return NewItem(
        received=local_text(row.received_at, campaign.zone),
        sender=sender_text(row),
        subject=row.subject or "",
        unit=names.get(row.unit or "", row.unit or "Chưa rõ đơn vị"),
        timing=TIMING_LABELS.get(row.timing or "", ""),
        status=REVIEW_LABELS.get(row.status or "", "Lỗi phân tích"),
        files=row.documents,
        titles=row.titles,
        replies_to=", ".join(_other_addresses(row)),
    )


def _other_addresses(row: Mail) -> list[str]:
    """Return the Sender and Reply-To addresses that are none of the From addresses."""
    senders = {a.strip().lower() for a in (row.from_address or "").split(",")}
    others = (a for a in (row.sender, *row.reply_to) if a)
    return list(dict.fromkeys(a for a in others if a.lower() not in senders))


def render_text(digest: Digest) -> str:
    return _environment().get_template("digest.txt.j2").render(d=digest, **_helpers(digest))


def render_html(digest: Digest) -> str:
    return _environment().get_template("digest.html.j2").render(d=digest, **_helpers(digest))


def missing_units(standing: Sequence[UnitCompliance]) -> list[Unit]:
    """Return the required units that have not submitted yet, in roster order."""
    return [c.unit for c in standing if c.unit.required and c.status is UnitStatus.MISSING]


def units_to_remind(standing: Sequence[UnitCompliance]) -> list[tuple[Unit, tuple[str, ...]]]:
    """Return the required units lacking a required form, and which forms, in roster order.

    With the soft file alone required these are exactly ``missing_units``.
    """
    return [(c.unit, c.lacking) for c in standing if c.unit.required and c.lacking]


def deadline_phrase(days_left: int) -> str:
    if days_left > 1:
        return f"Còn {days_left} ngày đến hạn chót"
    if days_left == 1:
        return "Còn 1 ngày: hạn chót là hết ngày mai"
    if days_left == 0:
        return "Hôm nay là hạn chót (đến hết ngày)"
    return f"Đã quá hạn chót {-days_left} ngày"


def _helpers(digest: Digest) -> dict[str, object]:
    return {
        "labels": STATUS_LABELS,
        "deadline_text": deadline_phrase(digest.days_left),
        "since": digest.window.since.strftime("%d/%m/%Y %H:%M"),
        "until": digest.window.until.strftime("%d/%m/%Y %H:%M"),
    }


@cache
def _environment() -> Environment:
    """Return the template environment; built once, so each template compiles once."""
    return Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _unit_line(c: UnitCompliance) -> UnitLine:
    return UnitLine(
        name=c.unit.name,
        status=c.status.value,
        label=STATUS_LABELS[c.status.value],
        on_time=c.on_time,
        late=c.late,
        required=c.unit.required,
    )


def _needs_a_person(row: Reviewable) -> bool:
    if row.parse_status == "failed" or row.status == "needs_review":
        return True
    return row.status == "accepted" and bool(FLAG_REASONS.intersection(row.reasons))


def _review_reasons(row: Reviewable) -> tuple[str, ...]:
    reasons = tuple(x for x in row.reasons if x not in {"late", "early"})
    if row.parse_status == "failed" and "parse_failed" not in reasons:
        reasons += ("parse_failed",)
    return reasons
