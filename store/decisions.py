"""Staff decisions on messages and the addresses they teach.

Each function takes the session first and never commits. Decisions are kept
as rows that are never changed (who, when, what), and they win over the
classifier every time a message is analysed again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from parsers.campaign import Timing
from parsers.classify import (
    Action,
    Classification,
    Decision,
    Status,
    UnitSource,
    apply_decisions,
)
from store.models import LearnedAddress, Message, ReviewDecision
from store.rowlocks import lock_messages
from store.tallies import refresh_unit_tallies


class UnknownMessage(Exception):
    """No stored message has the id a person gave."""


@dataclass(frozen=True)
class Seen:
    """What a person saw of a message when deciding: the id of its latest decision."""

    decision_id: int | None


class NeedsUnit(Exception):
    """A message without a unit cannot be accepted: assign its unit first."""


class DecisionConflict(Exception):
    """Someone else decided on the message after the person saw it; nothing was written."""

    def __init__(self, latest: DecisionRow) -> None:
        super().__init__(f"message {latest.message_id} was decided again (decision {latest.id})")
        self.latest = latest


@dataclass(frozen=True)
class ReviewRow:
    """A message waiting for a person, with what the evidence said."""

    id: int
    received_at: datetime
    from_address: str | None
    from_name: str | None
    subject: str | None
    unit: str | None
    timing: str | None
    reasons: tuple[str, ...]
    candidates: tuple[str, ...]
    documents: int
    sender: str | None = None
    reply_to: tuple[str, ...] = ()
    # The campaign it belongs to, or the campaigns the rule could not tell apart.
    campaign: str | None = None
    campaign_candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecisionRow:
    id: int
    message_id: int
    action: str
    unit: str | None
    reason: str | None
    remembered_address: str | None
    decided_by: str
    decided_at: datetime
    campaign: str | None = None


def list_for_review(
    session: Session, *, limit: int | None = None, offset: int = 0
) -> list[ReviewRow]:
    """Return the messages whose status is needs_review, oldest received first
    (``limit`` of them from ``offset``, or all)."""
    query = (
        select(Message)
        .options(selectinload(Message.attachments))
        .where(Message.status == Status.NEEDS_REVIEW.value)
        .order_by(Message.received_at, Message.id)
        .limit(limit)
        .offset(offset)
    )
    return [
        ReviewRow(
            id=m.id,
            received_at=m.received_at,
            from_address=m.from_address,
            from_name=m.from_name,
            subject=m.subject,
            unit=m.unit_code,
            timing=m.timing,
            reasons=tuple(m.reasons or ()),
            candidates=tuple(m.candidates or ()),
            documents=sum(1 for a in m.attachments if a.is_document),
            sender=m.sender,
            reply_to=tuple(m.reply_to or ()),
            campaign=m.campaign_code,
            campaign_candidates=tuple(m.campaign_candidates or ()),
        )
        for m in session.scalars(query)
    ]


def count_for_review(session: Session) -> int:
    """Return how many messages need review."""
    waiting = Message.status == Status.NEEDS_REVIEW.value
    return int(session.scalar(select(func.count()).select_from(Message).where(waiting)) or 0)


def seen_many(session: Session, message_ids: Sequence[int]) -> dict[int, Seen]:
    """Return ``seen_now`` of each message, in one query."""
    latest = dict(
        session.execute(
            select(ReviewDecision.message_id, func.max(ReviewDecision.id))
            .where(ReviewDecision.message_id.in_(list(message_ids)))
            .group_by(ReviewDecision.message_id)
        ).all()
    )
    return {i: Seen(latest.get(i)) for i in message_ids}


def current_verdict(session: Session, message_id: int) -> Classification:
    """Return the classification stored for a message (raise UnknownMessage if none)."""
    message = session.get(Message, message_id)
    if message is None:
        raise UnknownMessage(message_id)
    return Classification(
        unit=message.unit_code,
        unit_source=UnitSource(message.unit_source) if message.unit_source else None,
        timing=Timing(message.timing) if message.timing else None,
        status=Status(message.status or Status.NEEDS_REVIEW.value),
        reasons=tuple(message.reasons or ()),
        candidates=tuple(message.candidates or ()),
        campaign=message.campaign_code,
        campaign_candidates=tuple(message.campaign_candidates or ()),
        timings={code: Timing(t) for code, t in (message.campaign_timings or {}).items()},
    )


def record_decision(
    session: Session,
    message_id: int,
    decision: Decision,
    *,
    by: str,
    now: datetime,
    reason: str | None = None,
    remember_address: bool = False,
    seen: Seen | None = None,
) -> ReviewDecision:
    """Store a person's decision and apply it to the message at once.

    The message is locked first, so two people deciding at once go one after
    the other and the tallies follow the last word. With ``seen`` (what the
    person saw), a decision recorded since then wins: DecisionConflict, and
    nothing is written. Accepting a message without a unit raises NeedsUnit.
    With ``remember_address`` (assign only) the message's sender address is
    learned for the assigned unit, replacing what it was learned for before.
    """
    lock_messages(session, [message_id])
    # Read again under the lock: a row loaded earlier in this session may be stale.
    if session.get(Message, message_id, populate_existing=True) is None:
        raise UnknownMessage(message_id)
    if seen is not None:
        latest = latest_decision(session, message_id)
        if latest is not None and latest.id != seen.decision_id:
            raise DecisionConflict(latest)
    before = current_verdict(session, message_id)
    if decision.action is Action.ACCEPT and before.unit is None:
        raise NeedsUnit(message_id)
    verdict = apply_decisions(before, [decision])
    message = session.get_one(Message, message_id)
    remembered = None
    if remember_address and decision.action is Action.ASSIGN and message.from_address:
        remembered = message.from_address.lower()
    row = ReviewDecision(
        message_id=message_id,
        action=decision.action.value,
        unit_code=decision.unit,
        campaign_code=decision.campaign,
        reason=reason,
        remembered_address=remembered,
        decided_by=by,
        decided_at=now,
    )
    session.add(row)
    session.flush()
    if remembered is not None and decision.unit is not None:
        learned = session.scalar(select(LearnedAddress).where(LearnedAddress.address == remembered))
        if learned is None:
            learned = LearnedAddress(address=remembered)
            session.add(learned)
        learned.unit_code = decision.unit
        learned.learned_by = by
        learned.learned_at = now
        learned.decision_id = row.id
    touched = write_verdict(message, verdict)
    session.flush()
    refresh_unit_tallies(session, touched)
    return row


@dataclass(frozen=True)
class StandingMessage:
    """What a message counts for as it stands: enough to tell a person what a decision did."""

    id: int
    unit: str | None
    status: str | None
    timing: str | None
    reasons: tuple[str, ...]
    documents: int
    initiatives: int
    # The campaign it belongs to, and how it was judged in each campaign (by code).
    campaign: str | None = None
    timings: Mapping[str, str] = field(default_factory=dict)


def standing_message(session: Session, message_id: int) -> StandingMessage:
    """Return a message's unit, status and what it carries (raise UnknownMessage if none)."""
    message = session.get(Message, message_id)
    if message is None:
        raise UnknownMessage(message_id)
    return StandingMessage(
        id=message.id,
        unit=message.unit_code,
        status=message.status,
        timing=message.timing,
        reasons=tuple(message.reasons or ()),
        documents=sum(1 for a in message.attachments if a.is_document),
        initiatives=len(message.initiatives),
        campaign=message.campaign_code,
        timings=dict(message.campaign_timings or {}),
    )


