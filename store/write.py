"""Write functions. Each takes the session first and never commits: the caller owns it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, bindparam, delete, insert, inspect, select, text, update
from sqlalchemy.exc import DBAPIError, NoResultFound
from sqlalchemy.orm import Session

from parsers.analysis import Analysis
from parsers.classify import Classification, apply_decisions, without_receive_time
from parsers.documents import Extraction
from parsers.initiatives import InitiativeInfo
from parsers.text import normalise_title, search_form
from store.decisions import (
    current_verdict,
    stored_decisions_many,
    verdict_columns,
    with_decisions,
    write_verdict,
)
from store.models import Attachment, Base, Initiative, MailboxState, Message
from store.rowlocks import lock_messages
from store.tallies import add_to_unit_tallies, counts, refresh_unit_tallies


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
    """Replace what was derived from each (message id, analysis), in a few statements.

    Core statements, each run once for the whole group: one UPDATE of the
    messages, one INSERT of their files (ids returned), one of their
    initiatives. The ORM's unit of work cost the poll's thread more than the
    database did (bench/backfill's commit stage).
    """
    latest = dict(analyses)  # a message given twice: its last analysis
    if not latest:
        return
    ids = list(latest)
    session.flush()  # what the caller changed through the ORM goes first
    lock_messages(session, ids)
    before = {
        row.id: row
        for row in session.execute(
            select(
                Message.id,
                Message.receive_time_known,
                Message.status,
                Message.unit_code,
                Message.campaign_code,
                Message.timing,
            ).where(Message.id.in_(ids))
        )
    }
    if missing := [i for i in ids if i not in before]:
        raise NoResultFound(f"no stored message {missing[0]}")
    # A person's decisions win over the classifier, however often it runs again.
    decisions = stored_decisions_many(session, ids)
    # Mail that counted for a unit may take initiatives away from it: count those
    # units again; mail that counted for nothing (new mail) only adds.
    recount: set[str] = set()
    added: list[int] = []
    rows: list[dict[str, object]] = []
    for message_id, analysis in latest.items():
        stood = before[message_id]
        verdict = apply_decisions(
            _as_classified(stood.receive_time_known, analysis), decisions[message_id]
        )
        columns = {**_analysis_columns(analysis), **verdict_columns(verdict)}
        rows.append({"b_id": message_id, **{f"b_{k}": v for k, v in columns.items()}})
        if counts(stood.status, stood.unit_code, stood.campaign_code, stood.timing):
            recount |= {unit for unit in (stood.unit_code, verdict.unit) if unit}
        else:
            added.append(message_id)
    table = _table(Message)
    session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values({name[2:]: bindparam(name) for name in rows[0] if name != "b_id"}),
        rows,
    )
    # Initiatives first: deleting an attachment deletes its initiatives in the database.
    session.execute(delete(Initiative).where(Initiative.message_id.in_(ids)))
    session.execute(delete(Attachment).where(Attachment.message_id.in_(ids)))
    files = [
        _attachment_row(message_id, position, item)
        for message_id, analysis in latest.items()
        for position, item in enumerate(analysis.attachments)
    ]
    if files:
        stored = _table(Attachment)
        file_ids = session.scalars(
            insert(stored).returning(stored.c.id, sort_by_parameter_order=True), files
        ).all()
        items = [item for analysis in latest.values() for item in analysis.attachments]
        found = [
            {
                "message_id": row["message_id"],
                "attachment_id": file_id,
                "title": item.initiative.title,
                "title_key": normalise_title(item.initiative.title),
                "field": item.initiative.field,
                "authors": list(item.initiative.authors),
            }
            for row, file_id, item in zip(files, file_ids, items, strict=True)
            if item.initiative is not None
        ]
        if found:
            session.execute(insert(_table(Initiative)), found)
    _expire_messages(session, latest)
    refresh_unit_tallies(session, recount)
    add_to_unit_tallies(session, added)


def _analysis_columns(analysis: AnalysisRecord) -> dict[str, object]:
    """Return the message columns an analysis fills, but for its classification."""
    return {
        "date_header": analysis.date_header,
        "from_address": analysis.from_address[:500] or None,
        "from_name": analysis.from_name[:500] or None,
        "sender": (analysis.sender or "")[:500] or None,
        "reply_to": [a[:500] for a in analysis.reply_to[:20]],
        "subject": analysis.subject,
        "search_text": analysis.search_text or None,
        "parse_status": "ok",
        "parse_error": None,
    }


def _attachment_row(message_id: int, position: int, item: AttachmentRecord) -> dict[str, object]:
    extraction = item.extraction
    return {
        "message_id": message_id,
        "position": position,
        "filename": item.filename,
        "content_type": item.content_type,
        "size": item.size,
        "sha256": item.sha256,
        "is_document": item.is_document,
        "extract_status": extraction.status.value if extraction else None,
        "extract_reason": (extraction.reason or None) if extraction else None,
        "text": extraction.text if extraction else None,
        "text_chars": len(extraction.text) if extraction else 0,
        "parent": item.parent,
    }


def _table(model: type[Base]) -> Table:
    """Return a model's table, for Core statements."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _expire_messages(session: Session, ids: Collection[int]) -> None:
    """Expire the session's objects of messages written behind the ORM's back."""
    for instance in list(session.identity_map.values()):
        identity = inspect(instance).identity
        if isinstance(instance, Message) and identity is not None and identity[0] in ids:
            session.expire(instance)


def _as_classified(receive_time_known: bool, analysis: AnalysisRecord) -> Classification:
    """Return the classifier's verdict on a message, held for a person when its
    receive time is unknown (an imported message without the office's Received:)."""
    if not receive_time_known:
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
