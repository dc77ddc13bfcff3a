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
from pathlib import Path

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from app.config import MailboxConfig
from ingest.extraction import TimedExtractor, WorkerAnalysis
from ingest.faults import EnvironmentFailure, Fault, environment_fault
from ingest.imap import (
    Interrupt,
    PasswordMissing,
    PostProcessingUnsupported,
    ResponseTimedOut,
    connect,
    describe,
    disconnect,
    fetch_batches,
    folder_status,
    post_process,
    read_password,
    uids_after,
)
from ingest.locks import LockLost, MailboxLock
from parsers.analysis import Extractor, ItemReader, Rules, analyse
from parsers.documents import Extraction, extract_text
from parsers.limits import Limits
from parsers.mail import read_message_id
from parsers.outlook import read_outlook_item
from store.blobs import BlobStore, Staged
from store.db import SessionFactory
from store.models import MailboxState, Message
from store.planner import ANALYZE_AFTER, refresh_statistics
from store.read import list_pending
from store.write import (
    FetchedMessage,
    advance_last_uid,
    find_stored_many,
    load_mailbox_state,
    mark_failed,
    record_poll_result,
    record_raw_message,
    relocate_if_resynchronised,
    save_analyses,
    save_analysis,
    summarise,
)

log = logging.getLogger(__name__)
#: One DEBUG line per poll with the seconds spent per stage (JSON); bench/backfill reads it.
timings_log = logging.getLogger("ingest.poll.timings")

Clock = Callable[[], datetime]
#: Called after each batch with (mailbox name, messages done, messages to do).
Progress = Callable[[str, int, int], None]

#: The summary's error when the mailbox's lock was lost mid-poll.
LOCK_LOST = (
    "MẤT KHÓA HỘP THƯ: kết nối giữ khóa tới cơ sở dữ liệu đã bị ngắt, "
    "dừng đọc hộp thư này để không đọc trùng; lần đọc sau sẽ tự làm tiếp"
)
#: A dropped connection is retried this many times within one poll.
RECONNECTS = 1
#: Analyses saved per transaction. Each commit waits for the disk (an fsync) and
#: each save repeats a dozen statements: per message, they cost more than the rows.
SAVE_EVERY = 64
#: ... or fewer, once their documents' text reaches this many characters: long
#: reports wait in memory until saved.
SAVE_CHARS = 1_000_000
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
    #: The lock was lost during the poll (its connection ended): this poller stopped.
    lock_lost: bool = False


@dataclass(frozen=True)
class Services:
    """The shell's collaborators, built once in the composition root."""

    sessions: SessionFactory
    blobs: BlobStore
    rules: Rules
    clock: Clock
    # Reads one document; the composition root passes one with a time limit.
    extract: Extractor = extract_text
    # Worker processes that analyse whole stored messages (None: analyse here).
    workers: TimedExtractor | None = None
    # Reads one attached Outlook item; the composition root passes one with a time limit.
    read_item: ItemReader = read_outlook_item


