"""One poll of a mailbox: fetch, store raw first, then analyse."""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from ingest.config import MailboxConfig
from ingest.imap import (
    PasswordMissing,
    PostProcessingUnsupported,
    connect,
    describe,
    fetch_batches,
    folder_status,
    post_process,
    read_password,
    uids_after,
)
from parsers.analysis import Extractor, Rules, analyse
from parsers.documents import extract_text
from parsers.mail import read_message_id
from store.blobs import BlobStore
from store.db import SessionFactory
from store.models import MailboxState
from store.read import list_pending
from store.write import (
    FetchedMessage,
    advance_last_uid,
    find_stored,
    load_mailbox_state,
    mark_failed,
    record_poll_result,
    record_raw_message,
    relocate_if_resynchronised,
    save_analysis,
)

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
#: Called after each batch with (mailbox name, messages done, messages to do).
Progress = Callable[[str, int, int], None]

#: A dropped connection is retried this many times within one poll.
RECONNECTS = 1
_NETWORK_ERRORS = (TimeoutError, IMAPClientError, OSError)


@dataclass(frozen=True)
class PollSummary:
    mailbox: str
    new: int
    duplicates: int
    failed: int
    error: str | None = None
    #: Duplicates recognised by Message-ID and hash after a UIDVALIDITY change.
    matched: int = 0
    #: Another poller held the mailbox's lock; nothing was done.
    skipped: bool = False


@dataclass(frozen=True)
class Services:
    """The shell's collaborators, built once in the composition root."""

    sessions: SessionFactory
    blobs: BlobStore
    rules: Rules
    clock: Clock
    # Reads one document; the composition root passes one with a time limit.
    extract: Extractor = extract_text


def poll_mailbox(
    mailbox: MailboxConfig,
    services: Services,
    environ: Mapping[str, str],
    *,
    since: date | None = None,
    progress: Progress | None = None,
) -> PollSummary:
    """Fetch and register every message that is new in ``mailbox``'s folder.

    The caller holds the mailbox's lock. Progress is only what is committed, so a
    dropped connection is retried from there, and an interrupted poll is resumed
    by the next one.
    """
    with services.sessions.begin() as session:
        state_id = load_mailbox_state(session, mailbox.name, mailbox.folder).id
    counts: Counter[str] = Counter()
    error: str | None = None
    for attempt in range(RECONNECTS + 1):
        try:
            _poll_once(mailbox, services, environ, state_id, counts, since, progress)
            error = None
            break
        except (PasswordMissing, PostProcessingUnsupported) as failure:
            error = describe(failure)
            break
        except _NETWORK_ERRORS as failure:
            error = describe(failure)
            if attempt < RECONNECTS and _is_dropped(failure):
                log.warning("%s: connection lost (%s), reconnecting", mailbox.name, error)
                continue
            break
    if error is not None:
        log.error("%s: poll failed: %s", mailbox.name, error)
    with services.sessions.begin() as session:
        record_poll_result(session, state_id, services.clock(), error)
    return PollSummary(
        mailbox.name,
        new=counts["new"],
        duplicates=counts["duplicates"],
        failed=counts["failed"],
        matched=counts["matched"],
        error=error,
    )


