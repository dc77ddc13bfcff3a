"""Read queries for reports: rows as frozen dataclasses, loaded without N+1 queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Text,
    and_,
    cast,
    false,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from store import glance
from store.glance import MailboxRow as MailboxRow
from store.health import session_rows
from store.models import WITH_REASONS, Attachment, DigestRun, Initiative, Message


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
    # How the text was read or why it was not ("OCR (tesseract, vie): 2 pages").
    extract_reason: str | None = None


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
    # The Sender address and the Reply-To addresses (never evidence of the unit).
    sender: str | None = None
    reply_to: tuple[str, ...] = ()
    # The campaign the message belongs to (its code), None when it belongs to none yet.
    campaign: str | None = None
    # Where it came from: "imap", or "import:<path>" (cchc-inbox import).
    source: str = "imap"

    @property
    def documents(self) -> tuple[str, ...]:
        """Return the file names of the attached documents, in order."""
        return tuple(a.filename for a in self.attachments if a.is_document)

    @property
    def titles(self) -> tuple[str, ...]:
        """Return the titles of the initiatives read from the documents."""
        return tuple(i.title for i in self.initiatives)


@dataclass(frozen=True)
class MailRow:
    """What the digest lists of a message: who, when, what it was judged, which files."""

    id: int
    received_at: datetime
    from_address: str | None
    from_name: str | None
    subject: str | None
    unit: str | None
    timing: str | None
    status: str | None
    documents: tuple[str, ...]
    titles: tuple[str, ...]
    reasons: tuple[str, ...] = ()
    sender: str | None = None
    reply_to: tuple[str, ...] = ()


def list_submissions(
    session: Session, status: str | None = None, *, campaign: str | None = None
) -> list[SubmissionRow]:
    """Return every stored message (of ``status``), oldest received first.

    With ``campaign``, the messages of that campaign and those that belong to
    none (ignored, unreadable, or waiting for a person to choose): a campaign's
    list shows everything that may still concern it.
    """
    conditions = [] if status is None else [Message.status == status]
    if campaign is not None:
        conditions.append(or_(Message.campaign_code == campaign, Message.campaign_code.is_(None)))
    return _load_submissions(session, and_(*conditions) if conditions else None)


def mail_received(session: Session, since: datetime, until: datetime) -> list[MailRow]:
    """Return the messages received in ``since`` <= t < ``until``, oldest first.

    Only the columns the digest shows: a busy day has thousands of messages.
    """
    window = and_(Message.received_at >= since, Message.received_at < until)
    documents = _document_names(session, window)
    titles: dict[int, list[str]] = {}
    for message_id, title in session.execute(
        select(Initiative.message_id, Initiative.title)
        .join(Message, Message.id == Initiative.message_id)
        .where(window)
        .order_by(Initiative.message_id, Initiative.id)
    ):
        titles.setdefault(message_id, []).append(title)
    rows = session.execute(
        select(
            Message.id,
            Message.received_at,
            Message.from_address,
            Message.from_name,
            Message.subject,
            Message.unit_code,
            Message.timing,
            Message.status,
            Message.reasons,
            Message.sender,
            Message.reply_to,
        )
        .where(window)
        .order_by(Message.received_at, Message.id)
    )
    return [
        MailRow(
            *row[:8],
            documents=tuple(documents.get(row[0], ())),
            titles=tuple(titles.get(row[0], ())),
            reasons=tuple(row[8] or ()),
            sender=row[9],
            reply_to=tuple(row[10] or ()),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class FiledRow:
    """What the council's list reads of a message: when, from which unit, how it was
    judged and timed, its documents' names and the initiatives read from them."""

    id: int
    received_at: datetime
    unit: str | None
    timing: str | None
    status: str | None
    campaign: str | None
    documents: tuple[str, ...]
    initiatives: tuple[InitiativeRow, ...]


