"""The outbox: outgoing mail as rows, claimed with an UPDATE … WHERE guard.

Functions take the session first and never commit. The sender (outbound/outbox.py)
commits the claim *before* it talks to SMTP and the result *after*; see
``outbound.outbox.deliver_due`` for why that order sends each row at most once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from store.models import DigestRun, Message, OutboxMail

PENDING, SENDING, SENT, FAILED, UNCERTAIN = "pending", "sending", "sent", "failed", "uncertain"


@dataclass(frozen=True)
class NewMail:
    kind: str  # digest | receipt | reminder
    dedupe_key: str  # one row per key, ever: "receipt:42", "digest:2024-06-26"
    rfc_message_id: str
    sender: str
    recipients: tuple[str, ...]
    subject: str
    raw: bytes
    reply_to_message: int | None = None


@dataclass(frozen=True)
class ClaimedMail:
    id: int
    kind: str
    rfc_message_id: str
    sender: str
    recipients: tuple[str, ...]
    raw: bytes
    attempts: int


@dataclass(frozen=True)
class OutboxRow:
    id: int
    kind: str
    dedupe_key: str
    rfc_message_id: str
    recipients: tuple[str, ...]
    subject: str
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str | None


def enqueue(session: Session, mail: NewMail, now: datetime) -> int | None:
    """Add ``mail`` unless its dedupe key is already queued; return the new row's id.

    A concurrent writer with the same key loses on the unique constraint inside
    a savepoint, so the caller's transaction goes on.
    """
    if session.scalar(select(OutboxMail.id).where(OutboxMail.dedupe_key == mail.dedupe_key)):
        return None
    row = OutboxMail(
        kind=mail.kind,
        dedupe_key=mail.dedupe_key,
        rfc_message_id=mail.rfc_message_id,
        sender=mail.sender,
        recipients=list(mail.recipients),
        subject=mail.subject,
        raw=mail.raw,
        reply_to_message=mail.reply_to_message,
        status=PENDING,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row.id


def claim_next(session: Session, now: datetime) -> ClaimedMail | None:
    """Mark the oldest due pending row as being sent, count the attempt, return it.

    The UPDATE only matches a row that is still pending, so two workers racing
    for the same row cannot both claim it (the loser sees rowcount 0).
    """
    while True:
        candidate = session.scalar(
            select(OutboxMail.id)
            .where(OutboxMail.status == PENDING, OutboxMail.next_attempt_at <= now)
            .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
            .limit(1)
        )
        if candidate is None:
            return None
        claimed = session.execute(
            update(OutboxMail)
            .where(OutboxMail.id == candidate, OutboxMail.status == PENDING)
            .values(status=SENDING, attempts=OutboxMail.attempts + 1, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            row = session.get_one(OutboxMail, candidate, populate_existing=True)
            return ClaimedMail(
                id=row.id,
                kind=row.kind,
                rfc_message_id=row.rfc_message_id,
                sender=row.sender,
                recipients=tuple(row.recipients),
                raw=row.raw,
                attempts=row.attempts,
            )


def mark_sent(session: Session, mail_id: int, now: datetime) -> None:
    """Record that the server accepted the mail (also if a lease ran out meanwhile)."""
    session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.status.in_((SENDING, UNCERTAIN)))
        .values(status=SENT, sent_at=now, last_error=None)
        .execution_options(synchronize_session=False)
    )


def mark_retry(session: Session, mail_id: int, error: str, next_attempt_at: datetime) -> None:
    """Put a row whose attempt certainly did not deliver back in the queue."""
    _end_attempt(session, mail_id, PENDING, error, next_attempt_at=next_attempt_at)


def mark_failed(session: Session, mail_id: int, error: str) -> None:
    _end_attempt(session, mail_id, FAILED, error)


def mark_uncertain(session: Session, mail_id: int, error: str) -> None:
    """Record that a send broke off after the body went out: maybe delivered."""
    _end_attempt(session, mail_id, UNCERTAIN, error)


def _end_attempt(session: Session, mail_id: int, status: str, error: str, **values: object) -> None:
    # Only the claimant's row in SENDING moves: a row already settled stays as it is.
    session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.status == SENDING)
        .values(status=status, last_error=error, **values)
        .execution_options(synchronize_session=False)
    )


def expire_stale_claims(session: Session, now: datetime, lease: timedelta) -> int:
    """Mark rows claimed longer than ``lease`` ago as uncertain; return how many.

    Such a row was claimed by a process that died before recording the outcome:
    the server may or may not have the mail, so it is never resent automatically.
    """
    result = session.execute(
        update(OutboxMail)
        .where(OutboxMail.status == SENDING, OutboxMail.claimed_at < now - lease)
        .values(
            status=UNCERTAIN,
            last_error="gửi bị gián đoạn: có thể đã gửi, kiểm tra nhật ký máy chủ thư",
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def requeue(session: Session, mail_id: int, now: datetime) -> bool:
    """Put a failed or uncertain row back in the queue (a person decided); True if done."""
    result = session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.status.in_((FAILED, UNCERTAIN)))
        .values(status=PENDING, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def list_outbox(
    session: Session, statuses: Sequence[str] | None = None, ids: Sequence[int] | None = None
) -> list[OutboxRow]:
    """Return outgoing mail (in some ``statuses``, or of some ``ids``), oldest first."""
    # The raw messages stay in the database: a listing shows headers only.
    query = select(OutboxMail).options(defer(OutboxMail.raw)).order_by(OutboxMail.id)
    if statuses:
        query = query.where(OutboxMail.status.in_(list(statuses)))
    if ids is not None:
        query = query.where(OutboxMail.id.in_(list(ids)))
    return [
        OutboxRow(
            id=r.id,
            kind=r.kind,
            dedupe_key=r.dedupe_key,
            rfc_message_id=r.rfc_message_id,
            recipients=tuple(r.recipients),
            subject=r.subject,
            status=r.status,
            attempts=r.attempts,
            created_at=r.created_at,
            next_attempt_at=r.next_attempt_at,
            sent_at=r.sent_at,
            last_error=r.last_error,
        )
        for r in session.scalars(query)
    ]


def accepted_without_receipt(session: Session) -> list[int]:
    """Return the ids of accepted messages that have no receipt queued or sent."""
    has_receipt = exists().where(
        and_(OutboxMail.kind == "receipt", OutboxMail.reply_to_message == Message.id)
    )
    query = (
        select(Message.id)
        .where(Message.status == "accepted", ~has_receipt)
        .order_by(Message.received_at, Message.id)
    )
    return list(session.scalars(query))


def record_digest_run(
    session: Session,
    for_date: date,
    since: datetime,
    until: datetime,
    now: datetime,
    outbox_id: int | None,
) -> None:
    """Remember that the digest of ``for_date`` went out (once per date).

    A concurrent writer that recorded the same date first wins on the unique
    constraint inside a savepoint, so the caller's transaction goes on.
    """
    if session.scalar(select(DigestRun.id).where(DigestRun.for_date == for_date)):
        return
    try:
        with session.begin_nested():
            session.add(
                DigestRun(
                    for_date=for_date, since=since, until=until, created_at=now, outbox_id=outbox_id
                )
            )
    except IntegrityError:
        return
