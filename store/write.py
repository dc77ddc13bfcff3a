"""Write functions. Each takes the session first and never commits: the caller owns it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from parsers.analysis import Analysis
from parsers.text import normalise_title
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
    parsed, verdict = analysis.message, analysis.classification
    message.date_header = parsed.date_header
    message.from_address = parsed.from_address[:500] or None
    message.from_name = parsed.from_name[:500] or None
    message.subject = parsed.subject
    message.parse_status = "ok"
    message.parse_error = None
    message.unit_code = verdict.unit
    message.unit_source = verdict.unit_source.value if verdict.unit_source else None
    message.timing = verdict.timing.value if verdict.timing else None
    message.status = verdict.status.value
    message.reasons = list(verdict.reasons)
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


def record_poll_result(session: Session, state_id: int, now: datetime, error: str | None) -> None:
    """Record the end of a poll of one folder: success, or the error that stopped it."""
    state = session.get_one(MailboxState, state_id)
    state.last_attempt_at = now
    if error is None:
        state.last_success_at = now
        state.last_error = None
    else:
        state.last_error = error[:2000]
