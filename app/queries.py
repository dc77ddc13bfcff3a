"""What the register shows people: the standing of units, the overview, messages, units.

Gather from the store, compute with reports/, return frozen values; the
shells (the CLI's reports, the web's pages) only present them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.campaigns import select_campaign
from app.root import Register
from parsers.campaign import Campaign
from parsers.roster import Unit
from reports.compliance import UnitCompliance, UnitStatus, assess_tallies
from reports.digest import deadline_phrase
from reports.health import FolderHealth, assess_folders, default_stale_after
from reports.periods import PeriodMatrix, build_matrix, has_begun
from store.browse import (
    LearnedRow,
    MessageDetail,
    MessageFilter,
    MessagePage,
    learned_for_unit,
    list_messages,
    mail_to_unit,
    message_detail,
)
from store.decisions import ReviewRow, Seen, count_for_review, list_for_review, seen_many
from store.health import message_counts
from store.outbox import FAILED, UNCERTAIN, OutboxRow, list_outbox
from store.paper import PaperCopyRow, find_paper_copy, paper_copies_by_unit
from store.read import list_mailboxes
from store.tallies import compliance_tallies


def unit_standings(register: Register, campaign: Campaign) -> list[UnitCompliance]:
    """Return every unit's standing now in ``campaign``, in roster order (a few rows per
    unit are read)."""
    with register.sessions() as session:
        tallies = compliance_tallies(session, campaign.code)
        papers = paper_copies_by_unit(session, campaign.code)
    return assess_tallies(register.roster, campaign, tallies, papers)


def period_matrix(register: Register, periods: Sequence[Campaign], today: date) -> PeriodMatrix:
    """Return every unit's standing in each period of a periodic report (``periods``,
    app.campaigns.select_series); a period that has not begun by ``today`` has none."""
    standings = [unit_standings(register, p) if has_begun(p, today) else None for p in periods]
    series = periods[0].series if periods else ""
    return build_matrix(series, register.roster.units, periods, standings)


def campaign_today(register: Register, now: datetime) -> date:
    return now.astimezone(register.config.campaign.zone).date()


@dataclass(frozen=True)
class Overview:
    campaign: Campaign
    today: date
    days_left: int
    deadline_text: str
    required: int
    on_time: int
    late: int
    missing: int
    needs_review: int
    failed: int
    standings: tuple[UnitCompliance, ...]
    folders: tuple[FolderHealth, ...]
    outbox_problems: tuple[OutboxRow, ...]


def overview(register: Register, now: datetime, campaign: Campaign | None = None) -> Overview:
    """Return the day's picture of ``campaign`` (by default the one ``now`` falls in):
    deadline, counts, every unit, mailboxes, outbox problems."""
    config = register.config
    today = campaign_today(register, now)
    campaign = campaign or select_campaign(config, None, today)
    standings = unit_standings(register, campaign)
    with register.sessions() as session:
        queues = message_counts(session)
        mailboxes = list_mailboxes(session)
        problems = list_outbox(session, [FAILED, UNCERTAIN])
    schedule = config.schedule
    max_age = schedule.stale_after or default_stale_after(schedule.poll_every)
    required = [s for s in standings if s.unit.required]
    days_left = (campaign.closes - today).days
    return Overview(
        campaign=campaign,
        today=today,
        days_left=days_left,
        deadline_text=deadline_phrase(days_left),
        required=len(required),
        on_time=sum(1 for s in required if s.status is UnitStatus.ON_TIME),
        late=sum(1 for s in required if s.status is UnitStatus.LATE),
        missing=sum(1 for s in required if s.status is UnitStatus.MISSING),
        needs_review=queues.get("needs_review", 0),
        failed=queues.get("failed", 0),
        standings=tuple(standings),
        folders=tuple(
            assess_folders([(m.name, m.folder) for m in config.mailboxes], mailboxes, now, max_age)
        ),
        outbox_problems=tuple(problems),
    )


def day_bounds(register: Register, first: date | None, last: date | None) -> MessageFilter:
    """Return the filter of messages received from the start of ``first`` to the end of
    ``last``, days in the campaign's zone (None: no bound)."""
    zone = register.config.campaign.zone
    since = datetime.combine(first, time(0, 0), tzinfo=zone) if first else None
    until = datetime.combine(last + timedelta(days=1), time(0, 0), tzinfo=zone) if last else None
    return MessageFilter(since=since, until=until)


def messages(register: Register, which: MessageFilter, *, page: int, per_page: int) -> MessagePage:
    with register.sessions() as session:
        return list_messages(session, which, limit=per_page, offset=(page - 1) * per_page)


def message(register: Register, message_id: int) -> MessageDetail | None:
    with register.sessions() as session:
        return message_detail(session, message_id)


@dataclass(frozen=True)
class ReviewItem:
    """A message waiting for a person, and what they saw of it (for the conflict check)."""

    row: ReviewRow
    seen: Seen


@dataclass(frozen=True)
class ReviewPage:
    items: tuple[ReviewItem, ...]
    total: int


def review_queue(register: Register, *, page: int = 1, per_page: int = 25) -> ReviewPage:
    """Return a page of the messages waiting for a person, oldest first."""
    with register.sessions() as session:
        rows = list_for_review(session, limit=per_page, offset=(page - 1) * per_page)
        seen = seen_many(session, [r.id for r in rows])
        total = count_for_review(session)
    return ReviewPage(tuple(ReviewItem(r, seen[r.id]) for r in rows), total)


@dataclass(frozen=True)
class UnitPage:
    unit: Unit
    standing: UnitCompliance
    known_addresses: tuple[str, ...]  # the roster's and the address book's
    learned: tuple[LearnedRow, ...]
    messages: MessagePage
    mail: tuple[OutboxRow, ...]  # receipts and reminders
    # The paper copy recorded for the campaign (who recorded it, the note), if any.
    paper: PaperCopyRow | None = None


def unit_page(
    register: Register, code: str, campaign: Campaign, *, per_page: int = 200
) -> UnitPage | None:
    """Return what a unit sent and where it stands in ``campaign``."""
    roster = register.roster
    unit = roster.by_code(code)
    if unit is None:
        return None
    standing = next(s for s in unit_standings(register, campaign) if s.unit.code == code)
    book = sorted(a for a, c in roster.addresses.items() if c == code)
    with register.sessions() as session:
        return UnitPage(
            unit=unit,
            standing=standing,
            known_addresses=tuple(dict.fromkeys([*unit.emails, *book])),
            learned=tuple(learned_for_unit(session, code)),
            messages=list_messages(session, MessageFilter(unit=code), limit=per_page),
            mail=tuple(mail_to_unit(session, code)),
            paper=find_paper_copy(session, campaign.code, code),
        )
