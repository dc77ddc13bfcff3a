"""One poll of a mailbox: fetch, store raw first, then analyse."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
import traceback
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
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
from parsers.analysis import Analysis, Extractor, Rules, analyse
from parsers.documents import Extraction, extract_text
from parsers.limits import Limits
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
#: One DEBUG line per poll with the seconds spent per stage (JSON); bench/backfill reads it.
timings_log = logging.getLogger("ingest.poll.timings")

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
    # Messages analysed at once on threads (their documents go to ``extract``).
    analysers: int = 1


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
    timings = StageTimes()
    started = time.perf_counter()
    with AnalysisPipeline(services, timings) as pipeline:
        for attempt in range(RECONNECTS + 1):
            try:
                _poll_once(mailbox, services, environ, state_id, counts, since, progress, pipeline)
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
        counts.update(pipeline.drain())
    if timings_log.isEnabledFor(logging.DEBUG):
        timings.add("total", time.perf_counter() - started)
        timings_log.debug(
            "%s", json.dumps({"mailbox": mailbox.name, **counts, "seconds": timings.as_dict()})
        )
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
    pipeline: AnalysisPipeline,
) -> None:
    timings = pipeline.timings
    with timings.stage("fetch"):
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
        batches = iter(fetch_batches(client, uids, mailbox.batch_size))
        while True:
            with timings.stage("fetch"):
                asked, batch = next(batches, (0, []))
            if not asked:
                break
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
            duplicates, stored = store_batch(fetched, state_id, services, timings, pipeline.io)
            counts.update(duplicates)
            for stored_id, message in stored:
                counts.update(pipeline.submit(stored_id, message.raw, message.received_at))
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
    outcomes, stored = store_batch(batch, state_id, services)
    with AnalysisPipeline(services) as pipeline:
        for stored_id, fetched in stored:
            outcomes.update(pipeline.submit(stored_id, fetched.raw, fetched.received_at))
        outcomes.update(pipeline.drain())
    return outcomes


def store_batch(
    batch: list[FetchedMessage],
    state_id: int,
    services: Services,
    timings: StageTimes | None = None,
    io: ThreadPoolExecutor | None = None,
) -> tuple[Counter[str], list[tuple[int, FetchedMessage]]]:
    """Store a batch raw and advance progress in one commit; nothing is parsed yet.

    Returns the duplicate outcomes and the (row id, message) pairs to analyse.
    """
    clock = timings.stage("store") if timings else contextlib.nullcontext()
    outcomes: Counter[str] = Counter()
    stored: list[tuple[int, FetchedMessage]] = []
    with clock:
        raws = [f.raw for f in batch]
        # Each file is fsynced: on threads the waits overlap.
        digests = list(io.map(services.blobs.put, raws) if io else map(services.blobs.put, raws))
        identities = [(d, read_message_id(r)) for d, r in zip(digests, raws, strict=True)]
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
    return outcomes, stored


class StageTimes:
    """Seconds spent per pipeline stage during one poll (for `-v` and bench/backfill)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - start)

    def add(self, name: str, seconds: float) -> None:
        with self._lock:
            self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def as_dict(self) -> dict[str, float]:
        with self._lock:
            return {name: round(value, 4) for name, value in self.seconds.items()}


