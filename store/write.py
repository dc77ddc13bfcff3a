"""Write functions. Each takes the session first and never commits: the caller owns it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, selectinload

from parsers.analysis import Analysis
from parsers.classify import Classification, apply_decisions, without_receive_time
from parsers.documents import Extraction
from parsers.initiatives import InitiativeInfo
from parsers.text import normalise_title, search_form
from store.decisions import (
    current_verdict,
    stored_decisions_many,
    with_decisions,
    write_verdict,
)
from store.models import Attachment, Initiative, MailboxState, Message
from store.rowlocks import lock_messages
from store.tallies import add_to_unit_tallies, counts_for_unit, refresh_unit_tallies


@dataclass(frozen=True)
class FetchedMessage:
    """A message as the IMAP server handed it over."""

    mailbox: str
    folder: str
    uidvalidity: int
    uid: int
    raw: bytes
    received_at: datetime
    #: "imap", or "import:<path>" for a message read from a file (cchc-inbox import).
    source: str = "imap"
    #: False when ``received_at`` is a stand-in (an imported message with no Received:
    #: header of the office's server): the message then waits for a person.
    receive_time_known: bool = True


@dataclass(frozen=True)
class AttachmentRecord:
    """What the register keeps of an analysed attachment (its bytes are in blob storage)."""

    filename: str
    content_type: str
    size: int
    sha256: str
    is_document: bool
    extraction: Extraction | None
    initiative: InitiativeInfo | None
    parent: str | None


@dataclass(frozen=True)
class AnalysisRecord:
    """What the register keeps of an analysis: small enough to send between processes."""

    date_header: datetime | None
    # The From address; every one of them, comma-separated, when From holds several.
    from_address: str
    from_name: str
    subject: str
    classification: Classification
    attachments: tuple[AttachmentRecord, ...]
    # What the web's search looks in (``searchable``); made where the analysis is.
    search_text: str = ""
    sender: str | None = None
    reply_to: tuple[str, ...] = ()


def summarise(analysis: Analysis) -> AnalysisRecord:
    """Return what ``save_analysis`` writes of ``analysis``, without the files' bytes."""
    parsed = analysis.message
    attachments = tuple(
        AttachmentRecord(
            filename=item.filename,
            content_type=item.content_type,
            size=len(item.data),
            sha256=item.sha256,
            is_document=item.is_document,
            extraction=item.extraction,
            initiative=item.initiative,
            parent=item.parent,
        )
        for item in analysis.attachments
    )
    return AnalysisRecord(
        date_header=parsed.date_header,
        # A From with several addresses shows them all: staff must see who else is named.
        from_address=(
            ", ".join(parsed.from_addresses) if parsed.sender_ambiguous else parsed.from_address
        ),
        from_name=parsed.from_name,
        subject=parsed.subject,
        classification=analysis.classification,
        attachments=attachments,
        search_text=searchable(parsed.subject, parsed.from_address, parsed.from_name, attachments),
        sender=parsed.sender_address,
        reply_to=parsed.reply_to,
    )


#: Characters of a message's text that search looks in (a long report's first pages).
SEARCH_CHARS = 100_000


def searchable(
    subject: str, address: str, name: str, attachments: Sequence[AttachmentRecord]
) -> str:
    """Return what the web's search looks in for a message: its words in search form,
    each once, in the order they first appear."""
    parts = [subject, address, name]
    parts += [item.filename for item in attachments]
    parts += [item.extraction.text for item in attachments if item.extraction]
    budget, kept = SEARCH_CHARS, []
    for part in parts:
        if budget <= 0:
            break
        kept.append(part[:budget])
        budget -= len(kept[-1]) + 1
    # A search finds a message when each of its words (no space in one) is inside one
    # word of this text, on either backend (store.browse), so a word said twice adds
    # nothing. Said once, a report keeps a fraction of its text, and PostgreSQL's
    # trigram index has that much less to take apart at every commit.
    return " ".join(dict.fromkeys(search_form(" ".join(kept)).split(" ")))


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


def find_stored_many(
    session: Session, batch: Sequence[tuple[FetchedMessage, str | None, str]]
) -> list[int | None]:
    """Return ``find_stored`` for each (message, Message-ID, SHA-256) of a batch, in few queries."""
    at_location: dict[tuple[str, str, int, int], int] = {}
    places: dict[tuple[str, str, int], list[int]] = {}
    for fetched, _, _ in batch:
        places.setdefault((fetched.mailbox, fetched.folder, fetched.uidvalidity), []).append(
            fetched.uid
        )
    for (mailbox, folder, uidvalidity), uids in places.items():
        rows = session.execute(
            select(Message.id, Message.uid).where(
                Message.mailbox == mailbox,
                Message.folder == folder,
                Message.uidvalidity == uidvalidity,
                Message.uid.in_(uids),
            )
        )
        at_location.update({(mailbox, folder, uidvalidity, uid): id_ for id_, uid in rows})
    digests = {sha256 for _, _, sha256 in batch}
    ids = {message_id for _, message_id, _ in batch if message_id is not None}
    # Each query leads with rfc_message_id, so it uses ix_messages_identity.
    queries = [Message.rfc_message_id.in_(ids)] if ids else []
    if any(message_id is None for _, message_id, _ in batch):
        queries.append(Message.rfc_message_id.is_(None))
    same: dict[tuple[str | None, str], int] = {}
    for query in queries:
        copies = session.execute(
            select(Message.id, Message.rfc_message_id, Message.sha256).where(
                query, Message.sha256.in_(digests)
            )
        )
        for id_, message_id, sha256 in copies:
            same[(message_id, sha256)] = min(id_, same.get((message_id, sha256), id_))
    found: list[int | None] = []
    for fetched, message_id, sha256 in batch:
        location = (fetched.mailbox, fetched.folder, fetched.uidvalidity, fetched.uid)
        known = at_location.get(location)
        found.append(known if known is not None else same.get((message_id, sha256)))
    return found