def list_filed(session: Session, status: str = "accepted") -> list[FiledRow]:
    """Return every message of ``status`` with its documents and initiatives, oldest
    received first: ``list_submissions``'s rows cut to what the council's list reads
    (no addresses, reasons or file details: a register of 100,000 submissions is read
    whole each time the list is made)."""
    condition = Message.status == status
    if session.autoflush:
        session.flush()
    connection = session.connection()
    rows = connection.execute(
        select(
            Message.id,
            Message.received_at,
            Message.unit_code,
            Message.timing,
            Message.status,
            Message.campaign_code,
        )
        .where(condition)
        .order_by(Message.received_at, Message.id)
    ).all()
    if not rows:
        return []
    documents = _document_names(connection, condition)
    initiatives: dict[int, list[InitiativeRow]] = {}
    for message_id, filename, title, key, field, authors in connection.execute(
        select(
            Initiative.message_id,
            Attachment.filename,
            Initiative.title,
            Initiative.title_key,
            Initiative.field,
            Initiative.authors,
        )
        .join(Message, Message.id == Initiative.message_id)
        .outerjoin(Attachment, Attachment.id == Initiative.attachment_id)
        .where(condition)
        .order_by(Initiative.message_id, Initiative.id)
    ):
        row = InitiativeRow(title, key, field, tuple(authors or ()), filename)
        initiatives.setdefault(message_id, []).append(row)
    return [
        FiledRow(
            *r,
            documents=tuple(documents.get(r[0], ())),
            initiatives=tuple(initiatives.get(r[0], ())),
        )
        for r in rows
    ]


def _document_names(
    run: Session | Connection, condition: ColumnElement[bool]
) -> dict[int, list[str]]:
    """Return the names of the documents of the messages that meet ``condition``, in
    order, by message id.

    Joined, not "IN (subquery)": PostgreSQL then looks a day's few files up in the
    index instead of hashing the whole table.
    """
    documents: dict[int, list[str]] = {}
    for message_id, filename in run.execute(
        select(Attachment.message_id, Attachment.filename)
        .join(Message, Message.id == Attachment.message_id)
        .where(condition, Attachment.is_document.is_(True))
        .order_by(Attachment.message_id, Attachment.position, Attachment.id)
    ):
        documents.setdefault(message_id, []).append(filename)
    return documents


@dataclass(frozen=True)
class ReviewRow:
    """What the review list shows of a message that may need a person."""

    id: int
    received_at: datetime
    from_address: str | None
    from_name: str | None
    subject: str | None
    status: str | None
    parse_status: str
    reasons: tuple[str, ...]


def review_candidates(
    session: Session, flags: Iterable[str], before: datetime | None = None
) -> list[ReviewRow]:
    """Return the messages that may need a person, oldest received first.

    That is: analysis failed, classified needs_review, or accepted with one of
    the reasons ``flags``; the caller decides on the exact reasons. With
    ``before``, only those received before it. Each kind is found through its
    own index (the last through the partial index of messages with reasons),
    so the table is never read whole.
    """
    columns = (
        Message.id,
        Message.received_at,
        Message.from_address,
        Message.from_name,
        Message.subject,
        Message.status,
        Message.parse_status,
        Message.reasons,
    )
    # The JSON list is matched as text, which both databases can do.
    flagged = [cast(Message.reasons, Text).like(f'%"{flag}"%') for flag in sorted(flags)]
    kinds = (
        Message.status == "needs_review",
        Message.parse_status == "failed",
        # Repeats the index's predicate word for word, so both planners can use it.
        and_(Message.status == "accepted", text(WITH_REASONS), or_(false(), *flagged)),
    )
    found: dict[int, ReviewRow] = {}
    for kind in kinds:
        query = select(*columns).where(kind)
        if before is not None:
            query = query.where(Message.received_at < before)
        for r in session.execute(query):
            found[r[0]] = ReviewRow(*r[:7], reasons=tuple(r[7] or ()))
    return sorted(found.values(), key=lambda r: (r.received_at, r.id))


def list_mailboxes(session: Session) -> list[MailboxRow]:
    """Return the progress and health of every polled folder."""
    return glance.list_mailboxes(session_rows(session))


