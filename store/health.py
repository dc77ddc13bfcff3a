"""Counts and timestamps for `status`: queues, outbox and the last digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from store.models import DigestRun, Message, OutboxMail

#: What the database driver raises when the server is down, unreachable or refuses us.
DatabaseUnavailable = DBAPIError


def describe_database_error(error: BaseException) -> str:
    """Return the driver's own first line (no SQL, no parameters)."""
    cause = error.orig if isinstance(error, DBAPIError) else error
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else ''}".strip()


@dataclass(frozen=True)
class DigestRow:
    for_date: date
    queued_at: datetime
    status: str | None  # the outbox row's status (sent, pending, failed, …), None if none
    sent_at: datetime | None


def message_counts(session: Session) -> dict[str, int]:
    """Return the queues: pending and failed (parsing), needs_review, accepted, ignored."""
    counts = {"pending": 0, "failed": 0, "needs_review": 0, "accepted": 0, "ignored": 0}
    parsed = select(Message.parse_status, func.count()).group_by(Message.parse_status)
    for state, count in session.execute(parsed).all():
        if state in ("pending", "failed"):
            counts[state] = int(count)
    judged = select(Message.status, func.count()).group_by(Message.status)
    for verdict, count in session.execute(judged).all():
        if verdict is not None:
            counts[str(verdict)] = int(count)
    return counts


def outbox_counts(session: Session) -> dict[str, int]:
    """Return how many outgoing mails are in each outbox state."""
    rows = session.execute(
        select(OutboxMail.status, func.count()).group_by(OutboxMail.status)
    ).all()
    return {str(state): int(count) for state, count in rows}


def last_digest(session: Session) -> DigestRow | None:
    """Return the newest digest queued, with its delivery state."""
    row = session.execute(
        select(DigestRun.for_date, DigestRun.created_at, OutboxMail.status, OutboxMail.sent_at)
        .outerjoin(OutboxMail, OutboxMail.id == DigestRun.outbox_id)
        .order_by(DigestRun.for_date.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return DigestRow(for_date=row[0], queued_at=row[1], status=row[2], sent_at=row[3])