def poll_mailbox(
    mailbox: MailboxConfig,
    services: Services,
    environ: Mapping[str, str],
    *,
    since: date | None = None,
    progress: Progress | None = None,
    lock: MailboxLock | None = None,
    interrupt: Interrupt | None = None,
) -> PollSummary:
    """Fetch and register every message that is new in ``mailbox``'s folder.

    The caller holds the mailbox's ``lock``; it is checked again before each batch
    is committed, and a poll that lost it stops. Progress is only what is
    committed, so a dropped connection is retried from there, and an interrupted
    poll (``interrupt``: Interrupted propagates) is resumed by the next one. A full
    disk or a locked or unreachable database stops the poll with one line and
    blames no message: the next poll does what is left.
    """
    try:
        with services.sessions.begin() as session:
            state_id = load_mailbox_state(session, mailbox.name, mailbox.folder).id
    except Exception as failure:
        fault = environment_fault(failure)
        if fault is None:
            raise
        return PollSummary(mailbox.name, 0, 0, 0, error=report_fault(mailbox.name, fault))
    counts: Counter[str] = Counter()
    error: str | None = None
    lost = False
    timings = StageTimes()
    started = time.perf_counter()
    with AnalysisPipeline(services, timings) as pipeline:
        for attempt in range(RECONNECTS + 1):
            try:
                _poll_once(
                    mailbox,
                    services,
                    environ,
                    state_id,
                    counts,
                    since,
                    progress,
                    pipeline,
                    lock,
                    interrupt,
                )
                error = None
                break
            except (PasswordMissing, PostProcessingUnsupported) as failure:
                error = describe(failure)
                break
            except LockLost:
                log.error(
                    "%s: the poller lost its lock (its database connection ended); "
                    "stopping this mailbox, the next poll goes on",
                    mailbox.name,
                )
                error, lost = LOCK_LOST, True
                break
            except ResponseTimedOut as slow:
                error = str(slow)
                break
            except Exception as failure:
                fault = environment_fault(failure)
                if fault is not None:
                    error = report_fault(mailbox.name, fault)
                    break
                if not isinstance(failure, _NETWORK_ERRORS):
                    raise
                error = describe(failure)
                stopping = interrupt is not None and interrupt.is_set()
                if attempt < RECONNECTS and _is_dropped(failure) and not stopping:
                    log.warning("%s: connection lost (%s), reconnecting", mailbox.name, error)
                    continue
                break
        counts.update(pipeline.drain())
        if error is None and pipeline.fault is not None:
            error = report_fault(mailbox.name, pipeline.fault)
    if timings_log.isEnabledFor(logging.DEBUG):
        timings.add("total", time.perf_counter() - started)
        timings_log.debug(
            "%s", json.dumps({"mailbox": mailbox.name, **counts, "seconds": timings.as_dict()})
        )
    if error is not None and not lost:
        log.error("%s: poll failed: %s", mailbox.name, error)
    if not lost:  # the folder's state belongs to whoever holds the lock now
        _record_result(services, state_id, error)
    return PollSummary(
        mailbox.name,
        new=counts["new"],
        duplicates=counts["duplicates"],
        failed=counts["failed"],
        matched=counts["matched"],
        error=error,
        lock_lost=lost,
    )


def report_fault(mailbox: str, fault: Fault) -> str:
    """Log the technical detail of an environment fault; return the line for the summary."""
    log.debug("%s: %s (%s)", mailbox, fault.kind, fault.detail)
    return f"{fault.describe()}; lần đọc sau sẽ tự làm tiếp"


def _record_result(services: Services, state_id: int, error: str | None) -> None:
    """Record the poll's outcome, unless the database itself is what failed."""
    try:
        with services.sessions.begin() as session:
            record_poll_result(session, state_id, services.clock(), error)
    except Exception as failure:
        fault = environment_fault(failure)
        if fault is None:
            raise
        log.debug("the poll's outcome could not be recorded: %s", fault.detail)


def _poll_once(
    mailbox: MailboxConfig,
    services: Services,
    environ: Mapping[str, str],
    state_id: int,
    counts: Counter[str],
    since: date | None,
    progress: Progress | None,
    pipeline: AnalysisPipeline,
    lock: MailboxLock | None,
    interrupt: Interrupt | None,
) -> None:
    timings = pipeline.timings
    with timings.stage("fetch"):
        client = connect(mailbox, read_password(mailbox, environ), interrupt)
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
        if services.workers is not None:
            services.workers.start()
        done = unanalysed = 0
        batches = iter(fetch_batches(client, uids, mailbox.batch_size))
        held = lock.still_held if lock is not None else None
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
            fetched_uids = [item.uid for item in batch]
            # The raw bytes are on disk once stored: let them go before the next fetch.
            del batch
            duplicates, stored = store_batch(
                fetched, state_id, services, timings, pipeline.io, still_held=held
            )
            del fetched
            counts.update(duplicates)
            unanalysed += len(stored)
            if unanalysed >= ANALYZE_AFTER:
                with services.sessions.begin() as session:
                    if refresh_statistics(session, unanalysed):
                        unanalysed = 0
            for stored_id, digest, received_at in stored:
                counts.update(pipeline.submit(stored_id, digest, received_at))
            if pipeline.fault is not None:
                # What is stored but not analysed stays pending for the next poll.
                raise EnvironmentFailure(pipeline.fault)
            # Every message of the batch is committed: only now may the server know.
            post_process(client, mailbox, fetched_uids)
            done += asked
            if progress is not None:
                progress(mailbox.name, done, len(uids))
        # Whatever lies below UIDNEXT and was not found is gone (expunged, or
        # older than --since): do not search for it again.
        with services.sessions.begin() as session:
            advance_last_uid(session, state_id, status.uidvalidity, status.uidnext - 1)
    finally:
        disconnect(client)


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


