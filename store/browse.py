"""What the web application's pages read: a page of messages, one message whole.

Functions take the session first and never commit. Text search looks in
``messages.search_text`` (parsers.text.search_form of the subject, sender,
file names and document text) through each backend's index: SQLite's FTS5
table, PostgreSQL's trigram index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select, text
from sqlalchemy.orm import Session

from parsers.text import search_form
from store.decisions import DecisionRow, decision_history
from store.models import Attachment, Initiative, LearnedAddress, Message, OutboxMail
from store.outbox import OutboxRow, list_outbox

#: Characters of a document's text shown on its message's page.
PREVIEW_CHARS = 3000
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class MessageFilter:
    """Which messages a list shows; None leaves a criterion out."""

    unit: str | None = None
    # accepted | needs_review | ignored, or the analysis states pending | failed
    status: str | None = None
    timing: str | None = None
    since: datetime | None = None  # received at or after
    until: datetime | None = None  # received before
    text: str | None = None  # every word must appear (without marks or case)
    campaign: str | None = None  # the campaign's code


@dataclass(frozen=True)
class ListedMessage:
    id: int
    received_at: datetime
    from_address: str | None
    from_name: str | None
    subject: str | None
    unit: str | None
    timing: str | None
    status: str | None
    parse_status: str
    documents: int


@dataclass(frozen=True)
class MessagePage:
    rows: tuple[ListedMessage, ...]
    total: int


@dataclass(frozen=True)
class AttachmentDetail:
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    is_document: bool
    extract_status: str | None
    extract_reason: str | None
    text_chars: int
    preview: str
    parent: str | None


@dataclass(frozen=True)
class InitiativeDetail:
    title: str
    field: str | None
    authors: tuple[str, ...]
    filename: str | None


@dataclass(frozen=True)
class MessageDetail:
    id: int
    mailbox: str
    folder: str
    uid: int
    sha256: str
    size: int
    received_at: datetime
    fetched_at: datetime
    rfc_message_id: str | None
    date_header: datetime | None
    from_address: str | None
    from_name: str | None
    subject: str | None
    parse_status: str
    parse_error: str | None
    unit: str | None
    unit_source: str | None
    timing: str | None
    status: str | None
    reasons: tuple[str, ...]
    candidates: tuple[str, ...]
    attachments: tuple[AttachmentDetail, ...]
    initiatives: tuple[InitiativeDetail, ...]
    decisions: tuple[DecisionRow, ...]
    # The campaign it belongs to, or the campaigns the rule could not tell apart.
    campaign: str | None = None
    campaign_candidates: tuple[str, ...] = ()
    # "imap", or "import:<path>" (cchc-inbox import: no folder, no UID to show).
    source: str = "imap"


def list_messages(
    session: Session, which: MessageFilter, *, limit: int, offset: int = 0
) -> MessagePage:
    """Return a page of the messages ``which`` picks, newest first, and how many there are."""
    condition = _condition(session, which)
    total = int(session.scalar(select(func.count()).select_from(Message).where(condition)) or 0)
    documents = (
        select(func.count())
        .where(Attachment.message_id == Message.id, Attachment.is_document.is_(True))
        .correlate(Message)
        .scalar_subquery()
    )
    query = (
        select(
            Message.id,
            Message.received_at,
            Message.from_address,
            Message.from_name,
            Message.subject,
            Message.unit_code,
            Message.timing,
            Message.status,
            Message.parse_status,
            documents,
        )
        .where(condition)
        .order_by(Message.received_at.desc(), Message.id.desc())
        .limit(limit)
        .offset(offset)
    )
    rows = tuple(ListedMessage(*r) for r in session.execute(query))
    return MessagePage(rows, total)


def search_words(query: str) -> list[str]:
    """Return the words of a search, in search form ("Đồng  Khởi!" -> ["dong", "khoi"])."""
    return _WORD.findall(search_form(query))


def _condition(session: Session, which: MessageFilter) -> ColumnElement[bool]:
    parts: list[ColumnElement[bool]] = []
    if which.unit is not None:
        parts.append(Message.unit_code == which.unit)
    if which.status in ("pending", "failed"):
        parts.append(Message.parse_status == which.status)
    elif which.status is not None:
        parts.append(Message.status == which.status)
    if which.timing is not None:
        parts.append(Message.timing == which.timing)
    if which.campaign is not None:
        parts.append(Message.campaign_code == which.campaign)
    if which.since is not None:
        parts.append(Message.received_at >= which.since)
    if which.until is not None:
        parts.append(Message.received_at < which.until)
    words = search_words(which.text or "")
    if words:
        parts.append(_matches(session, words))
    return and_(True, *parts)


def _matches(session: Session, words: list[str]) -> ColumnElement[bool]:
    """Every word appears in the message's search text (as a word's start on SQLite)."""
    if session.get_bind().dialect.name == "sqlite":
        expression = " AND ".join(f'"{word}"*' for word in words)
        found = text("SELECT rowid FROM messages_fts WHERE messages_fts MATCH :words").bindparams(
            words=expression
        )
        return Message.id.in_(found.columns(rowid=Message.id.type))
    return and_(*(Message.search_text.like(f"%{_escape_like(w)}%", escape="\\") for w in words))


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def message_detail(session: Session, message_id: int) -> MessageDetail | None:
    """Return everything the register holds about one message, or None."""
    message = session.get(Message, message_id)
    if message is None:
        return None
    names = {a.id: a.filename for a in message.attachments}
    previews: dict[int, str | None] = dict(
        session.execute(
            select(Attachment.id, func.substr(Attachment.text, 1, PREVIEW_CHARS)).where(
                Attachment.message_id == message_id
            )
        ).all()
    )
    return MessageDetail(
        id=message.id,
        mailbox=message.mailbox,
        folder=message.folder,
        uid=message.uid,
        sha256=message.sha256,
        size=message.size,
        received_at=message.received_at,
        fetched_at=message.fetched_at,
        rfc_message_id=message.rfc_message_id,
        date_header=message.date_header,
        from_address=message.from_address,
        from_name=message.from_name,
        subject=message.subject,
        parse_status=message.parse_status,
        parse_error=message.parse_error,
        unit=message.unit_code,
        unit_source=message.unit_source,
        timing=message.timing,
        status=message.status,
        reasons=tuple(message.reasons or ()),
        candidates=tuple(message.candidates or ()),
        campaign=message.campaign_code,
        campaign_candidates=tuple(message.campaign_candidates or ()),
        source=message.source,
        attachments=tuple(
            AttachmentDetail(
                id=a.id,
                filename=a.filename,
                content_type=a.content_type,
                size=a.size,
                sha256=a.sha256,
                is_document=a.is_document,
                extract_status=a.extract_status,
                extract_reason=a.extract_reason,
                text_chars=a.text_chars,
                preview=previews.get(a.id) or "",
                parent=a.parent,
            )
            for a in message.attachments
        ),
        initiatives=tuple(
            InitiativeDetail(
                title=i.title,
                field=i.field,
                authors=tuple(i.authors or ()),
                filename=names.get(i.attachment_id) if i.attachment_id else None,
            )
            for i in session.scalars(
                select(Initiative)
                .where(Initiative.message_id == message_id)
                .order_by(Initiative.id)
            )
        ),
        decisions=tuple(decision_history(session, message_id)),
    )


@dataclass(frozen=True)
class StoredFile:
    """A file to hand to a browser: where its bytes are and what to call it."""

    sha256: str
    filename: str
    content_type: str
    message_id: int


def attachment_file(session: Session, attachment_id: int) -> StoredFile | None:
    row = session.execute(
        select(
            Attachment.sha256, Attachment.filename, Attachment.content_type, Attachment.message_id
        ).where(Attachment.id == attachment_id)
    ).first()
    return None if row is None else StoredFile(*row)


def raw_message_file(session: Session, message_id: int) -> StoredFile | None:
    row = session.execute(
        select(Message.sha256, Message.subject).where(Message.id == message_id)
    ).first()
    if row is None:
        return None
    return StoredFile(row[0], f"{row[1] or 'thu'}.eml", "message/rfc822", message_id)


@dataclass(frozen=True)
class LearnedRow:
    address: str
    unit: str
    learned_by: str
    learned_at: datetime


def learned_for_unit(session: Session, unit: str) -> list[LearnedRow]:
    """Return the addresses staff taught for a unit, newest first."""
    rows = session.execute(
        select(
            LearnedAddress.address,
            LearnedAddress.unit_code,
            LearnedAddress.learned_by,
            LearnedAddress.learned_at,
        )
        .where(LearnedAddress.unit_code == unit)
        .order_by(LearnedAddress.learned_at.desc())
    )
    return [LearnedRow(*r) for r in rows]


def mail_to_unit(session: Session, unit: str) -> list[OutboxRow]:
    """Return the receipts for a unit's messages and the reminders sent to it, newest first."""
    receipts = select(OutboxMail.id).join(Message, Message.id == OutboxMail.reply_to_message)
    receipts = receipts.where(Message.unit_code == unit, OutboxMail.kind == "receipt")
    reminders = select(OutboxMail.id).where(
        OutboxMail.kind == "reminder", OutboxMail.dedupe_key.like(f"reminder:{unit}:%")
    )
    ids = [i for (i,) in session.execute(receipts.union(reminders))]
    rows = list_outbox(session, ids=ids) if ids else []
    return sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)
