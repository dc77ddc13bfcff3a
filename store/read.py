"""Read queries for reports: rows as frozen dataclasses, loaded without N+1 queries."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from store.models import Attachment, DigestRun, Initiative, MailboxState, Message


@dataclass(frozen=True)
class AttachmentRow:
    filename: str
    content_type: str
    size: int
    sha256: str
    is_document: bool
    extract_status: str | None
    text_chars: int
    parent: str | None


@dataclass(frozen=True)
class InitiativeRow:
    title: str
    title_key: str
    field: str | None
    authors: tuple[str, ...]
    filename: str | None


@dataclass(frozen=True)
class SubmissionRow:
    id: int
    mailbox: str
    uid: int
    message_id: str | None
    received_at: datetime
    from_address: str | None
    from_name: str | None
    subject: str | None
    unit: str | None
    unit_source: str | None
    timing: str | None
    status: str | None
    parse_status: str
    reasons: tuple[str, ...]
    attachments: tuple[AttachmentRow, ...]
    initiatives: tuple[InitiativeRow, ...]


@dataclass(frozen=True)
class MailboxRow:
    mailbox: str
    folder: str
    uidvalidity: int | None
    last_uid: int
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    messages: int


def list_submissions(session: Session, status: str | None = None) -> list[SubmissionRow]:
    """Return every stored message, oldest received first."""
    query = (
        select(Message)
        .options(selectinload(Message.attachments), selectinload(Message.initiatives))
        .order_by(Message.received_at, Message.id)
    )
    if status is not None:
        query = query.where(Message.status == status)
    return [_submission(m) for m in session.scalars(query)]


def list_mailboxes(session: Session) -> list[MailboxRow]:
    """Return the progress and health of every polled folder."""
    counts = dict(
        session.execute(
            select(Message.mailbox + "/" + Message.folder, func.count()).group_by(
                Message.mailbox, Message.folder
            )
        ).all()
    )
    states = session.scalars(select(MailboxState).order_by(MailboxState.mailbox))
    return [
        MailboxRow(
            mailbox=s.mailbox,
            folder=s.folder,
            uidvalidity=s.uidvalidity,
            last_uid=s.last_uid,
            last_attempt_at=s.last_attempt_at,
            last_success_at=s.last_success_at,
            last_error=s.last_error,
            messages=int(counts.get(f"{s.mailbox}/{s.folder}", 0)),
        )
        for s in states
    ]


def _submission(message: Message) -> SubmissionRow:
    names = {a.id: a.filename for a in message.attachments}
    return SubmissionRow(
        id=message.id,
        mailbox=message.mailbox,
        uid=message.uid,
        message_id=message.rfc_message_id,
        received_at=message.received_at,
        from_address=message.from_address,
        from_name=message.from_name,
        subject=message.subject,
        unit=message.unit_code,
        unit_source=message.unit_source,
        timing=message.timing,
        status=message.status,
        parse_status=message.parse_status,
        reasons=tuple(message.reasons or ()),
        attachments=tuple(
            AttachmentRow(
                filename=a.filename,
                content_type=a.content_type,
                size=a.size,
                sha256=a.sha256,
                is_document=a.is_document,
                extract_status=a.extract_status,
                text_chars=a.text_chars,
                parent=a.parent,
            )
            for a in message.attachments
        ),
        initiatives=tuple(
            InitiativeRow(
                title=i.title,
                title_key=i.title_key,
                field=i.field,
                authors=tuple(i.authors or ()),
                filename=names.get(i.attachment_id) if i.attachment_id else None,
            )
            for i in message.initiatives
        ),
    )


def list_pending(session: Session, mailbox: str | None = None) -> list[tuple[int, str, datetime]]:
    """Return (id, sha256, received_at) of messages stored raw but not analysed yet."""
    query = (
        select(Message.id, Message.sha256, Message.received_at)
        .where(Message.parse_status == "pending")
        .order_by(Message.id)
    )
    if mailbox is not None:
        query = query.where(Message.mailbox == mailbox)
    return [(r[0], r[1], r[2]) for r in session.execute(query)]


def list_stored(
    session: Session, ids: Sequence[int] | None = None, *, failed_only: bool = False
) -> list[tuple[int, str, datetime]]:
    """Return (id, sha256, received_at) of stored messages: all, the failed, or ``ids``."""
    query = select(Message.id, Message.sha256, Message.received_at).order_by(Message.id)
    if ids is not None:
        query = query.where(Message.id.in_(list(ids)))
    if failed_only:
        query = query.where(Message.parse_status == "failed")
    return [(r[0], r[1], r[2]) for r in session.execute(query)]


def submissions_by_id(session: Session, ids: Sequence[int]) -> list[SubmissionRow]:
    """Return the messages ``ids`` as report rows (one query per relation, not per row)."""
    if not ids:
        return []
    query = (
        select(Message)
        .options(selectinload(Message.attachments), selectinload(Message.initiatives))
        .where(Message.id.in_(list(ids)))
        .order_by(Message.received_at, Message.id)
    )
    return [_submission(m) for m in session.scalars(query)]


def last_digest_until(session: Session, before: datetime) -> datetime | None:
    """Return where the newest digest that ended before ``before`` stopped, if any."""
    return session.scalar(select(func.max(DigestRun.until)).where(DigestRun.until < before))


@dataclass(frozen=True)
class InitiativeFact:
    """One initiative of a unit in accepted mail, with the timing of a copy of it."""

    unit: str
    #: The initiative's title key, or "file:" + the file name of an untitled document.
    key: str
    timing: str


def compliance_facts(
    session: Session, file_key: Callable[[str], str]
) -> tuple[list[InitiativeFact], dict[str, datetime]]:
    """Return the initiatives of accepted mail and each unit's first accepted message.

    The same facts ``reports.compliance.assess_compliance`` derives from every
    row, grouped by the database (a few rows per unit, not one per message).
    ``file_key`` turns the name of a document without a title into its key.
    """
    counted = and_(
        Message.status == "accepted",
        Message.unit_code.is_not(None),
        Message.timing.is_not(None),
    )
    titled = session.execute(
        select(Message.unit_code, Initiative.title_key, Message.timing)
        .join(Initiative, Initiative.message_id == Message.id)
        .where(counted)
        .group_by(Message.unit_code, Initiative.title_key, Message.timing)
    )
    # The WHERE clause excludes NULL units and timings.
    facts = [InitiativeFact(str(u), key, str(t)) for u, key, t in titled]
    # A document counts by its name unless an initiative was read from a file of that name.
    named = aliased(Attachment)
    has_title = exists().where(
        Initiative.message_id == Message.id,
        Initiative.attachment_id == named.id,
        named.filename == Attachment.filename,
    )
    untitled = session.execute(
        select(Message.unit_code, Attachment.filename, Message.timing)
        .join(Attachment, Attachment.message_id == Message.id)
        .where(counted, Attachment.is_document.is_(True), ~has_title)
        .group_by(Message.unit_code, Attachment.filename, Message.timing)
    )
    facts.extend(InitiativeFact(str(u), "file:" + file_key(f), str(t)) for u, f, t in untitled)
    first = session.execute(
        select(Message.unit_code, func.min(Message.received_at))
        .where(counted)
        .group_by(Message.unit_code)
    )
    return facts, {str(unit): at for unit, at in first}
