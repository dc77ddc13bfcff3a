"""One poll of a mailbox: fetch, store raw first, then analyse."""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from ingest.config import MailboxConfig
from ingest.imap import (
    PasswordMissing,
    connect,
    describe,
    fetch_after,
    folder_status,
    read_password,
)
from parsers.analysis import Rules, analyse
from parsers.mail import read_message_id
from store.blobs import BlobStore
from store.db import SessionFactory
from store.models import MailboxState
from store.read import list_pending
from store.write import (
    FetchedMessage,
    find_stored,
    load_mailbox_state,
    mark_failed,
    record_poll_result,
    record_raw_message,
    save_analysis,
)

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class PollSummary:
    mailbox: str
    new: int
    duplicates: int
    failed: int
    error: str | None = None


@dataclass(frozen=True)
class Services:
    """The shell's collaborators, built once in the composition root."""

    sessions: SessionFactory
    blobs: BlobStore
    rules: Rules
    clock: Clock


def poll_mailbox(
    mailbox: MailboxConfig, services: Services, environ: Mapping[str, str]
) -> PollSummary:
    """Fetch and register every message that is new in ``mailbox``'s folder."""
    with services.sessions.begin() as session:
        state = load_mailbox_state(session, mailbox.name, mailbox.folder)
        state_id, last_uid, known_validity = state.id, state.last_uid, state.uidvalidity
    counts = {"new": 0, "duplicates": 0, "failed": 0}
    error: str | None = None
    try:
        client = connect(mailbox, read_password(mailbox, environ))
        try:
            status = folder_status(client, mailbox.folder)
            if status.uidvalidity != known_validity:
                if known_validity is not None:
                    log.warning(
                        "%s/%s: UIDVALIDITY changed %s -> %s, resynchronising",
                        mailbox.name,
                        mailbox.folder,
                        known_validity,
                        status.uidvalidity,
                    )
                last_uid = 0
                _reset_progress(services.sessions, state_id, status.uidvalidity)
            if status.uidnext - 1 > last_uid:
                for batch in fetch_after(client, mailbox.folder, last_uid, mailbox.batch_size):
                    for item in batch:
                        fetched = FetchedMessage(
                            mailbox=mailbox.name,
                            folder=mailbox.folder,
                            uidvalidity=status.uidvalidity,
                            uid=item.uid,
                            raw=item.raw,
                            received_at=item.internaldate,
                        )
                        outcome = ingest_message(fetched, state_id, services)
                        counts[outcome] += 1
        finally:
            _close(client)
    except (TimeoutError, IMAPClientError, OSError, PasswordMissing) as failure:
        error = describe(failure)
        log.error("%s: poll failed: %s", mailbox.name, error)
    with services.sessions.begin() as session:
        record_poll_result(session, state_id, services.clock(), error)
    return PollSummary(mailbox.name, error=error, **counts)


def ingest_message(fetched: FetchedMessage, state_id: int, services: Services) -> str:
    """Store one fetched message raw, advance progress, then analyse it.

    Returns "new", "duplicates" or "failed" (stored raw, not analysed).
    """
    digest = services.blobs.put(fetched.raw)
    message_id = read_message_id(fetched.raw)
    with services.sessions.begin() as session:
        state = session.get_one(MailboxState, state_id)
        state.last_uid = max(state.last_uid, fetched.uid)
        if find_stored(session, fetched, message_id, digest) is not None:
            return "duplicates"
        stored_id = record_raw_message(session, fetched, message_id, digest, services.clock()).id
    return (
        "new" if analyse_stored(stored_id, fetched.raw, fetched.received_at, services) else "failed"
    )


def analyse_stored(message_id: int, raw: bytes, received_at: datetime, services: Services) -> bool:
    """Analyse a stored message and save the result; on any failure mark it failed."""
    try:
        analysis = analyse(raw, received_at, services.rules)
        for attachment in analysis.attachments:
            services.blobs.put(attachment.data)
        with services.sessions.begin() as session:
            save_analysis(session, message_id, analysis)
        return True
    except Exception as error:
        log.error("message %s could not be analysed: %s", message_id, error)
        log.debug("%s", traceback.format_exc())
        with services.sessions.begin() as session:
            mark_failed(session, message_id, f"{type(error).__name__}: {error}")
        return False


def _reset_progress(sessions: SessionFactory, state_id: int, uidvalidity: int) -> None:
    with sessions.begin() as session:
        state = session.get_one(MailboxState, state_id)
        state.uidvalidity = uidvalidity
        state.last_uid = 0


def _close(client: IMAPClient) -> None:
    with contextlib.suppress(IMAPClientError, OSError):
        client.logout()


def resume_pending(services: Services) -> int:
    """Analyse messages stored raw by an earlier run that stopped before analysing them."""
    with services.sessions() as session:
        pending = list_pending(session)
    for message_id, digest, received_at in pending:
        analyse_stored(message_id, services.blobs.get(digest), received_at, services)
    return len(pending)