def store_batch(
    batch: list[FetchedMessage],
    state_id: int | None,
    services: Services,
    timings: StageTimes | None = None,
    io: ThreadPoolExecutor | None = None,
    *,
    still_held: Callable[[], bool] | None = None,
) -> tuple[Counter[str], list[tuple[int, str, datetime]]]:
    """Store a batch raw and advance progress in one commit; nothing is parsed yet.

    Returns the outcomes of duplicates ("duplicates", of which "matched": moved by
    a UIDVALIDITY change) and the (row id, digest, receive time) of the new messages.
    ``state_id`` is the folder whose last UID advances (None: mail read from files,
    whose progress is what is stored).
    ``still_held`` is asked just before the commit: when the mailbox's lock is gone,
    another poller may be storing the same messages, so nothing is committed and
    LockLost is raised.
    """
    clock = timings.stage("store") if timings else contextlib.nullcontext()
    outcomes: Counter[str] = Counter()
    stored: list[tuple[int, str, datetime]] = []
    with clock:
        raws = [f.raw for f in batch]
        # Each file is fsynced: on threads the waits overlap.
        digests = list(io.map(services.blobs.put, raws) if io else map(services.blobs.put, raws))
        identities = [
            (fetched, read_message_id(raw), digest)
            for fetched, raw, digest in zip(batch, raws, digests, strict=True)
        ]
        del raws
        with services.sessions.begin() as session:
            found = find_stored_many(session, identities)
            now = services.clock()
            rows: list[tuple[Message, str, datetime]] = []
            # Copies of one message within the batch (appended twice): stored once.
            added: set[tuple[str | None, str]] = set()
            for (fetched, message_id, digest), known in zip(identities, found, strict=True):
                if known is None and (message_id, digest) not in added:
                    row = record_raw_message(session, fetched, message_id, digest, now, flush=False)
                    rows.append((row, digest, fetched.received_at))
                    added.add((message_id, digest))
                    continue
                outcomes["duplicates"] += 1
                if known is not None and relocate_if_resynchronised(session, known, fetched):
                    outcomes["matched"] += 1
            session.flush()
            stored.extend((row.id, digest, received_at) for row, digest, received_at in rows)
            if batch and state_id is not None:
                state = session.get_one(MailboxState, state_id)
                state.last_uid = max(state.last_uid, *(f.uid for f in batch))
            if still_held is not None and not still_held():
                raise LockLost
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


@dataclass(frozen=True)
class _InFlight:
    message_id: int
    #: The stored raw copy (None: analysed from bytes in hand, here).
    digest: str | None
    received_at: datetime
    future: Future[WorkerAnalysis]