class AnalysisPipeline:
    """Analyse stored messages on a few threads while the caller goes on fetching.

    Each message is parsed once, on a thread; its documents are read by
    ``services.extract`` (a process pool, so several at once, each with its time
    limit). Results are saved in submission order, one transaction per message,
    by the caller's thread: the database is only touched there. At most
    ``2 * threads`` messages are in flight, so memory does not grow with the
    mailbox. A message whose analysis fails is marked failed; the others go on.
    """

    def __init__(self, services: Services, timings: StageTimes | None = None) -> None:
        self._services = services
        self._timings = self.timings = timings or StageTimes()
        self._threads = ThreadPoolExecutor(
            max_workers=max(1, services.analysers), thread_name_prefix="analyse"
        )
        self._limit = 2 * max(1, services.analysers)
        #: Threads for file writes (fsync waits), apart from the analyses.
        self.io = ThreadPoolExecutor(max_workers=8, thread_name_prefix="store")
        self._pending: deque[tuple[int, Future[Analysis]]] = deque()

    def submit(self, message_id: int, raw: bytes, received_at: datetime) -> Counter[str]:
        """Queue one stored message; return the outcomes of those saved meanwhile."""
        self._pending.append((message_id, self._threads.submit(self._analyse, raw, received_at)))
        return self.drain(keep=self._limit - 1)

    def drain(self, keep: int = 0) -> Counter[str]:
        """Save finished analyses, oldest first, until at most ``keep`` are in flight."""
        outcomes: Counter[str] = Counter()
        while len(self._pending) > keep:
            ready = [self._pending.popleft()]
            with self._timings.stage("wait_analysis"):
                wait([ready[0][1]])
            # Whatever finished meanwhile is saved in the same transaction.
            while self._pending and self._pending[0][1].done():
                ready.append(self._pending.popleft())
            outcomes.update(self._save(ready))
        return outcomes

    def close(self, *, wait: bool = True) -> None:
        """Drop what was not saved; it stays pending and the next poll analyses it."""
        for _, future in self._pending:
            future.cancel()
        self._pending.clear()
        self._threads.shutdown(wait=wait, cancel_futures=True)
        self.io.shutdown(wait=wait, cancel_futures=True)

    def __enter__(self) -> AnalysisPipeline:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        # Interrupted (Ctrl-C, SystemExit): do not wait for analyses in flight.
        self.close(wait=kind is None or issubclass(kind, Exception))

    def _analyse(self, raw: bytes, received_at: datetime) -> Analysis:
        start = time.perf_counter()
        extracting = [0.0]

        def timed_extract(
            filename: str, content_type: str, data: bytes, limits: Limits
        ) -> Extraction:
            began = time.perf_counter()
            try:
                return self._services.extract(filename, content_type, data, limits)
            finally:
                extracting[0] += time.perf_counter() - began

        analysis = analyse(raw, received_at, self._services.rules, extract=timed_extract)
        self._timings.add("extract", extracting[0])
        self._timings.add("parse_classify", time.perf_counter() - start - extracting[0])
        with self._timings.stage("store_attachments"):
            for attachment in analysis.attachments:
                self._services.blobs.put(attachment.data)
        return analysis

    def _save(self, ready: list[tuple[int, Future[Analysis]]]) -> Counter[str]:
        """Save finished analyses in one transaction; if that fails, one by one."""
        analysed = [(i, f.result()) for i, f in ready if f.exception() is None]
        try:
            with self._timings.stage("commit"), self._services.sessions.begin() as session:
                for message_id, analysis in analysed:
                    save_analysis(session, message_id, analysis)
        except Exception:
            log.debug("saving %d analyses together failed, saving one by one", len(analysed))
            return Counter("new" if self._save_one(i, f) else "failed" for i, f in ready)
        outcomes = Counter(new=len(analysed))
        for message_id, future in ready:
            if future.exception() is not None:
                self._save_one(message_id, future)  # logs it and marks it failed
                outcomes["failed"] += 1
        return outcomes

    def _save_one(self, message_id: int, future: Future[Analysis]) -> bool:
        services = self._services
        try:
            analysis = future.result()
            with self._timings.stage("commit"), services.sessions.begin() as session:
                save_analysis(session, message_id, analysis)
            return True
        except Exception as error:
            log.error("message %s could not be analysed: %s", message_id, error)
            log.debug("%s", traceback.format_exc())
            with services.sessions.begin() as session:
                mark_failed(session, message_id, f"{type(error).__name__}: {error}")
            return False


def analyse_stored(message_id: int, raw: bytes, received_at: datetime, services: Services) -> bool:
    """Analyse a stored message and save the result; on any failure mark it failed."""
    with AnalysisPipeline(services) as pipeline:
        outcomes = pipeline.submit(message_id, raw, received_at) + pipeline.drain()
    return outcomes["new"] == 1


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
    with AnalysisPipeline(services) as pipeline:
        for message_id, digest, received_at in pending:
            pipeline.submit(message_id, services.blobs.get(digest), received_at)
        pipeline.drain()
    return len(pending)