def _load_submissions(
    session: Session, condition: ColumnElement[bool] | None
) -> list[SubmissionRow]:
    """Return the messages that meet ``condition`` as report rows, oldest first.

    Three plain column queries (messages, then their attachments and their
    initiatives), not ORM objects: hydrating entities costs more than the rows.
    """
    messages = select(*_MESSAGE_COLUMNS).order_by(Message.received_at, Message.id)
    attached = select(*_ATTACHMENT_COLUMNS).join(Message, Message.id == Attachment.message_id)
    read = select(*_INITIATIVE_COLUMNS).join(Message, Message.id == Initiative.message_id)
    if condition is not None:
        messages = messages.where(condition)
        attached = attached.where(condition)
        read = read.where(condition)
    # Executed as Core, not ORM, statements: the rows are plain columns either way, and
    # the ORM's handling of them was a tenth of the load. Core does not autoflush.
    if session.autoflush:
        session.flush()
    connection = session.connection()
    rows = connection.execute(messages).all()
    if not rows:
        return []
    # Rows unpacked by position, not by name: microseconds a message count here.
    attachments: dict[int, list[Sequence[Any]]] = {}
    for a in connection.execute(
        attached.order_by(Attachment.message_id, Attachment.position, Attachment.id)
    ):
        attachments.setdefault(a[0], []).append(a)
    initiatives: dict[int, list[Sequence[Any]]] = {}
    for i in connection.execute(read.order_by(Initiative.message_id, Initiative.id)):
        initiatives.setdefault(i[0], []).append(i)
    return [_submission(r, attachments.get(r[0], ()), initiatives.get(r[0], ())) for r in rows]


# The column order is the order of the dataclasses' fields (after the ids).
_MESSAGE_COLUMNS = (
    Message.id,
    Message.mailbox,
    Message.uid,
    Message.rfc_message_id,
    Message.received_at,
    Message.from_address,
    Message.from_name,
    Message.subject,
    Message.unit_code,
    Message.unit_source,
    Message.timing,
    Message.status,
    Message.parse_status,
    Message.reasons,
    Message.sender,
    Message.reply_to,
    Message.campaign_code,
    Message.source,
)
_ATTACHMENT_COLUMNS = (
    Attachment.message_id,
    Attachment.id,
    Attachment.filename,
    Attachment.content_type,
    Attachment.size,
    Attachment.sha256,
    Attachment.is_document,
    Attachment.extract_status,
    Attachment.text_chars,
    Attachment.parent,
    Attachment.extract_reason,
)
_INITIATIVE_COLUMNS = (
    Initiative.message_id,
    Initiative.attachment_id,
    Initiative.title,
    Initiative.title_key,
    Initiative.field,
    Initiative.authors,
)


def _submission(
    message: Sequence[Any],
    attachments: Sequence[Sequence[Any]],
    initiatives: Sequence[Sequence[Any]],
) -> SubmissionRow:
    names = {a[1]: a[2] for a in attachments}
    ident, mailbox, uid, message_id, received_at, address, name, subject = message[:8]
    unit, unit_source, timing, status, parse_status, reasons, sender, reply_to = message[8:16]
    return SubmissionRow(
        ident,
        mailbox,
        uid,
        message_id,
        received_at,
        address,
        name,
        subject,
        unit,
        unit_source,
        timing,
        status,
        parse_status,
        reasons=tuple(reasons or ()),
        attachments=tuple([AttachmentRow(*a[2:]) for a in attachments]),
        initiatives=tuple(
            [
                InitiativeRow(
                    title, key, field, tuple(authors or ()), names.get(file) if file else None
                )
                for _, file, title, key, field, authors in initiatives
            ]
        ),
        sender=sender,
        reply_to=tuple(reply_to or ()),
        campaign=message[16],
        source=message[17],
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
    """Return the messages ``ids`` as report rows (one query per table, not per row)."""
    if not ids:
        return []
    return _load_submissions(session, Message.id.in_(list(ids)))


def last_digest_until(session: Session, before: datetime) -> datetime | None:
    """Return where the newest digest that ended before ``before`` stopped, if any."""
    return session.scalar(select(func.max(DigestRun.until)).where(DigestRun.until < before))