class AnalysisPipeline:
    """Analyse stored messages in worker processes while the caller goes on fetching.

    Each message is parsed once, in a worker process that reads its raw copy from
    storage, reads its documents (each with its time limit) and stores its
    attachments; only what the register keeps comes back. A message whose worker
    died (a file stuck past its limit) is analysed again here, each document in a
    child of its own. Results are saved in submission order by the caller's
    thread, SAVE_EVERY (or SAVE_CHARS of text) to a transaction: the database is
    only touched there.
    Until saved, a message stays pending, and a run that stops analyses it
    again. At most a few messages per worker are in flight and a group waits
    to be saved, so memory does not grow with the mailbox. A message
    whose analysis fails is marked failed; the others go on. A failure of the
    machine (a full disk, a locked or unreachable database) is no message's
    fault: it is kept in ``fault``, the message stays pending, and the caller
    stops and leaves it to the next run.
    """

    def __init__(self, services: Services, timings: StageTimes | None = None) -> None:
        self._services = services
        self._timings = self.timings = timings or StageTimes()
        workers = services.workers.workers if services.workers is not None else 1
        # Enough queued that no worker waits while this thread fetches and saves a group.
        self._limit = 4 * workers + 4
        #: Threads for file writes (fsync waits), apart from the analyses.
        self.io = ThreadPoolExecutor(max_workers=8, thread_name_prefix="store")
        self._pending: deque[_InFlight] = deque()
        #: Analysed, in submission order, waiting to be saved with the next group.
        self._finished: list[_InFlight] = []
        self._finished_chars = 0
        #: The first failure of the machine met; nothing is marked failed after it.
        self.fault: Fault | None = None

    def submit(self, message_id: int, digest: str, received_at: datetime) -> Counter[str]:
        """Queue one stored message; return the outcomes of those saved meanwhile."""
        services = self._services
        if services.workers is not None:
            future = services.workers.analyse_file(
                services.blobs.path_of(digest), received_at, services.rules, services.blobs
            )
        else:
            future = self._analysed_here(services.blobs.get(digest), received_at)
        self._pending.append(_InFlight(message_id, digest, received_at, future))
        return self.drain(keep=self._limit - 1)

    def submit_raw(self, message_id: int, raw: bytes, received_at: datetime) -> Counter[str]:
        """Queue one stored message whose bytes the caller holds; it is analysed here."""
        future = self._analysed_here(raw, received_at)
        self._pending.append(_InFlight(message_id, None, received_at, future))
        return self.drain(keep=self._limit - 1)

    def drain(self, keep: int = 0) -> Counter[str]:
        """Wait for analyses, oldest first, until at most ``keep`` are in flight; save
        them a group at a time (with ``keep`` 0: all of them, now)."""
        outcomes: Counter[str] = Counter()
        while len(self._pending) > keep:
            with self._timings.stage("wait_analysis"):
                wait([self._pending[0].future])
            # Whatever finished meanwhile joins the same group.
            while self._pending and self._pending[0].future.done():
                entry = self._pending.popleft()
                self._finished.append(entry)
                self._finished_chars += _text_chars(entry.future)
            if len(self._finished) >= SAVE_EVERY or self._finished_chars >= SAVE_CHARS:
                outcomes.update(self._save_finished())
        if keep == 0:
            outcomes.update(self._save_finished())
        return outcomes

    def close(self, *, wait: bool = True) -> None:
        """Drop what was not saved; it stays pending and the next poll analyses it."""
        for entry in self._pending:
            entry.future.cancel()
        self._pending.clear()
        self._finished.clear()
        self._finished_chars = 0
        self.io.shutdown(wait=wait, cancel_futures=True)

    def __enter__(self) -> AnalysisPipeline:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        # Interrupted (Ctrl-C, SystemExit): do not wait for analyses in flight.
        self.close(wait=kind is None or issubclass(kind, Exception))

    def _analysed_here(self, raw: bytes, received_at: datetime) -> Future[WorkerAnalysis]:
        """Analyse ``raw`` on this thread, documents through ``services.extract``."""
        future: Future[WorkerAnalysis] = Future()
        try:
            future.set_result(self._analyse(raw, received_at))
        except Exception as error:
            future.set_exception(error)
        return future

    def _analyse(self, raw: bytes, received_at: datetime) -> WorkerAnalysis:
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

        analysis = analyse(
            raw,
            received_at,
            self._services.rules,
            extract=timed_extract,
            read_item=self._services.read_item,
        )
        analysed = time.perf_counter()
        for attachment in analysis.attachments:
            self._services.blobs.put(attachment.data)
        return WorkerAnalysis(
            summarise(analysis),
            {
                "parse_classify": analysed - start - extracting[0],
                "extract": extracting[0],
                "store_attachments": time.perf_counter() - analysed,
            },
        )

    def _result(self, entry: _InFlight) -> WorkerAnalysis:
        """Return the worker's analysis; if the worker failed, analyse the message here."""
        error = entry.future.exception()
        if error is None:
            result = entry.future.result()
        elif entry.digest is None or environment_fault(error) is not None:
            raise error
        else:
            log.warning(
                "message %s: analysis worker failed (%s), analysing it again here",
                entry.message_id,
                describe(error),
            )
            result = self._analyse(self._services.blobs.get(entry.digest), entry.received_at)
        for stage, seconds in result.seconds.items():
            self._timings.add(stage, seconds)
        return result

    def _save_finished(self) -> Counter[str]:
        ready, self._finished, self._finished_chars = self._finished, [], 0
        return self._save(ready) if ready else Counter()

    def _save(self, ready: list[_InFlight]) -> Counter[str]:
        """Save finished analyses in one transaction; if that fails, one by one."""
        analysed: list[tuple[int, WorkerAnalysis]] = []
        failed: list[tuple[int, Exception]] = []
        for entry in ready:
            try:
                analysed.append((entry.message_id, self._result(entry)))
            except Exception as error:
                if not self._is_fault(error):  # else it stays pending
                    failed.append((entry.message_id, error))
        analysed = self._settled(analysed, failed)
        outcomes: Counter[str] = Counter()
        try:
            with self._timings.stage("commit"), self._services.sessions.begin() as session:
                save_analyses(session, [(i, result.record) for i, result in analysed])
            outcomes["new"] += len(analysed)
        except Exception as error:
            if self._is_fault(error):
                analysed = []  # they stay pending
            else:
                log.debug("saving %d analyses together failed, saving one by one", len(analysed))
            for message_id, result in analysed:
                try:
                    with self._timings.stage("commit"), self._services.sessions.begin() as session:
                        save_analysis(session, message_id, result.record)
                    outcomes["new"] += 1
                except Exception as problem:
                    if not self._is_fault(problem):
                        failed.append((message_id, problem))
        for message_id, reason in failed:
            if self._mark_failed(message_id, reason):
                outcomes["failed"] += 1
        return outcomes

    def _settled(
        self, analysed: list[tuple[int, WorkerAnalysis]], failed: list[tuple[int, Exception]]
    ) -> list[tuple[int, WorkerAnalysis]]:
        """Make the attachments the workers wrote durable, on threads (their fsyncs
        overlap); return the analyses whose files all are. A message whose files
        could not be is added to ``failed`` (or, if the machine failed, stays pending)."""
        with self._timings.stage("settle_attachments"):
            errors = list(self.io.map(self._settle_all, [r.staged for _, r in analysed]))
        kept: list[tuple[int, WorkerAnalysis]] = []
        for (message_id, result), error in zip(analysed, errors, strict=True):
            if error is None:
                kept.append((message_id, result))
            elif not self._is_fault(error):
                failed.append((message_id, error))
        return kept

    def _settle_all(self, staged: tuple[Staged, ...]) -> Exception | None:
        """Settle one message's staged files; on failure drop those left, return the error."""
        for index, item in enumerate(staged):
            try:
                self._services.blobs.settle(item)
            except Exception as error:
                for left in staged[index + 1 :]:
                    Path(left.tmp).unlink(missing_ok=True)
                return error
        return None

    def _is_fault(self, error: BaseException) -> bool:
        """Whether the machine, not the message, failed; remember the first such fault."""
        fault = environment_fault(error)
        if fault is None:
            return False
        if self.fault is None:
            log.debug("analysis stopped: %s (%s)", fault.kind, fault.detail)
            self.fault = fault
        return True

    def _mark_failed(self, message_id: int, error: Exception) -> bool:
        """Mark a message whose analysis failed; False when the database would not have it."""
        log.error("message %s could not be analysed: %s", message_id, error)
        log.debug("%s", "".join(traceback.format_exception(error)))
        try:
            with self._services.sessions.begin() as session:
                mark_failed(session, message_id, f"{type(error).__name__}: {error}")
        except Exception as problem:
            if not self._is_fault(problem):
                raise
            return False
        return True