def _poll_once(
    mailbox: MailboxConfig,
    services: Services,
    environ: Mapping[str, str],
    state_id: int,
    counts: Counter[str],
    since: date | None,
    progress: Progress | None,
) -> None:
    client = connect(mailbox, read_password(mailbox, environ))
    try:
        # One STATUS round trip decides whether there is anything to do.
        status = folder_status(client, mailbox.folder)
        last_uid = _progress_for(services.sessions, state_id, status.uidvalidity, mailbox)
        if status.uidnext - 1 <= last_uid:
            return
        uids = uids_after(
            client,
            mailbox.folder,
            last_uid,
            since=since,
            readonly=mailbox.mark_processed is None,
        )
        done = 0
        for asked, batch in fetch_batches(client, uids, mailbox.batch_size):
            fetched = [
                FetchedMessage(
                    mailbox=mailbox.name,
                    folder=mailbox.folder,
                    uidvalidity=status.uidvalidity,
                    uid=item.uid,
                    raw=item.raw,
                    received_at=item.internaldate,
                )
                for item in batch
            ]
            counts.update(ingest_batch(fetched, state_id, services))
            # Every message of the batch is committed: only now may the server know.
            post_process(client, mailbox, [item.uid for item in batch])
            done += asked
            if progress is not None:
                progress(mailbox.name, done, len(uids))
        # Whatever lies below UIDNEXT and was not found is gone (expunged, or
        # older than --since): do not search for it again.
        with services.sessions.begin() as session:
            advance_last_uid(session, state_id, status.uidvalidity, status.uidnext - 1)
    finally:
        _close(client)


def _progress_for(
    sessions: SessionFactory, state_id: int, uidvalidity: int, mailbox: MailboxConfig
) -> int:
    """Return the committed last UID, resetting it when UIDVALIDITY changed."""
    with sessions.begin() as session:
        state = session.get_one(MailboxState, state_id)
        if state.uidvalidity != uidvalidity:
            if state.uidvalidity is not None:
                log.warning(
                    "%s/%s: UIDVALIDITY changed %s -> %s, resynchronising",
                    mailbox.name,
                    mailbox.folder,
                    state.uidvalidity,
                    uidvalidity,
                )
            state.uidvalidity = uidvalidity
            state.last_uid = 0
        return state.last_uid


def ingest_batch(batch: list[FetchedMessage], state_id: int, services: Services) -> Counter[str]:
    """Store a batch raw and advance progress in one commit, then analyse each message.

    Returns the outcomes: "new", "duplicates" (of which "matched": moved by a
    UIDVALIDITY change), or "failed" (stored raw, not analysed).
    """
    outcomes: Counter[str] = Counter()
    identities = [(services.blobs.put(f.raw), read_message_id(f.raw)) for f in batch]
    stored: list[tuple[int, FetchedMessage]] = []
    with services.sessions.begin() as session:
        for fetched, (digest, message_id) in zip(batch, identities, strict=True):
            known = find_stored(session, fetched, message_id, digest)
            if known is None:
                row = record_raw_message(session, fetched, message_id, digest, services.clock())
                stored.append((row.id, fetched))
                continue
            outcomes["duplicates"] += 1
            if relocate_if_resynchronised(session, known, fetched):
                outcomes["matched"] += 1
                session.flush()
        if batch:
            state = session.get_one(MailboxState, state_id)
            state.last_uid = max(state.last_uid, *(f.uid for f in batch))
    for stored_id, fetched in stored:
        analysed = analyse_stored(stored_id, fetched.raw, fetched.received_at, services)
        outcomes["new" if analysed else "failed"] += 1
    return outcomes


def analyse_stored(message_id: int, raw: bytes, received_at: datetime, services: Services) -> bool:
    """Analyse a stored message and save the result; on any failure mark it failed."""
    try:
        analysis = analyse(raw, received_at, services.rules, extract=services.extract)
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


def _is_dropped(error: BaseException) -> bool:
    """Whether the connection broke (worth reconnecting), not a refusal by the server."""
    return isinstance(error, IMAPClient.AbortError | OSError)


def _close(client: IMAPClient) -> None:
    with contextlib.suppress(IMAPClientError, OSError):
        client.logout()


def resume_pending(services: Services, mailbox: str | None = None) -> int:
    """Analyse messages stored raw by an earlier run that stopped before analysing them."""
    with services.sessions() as session:
        pending = list_pending(session, mailbox)
    for message_id, digest, received_at in pending:
        analyse_stored(message_id, services.blobs.get(digest), received_at, services)
    return len(pending)