def record_raw_message(
    session: Session,
    fetched: FetchedMessage,
    rfc_message_id: str | None,
    sha256: str,
    now: datetime,
    *,
    flush: bool = True,
) -> Message:
    """Add the row of a message whose raw bytes are already in blob storage.

    With ``flush=False`` the row gets its id at the caller's next flush (one
    INSERT for a whole batch).
    """
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
        source=fetched.source,
        receive_time_known=fetched.receive_time_known,
    )
    session.add(message)
    if flush:
        session.flush()
    return message


def save_analysis(session: Session, message_id: int, analysis: Analysis | AnalysisRecord) -> None:
    """Replace what was derived from a message with ``analysis``."""
    record = summarise(analysis) if isinstance(analysis, Analysis) else analysis
    save_analyses(session, [(message_id, record)])


def save_analyses(session: Session, analyses: Sequence[tuple[int, AnalysisRecord]]) -> None:
    """Replace what was derived from each (message id, analysis), in a few statements."""
    if not analyses:
        return
    lock_messages(session, [message_id for message_id, _ in analyses])
    messages = {
        m.id: m
        for m in session.scalars(
            select(Message)
            .where(Message.id.in_([message_id for message_id, _ in analyses]))
            .options(selectinload(Message.attachments), selectinload(Message.initiatives))
        )
    }
    # A person's decisions win over the classifier, however often it runs again
    # (read before anything changes, so no query has to flush first).
    decisions = stored_decisions_many(session, [message_id for message_id, _ in analyses])
    verdicts = [
        apply_decisions(
            _as_classified(messages.get(i) or session.get_one(Message, i), a), decisions[i]
        )
        for i, a in analyses
    ]
    # Mail that counted for a unit may take initiatives away from it: count those
    # units again; mail that counted for nothing (new mail) only adds.
    recount: set[str] = set()
    added: list[int] = []
    for (message_id, analysis), verdict in zip(analyses, verdicts, strict=True):
        message = messages.get(message_id) or session.get_one(Message, message_id)
        counted = counts_for_unit(message)
        message.date_header = analysis.date_header
        message.from_address = analysis.from_address[:500] or None
        message.from_name = analysis.from_name[:500] or None
        message.sender = (analysis.sender or "")[:500] or None
        message.reply_to = [a[:500] for a in analysis.reply_to[:20]]
        message.subject = analysis.subject
        message.search_text = analysis.search_text or None
        message.parse_status = "ok"
        message.parse_error = None
        touched = write_verdict(message, verdict)
        if counted:
            recount |= touched
        else:
            added.append(message_id)
        message.initiatives.clear()
    # Initiatives first: deleting an attachment deletes its initiatives in the database.
    session.flush()
    for message in messages.values():
        message.attachments.clear()
    session.flush()
    found: list[tuple[Message, Attachment, InitiativeInfo]] = []
    for message_id, analysis in analyses:
        message = messages.get(message_id) or session.get_one(Message, message_id)
        for position, item in enumerate(analysis.attachments):
            extraction = item.extraction
            attachment = Attachment(
                position=position,
                filename=item.filename,
                content_type=item.content_type,
                size=item.size,
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
                found.append((message, attachment, item.initiative))
    if found:
        session.flush()  # the attachments' ids
    for message, attachment, initiative in found:
        message.initiatives.append(
            Initiative(
                attachment_id=attachment.id,
                title=initiative.title,
                title_key=normalise_title(initiative.title),
                field=initiative.field,
                authors=list(initiative.authors),
            )
        )
    session.flush()
    refresh_unit_tallies(session, recount)
    add_to_unit_tallies(session, added)


def _as_classified(message: Message, analysis: AnalysisRecord) -> Classification:
    """Return the classifier's verdict on ``message``, held for a person when its
    receive time is unknown (an imported message without the office's Received:)."""
    if not message.receive_time_known:
        return without_receive_time(analysis.classification)
    return analysis.classification


def mark_failed(session: Session, message_id: int, error: str) -> None:
    """Record that a stored message could not be parsed; its raw copy stays."""
    message = session.get_one(Message, message_id)
    message.parse_status = "failed"
    message.parse_error = error[:2000]
    message.status = "needs_review"
    message.reasons = ["parse_failed"]
    # A person's decisions still hold while the message cannot be analysed.
    verdict = with_decisions(session, message_id, current_verdict(session, message_id))
    touched = write_verdict(message, verdict)
    session.flush()
    refresh_unit_tallies(session, touched)


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


def holds_advisory_lock(session: Session, key: int) -> bool:
    """Whether the session's connection still holds the advisory lock ``key``.

    False too when that connection is gone (a terminated backend, a restarted
    server): the lock went with it. The session is then of no further use.
    """
    unsigned = key & 0xFFFF_FFFF_FFFF_FFFF
    # pg_locks shows a bigint key as two oids: its high and its low 32 bits.
    query = text(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
        " AND pid = pg_backend_pid() AND granted AND objsubid = 1"
        " AND classid::bigint = :high AND objid::bigint = :low)"
    )
    try:
        return bool(session.scalar(query, {"high": unsigned >> 32, "low": unsigned & 0xFFFF_FFFF}))
    except DBAPIError:
        return False