def _text_chars(future: Future[WorkerAnalysis]) -> int:
    """Return the characters of text a finished analysis holds (0 if it failed)."""
    if future.cancelled() or future.exception() is not None:
        return 0
    record = future.result().record
    return len(record.search_text) + sum(
        len(item.extraction.text) for item in record.attachments if item.extraction
    )


def analyse_stored(message_id: int, raw: bytes, received_at: datetime, services: Services) -> bool:
    """Analyse a stored message and save the result; on any failure mark it failed.

    A failure of the machine marks nothing: it raises EnvironmentFailure.
    """
    with AnalysisPipeline(services) as pipeline:
        outcomes = pipeline.submit_raw(message_id, raw, received_at) + pipeline.drain()
    if pipeline.fault is not None:
        raise EnvironmentFailure(pipeline.fault)
    return outcomes["new"] == 1


def _is_dropped(error: BaseException) -> bool:
    """Whether the connection broke (worth reconnecting), not a refusal by the server."""
    return isinstance(error, IMAPClient.AbortError | OSError)


def resume_pending(services: Services, mailbox: str | None = None) -> int:
    """Analyse messages stored raw by an earlier run that stopped before analysing them.

    A failure of the machine stops it with EnvironmentFailure; what is left stays pending.
    """
    with services.sessions() as session:
        pending = list_pending(session, mailbox)
    with AnalysisPipeline(services) as pipeline:
        for message_id, digest, received_at in pending:
            pipeline.submit(message_id, digest, received_at)
            if pipeline.fault is not None:
                break
        pipeline.drain()
    if pipeline.fault is not None:
        raise EnvironmentFailure(pipeline.fault)
    return len(pending)
