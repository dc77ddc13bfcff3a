"""Counts and timestamps for `status`: queues, outbox and the last digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, func, select
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from store.models import DigestRun, Message, OutboxMail, ReviewDecision

#: What the database driver raises when the server is down, unreachable or refuses us.
DatabaseUnavailable = DBAPIError


def describe_database_error(error: BaseException) -> str:
    """Return the driver's own first line (no SQL, no parameters)."""
    cause = error.orig if isinstance(error, DBAPIError) else error
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else ''}".strip()


#: SQLite's primary result codes that the machine causes, not the data.
_SQLITE_CODES = {
    5: "database_locked",  # SQLITE_BUSY
    6: "database_locked",  # SQLITE_LOCKED
    13: "database_full",  # SQLITE_FULL
    8: "database_unavailable",  # SQLITE_READONLY (a read-only file or file system)
    10: "database_unavailable",  # SQLITE_IOERR
    14: "database_unavailable",  # SQLITE_CANTOPEN
}
#: PostgreSQL SQLSTATEs (or their classes) that the machine causes, not the data.
_POSTGRES_STATES = {
    "53100": "database_full",  # disk_full
    "55P03": "database_locked",  # lock_not_available
    "40P01": "database_locked",  # deadlock_detected: the next try goes through
    "08": "database_unavailable",  # connection exceptions
    "57P": "database_unavailable",  # the server shut down or restarted
    "53": "database_unavailable",  # out of memory, too many connections
}


def database_fault(error: BaseException) -> str | None:
    """Name what the machine did wrong, or None when the error is the data's or a bug's.

    "database_locked" (another writer held it past the busy timeout),
    "database_full" (no room left for the database), or "database_unavailable"
    (down, unreachable, the connection cut).
    """
    if not isinstance(error, DBAPIError):
        return None
    cause = error.orig
    code = getattr(cause, "sqlite_errorcode", None)
    if isinstance(code, int):
        return _SQLITE_CODES.get(code & 0xFF)
    state = getattr(cause, "sqlstate", None)
    if isinstance(state, str):
        for prefix in sorted(_POSTGRES_STATES, key=len, reverse=True):
            if state.startswith(prefix):
                return _POSTGRES_STATES[prefix]
    if error.connection_invalidated or isinstance(error, OperationalError | InterfaceError):
        return "database_unavailable"
    return None


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


def undecided_failures(session: Session) -> int:
    """Count messages whose analysis failed and on which no person has decided yet."""
    decided = exists().where(ReviewDecision.message_id == Message.id)
    query = select(func.count()).where(Message.parse_status == "failed", ~decided)
    return int(session.scalar(query) or 0)


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