def seen_now(session: Session, message_id: int) -> Seen:
    """Return what a person deciding now sees of a message (raise UnknownMessage if none)."""
    if session.get(Message, message_id) is None:
        raise UnknownMessage(message_id)
    latest = latest_decision(session, message_id)
    return Seen(latest.id if latest else None)


def latest_decision(session: Session, message_id: int) -> DecisionRow | None:
    """Return the newest decision on a message, if any."""
    row = session.scalar(
        select(ReviewDecision)
        .where(ReviewDecision.message_id == message_id)
        .order_by(ReviewDecision.id.desc())
        .limit(1)
    )
    return None if row is None else _decision_row(row)


def write_verdict(message: Message, verdict: Classification) -> set[str]:
    """Copy a classification onto a message row; return the units whose tallies it touched."""
    touched = {unit for unit in (message.unit_code, verdict.unit) if unit}
    for column, value in verdict_columns(verdict).items():
        setattr(message, column, value)
    return touched


def verdict_columns(verdict: Classification) -> dict[str, object]:
    """Return the message columns that hold a classification, by name."""
    return {
        "campaign_code": verdict.campaign,
        "campaign_candidates": list(verdict.campaign_candidates),
        "campaign_timings": {code: t.value for code, t in verdict.timings.items()},
        "unit_code": verdict.unit,
        "unit_source": verdict.unit_source.value if verdict.unit_source else None,
        "timing": verdict.timing.value if verdict.timing else None,
        "status": verdict.status.value,
        "reasons": list(verdict.reasons),
        "candidates": list(verdict.candidates),
    }


def stored_decisions(session: Session, message_id: int) -> list[Decision]:
    """Return the decisions taken on a message in the order they were recorded.

    That is id order, not ``decided_at``: ids are taken under the message's lock,
    so they follow the order in which the decisions were applied, whatever the
    clocks of the machines that took them said.
    """
    return stored_decisions_many(session, [message_id])[message_id]


def stored_decisions_many(
    session: Session, message_ids: Sequence[int]
) -> dict[int, list[Decision]]:
    """Return ``stored_decisions`` of each message (none: an empty list), in one query."""
    found: dict[int, list[Decision]] = {message_id: [] for message_id in message_ids}
    rows = session.scalars(
        select(ReviewDecision)
        .where(ReviewDecision.message_id.in_(list(found)))
        .order_by(ReviewDecision.id)
    )
    for r in rows:
        found[r.message_id].append(Decision(Action(r.action), r.unit_code, r.campaign_code))
    return found


def with_decisions(session: Session, message_id: int, verdict: Classification) -> Classification:
    """Return the classifier's ``verdict`` with the stored decisions applied on top."""
    return apply_decisions(verdict, stored_decisions(session, message_id))


def decision_history(session: Session, message_id: int | None = None) -> list[DecisionRow]:
    """Return every decision (of one message, or all) as recorded: the audit trail."""
    query = select(ReviewDecision).order_by(ReviewDecision.id)
    if message_id is not None:
        query = query.where(ReviewDecision.message_id == message_id)
    return [_decision_row(r) for r in session.scalars(query)]


def _decision_row(r: ReviewDecision) -> DecisionRow:
    return DecisionRow(
        id=r.id,
        message_id=r.message_id,
        action=r.action,
        unit=r.unit_code,
        reason=r.reason,
        remembered_address=r.remembered_address,
        decided_by=r.decided_by,
        decided_at=r.decided_at,
        campaign=r.campaign_code,
    )


def learned_addresses(session: Session) -> dict[str, str]:
    """Return every learned sending address (lower-cased) mapped to its unit code."""
    rows = session.execute(select(LearnedAddress.address, LearnedAddress.unit_code))
    return {address.lower(): code for address, code in rows}
