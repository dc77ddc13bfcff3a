"""Write functions. Each takes the session first and never commits: the caller owns it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from parsers.analysis import Analysis
from parsers.text import normalise_title
from store.decisions import current_verdict, with_decisions, write_verdict
from store.models import Attachment, Initiative, MailboxState, Message


@dataclass(frozen=True)
class FetchedMessage:
    """A message as the IMAP server handed it over."""

    mailbox: str
    folder: str
    uidvalidity: int
    uid: int
    raw: bytes
    received_at: datetime


def load_mailbox_state(session: Session, mailbox: str, folder: str) -> MailboxState:
    """Return the progress row of a folder, creating it on first use."""
    state = session.scalar(
        select(MailboxState).where(MailboxState.mailbox == mailbox, MailboxState.folder == folder)
    )
    if state is None:
        state = MailboxState(mailbox=mailbox, folder=folder, last_uid=0)
        session.add(state)
        session.flush()
    return state


def find_stored(
    session: Session, fetched: FetchedMessage, rfc_message_id: str | None, sha256: str
) -> int | None:
    """Return the id of an already stored copy of ``fetched``, if any.

    The same message is the same IMAP location, or the same Message-ID with the
    same bytes (a missing or reused Message-ID alone never merges messages).
    """
    at_location = session.scalar(
        select(Message.id).where(
            Message.mailbox == fetched.mailbox,
            Message.folder == fetched.folder,
            Message.uidvalidity == fetched.uidvalidity,
            Message.uid == fetched.uid,
        )
    )
    if at_location is not None:
        return at_location
    same_id = (
        Message.rfc_message_id.is_(None)
        if rfc_message_id is None
        else Message.rfc_message_id == rfc_message_id
    )
    return session.scalar(select(Message.id).where(same_id, Message.sha256 == sha256).limit(1))


def record_raw_message(
    session: Session,
    fetched: FetchedMessage,
    rfc_message_id: str | None,
    sha256: str,
    now: datetime,
) -> Message:
    """Add the row of a message whose raw bytes are already in blob storage."""
    message = Message(
        mailbox=fetched.mailbox,
        folder=fetched.folder,
        uidvalidity=fetched.uidvalidity,
        uid=fetched.uid,
        sha256=sha256,
        size=len(fetched.raw),
        received_at=fetched.received_at,
        fetched_at=now,
        rfc_message_id=rfc_message_id,
        parse_status="pending",
        reasons=[],
    )
    session.add(message)
    session.flush()
    return message


def save_analysis(session: Session, message_id: int, analysis: Analysis) -> None:
    """Replace what was derived from a message with ``analysis``."""
    message = session.get_one(Message, message_id)
    parsed = analysis.message
    # A person's decisions win over the classifier, however often it runs again.
    verdict = with_decisions(session, message_id, analysis.classification)
    message.date_header = parsed.date_header
    message.from_address = parsed.from_address[:500] or None
    message.from_name = parsed.from_name[:500] or None
    message.subject = parsed.subject
    message.parse_status = "ok"
    message.parse_error = None
    write_verdict(message, verdict)
    message.attachments.clear()
    message.initiatives.clear()
    session.flush()
    for position, item in enumerate(analysis.attachments):
        extraction = item.extraction
        attachment = Attachment(
            position=position,
            filename=item.filename,
            content_type=item.content_type,
            size=len(item.data),
            sha256=item.sha256,
            is_document=item.is_document,
            extract_status=extraction.status.value if extraction else None,
            extract_reason=(extraction.reason or None) if extraction else None,
            text=extraction.text if extraction else None,
            text_chars=len(extraction.text) if extraction else 0,
            parent=item.parent,
        )
        message.attachments.append(attachment)
        if item.initiative is not None:
            session.flush()
            message.initiatives.append(
                Initiative(
                    attachment_id=attachment.id,
                    title=item.initiative.title,
                    title_key=normalise_title(item.initiative.title),
                    field=item.initiative.field,
                    authors=list(item.initiative.authors),
                )
            )


def mark_failed(session: Session, message_id: int, error: str) -> None:
    """Record that a stored message could not be parsed; its raw copy stays."""
    message = session.get_one(Message, message_id)
    message.parse_status = "failed"
    message.parse_error = error[:2000]
    message.status = "needs_review"
    message.reasons = ["parse_failed"]
    # A person's decisions still hold while the message cannot be analysed.
    write_verdict(
        message, with_decisions(session, message_id, current_verdict(session, message_id))
    )


def record_poll_result(session: Session, state_id: int, now: datetime, error: str | None) -> None:
    """Record the end of a poll of one folder: success, or the error that stopped it."""
    state = session.get_one(MailboxState, state_id)
    state.last_attempt_at = now
    if error is None:
        state.last_success_at = now
        state.last_error = None
    else:
        state.last_error = error[:2000]


def relocate_if_resynchronised(session: Session, message_id: int, fetched: FetchedMessage) -> bool:
    """Point a stored message at its new UID after its folder's UIDVALIDITY changed.

    Returns True when ``message_id`` was stored from the same folder under another
    UIDVALIDITY (the message was matched by Message-ID and hash, not stored again).
    """
    message = session.get_one(Message, message_id)
    if (
        message.mailbox != fetched.mailbox
        or message.folder != fetched.folder
        or message.uidvalidity == fetched.uidvalidity
    ):
        return False
    message.uidvalidity = fetched.uidvalidity
    message.uid = fetched.uid
    return True


def advance_last_uid(session: Session, state_id: int, uidvalidity: int, uid: int) -> None:
    """Raise the folder's committed progress to ``uid`` (never lowers it)."""
    state = session.get_one(MailboxState, state_id)
    if state.uidvalidity == uidvalidity and uid > state.last_uid:
        state.last_uid = uid


def try_advisory_lock(session: Session, key: int) -> bool:
    """Take a PostgreSQL advisory lock for the session's transaction, without waiting.

    True if taken. It is released when that transaction ends (commit, rollback,
    or the connection dying with a killed worker), so it can never leak.
    """
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key}))
