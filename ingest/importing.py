"""Register mail read from files (`cchc-inbox import`): the path polled mail takes.

Each message is stored raw first (``store_batch``, with the poll's de-duplication
by Message-ID and SHA-256), then analysed and classified by the poll's pipeline.
What IMAP would have said is read from the message itself: the receive time from
the topmost Received: header the office's own server wrote (parsers.exported).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from app.config import MailboxConfig
from ingest.faults import EnvironmentFailure
from ingest.mailfiles import Found, Kind, MailFiles, Skipped, shown
from ingest.poll import AnalysisPipeline, Services, store_batch
from parsers.exported import receive_time
from store.blobs import sha256_of
from store.models import IMPORTED_UIDVALIDITY
from store.write import FetchedMessage

log = logging.getLogger(__name__)

#: Bytes of messages held before they are stored: with ``batch_size`` this bounds
#: the memory an import takes, whatever the size of the file.
BATCH_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class ImportSummary:
    mailbox: str
    kind: Kind
    #: Messages read from the files (the skipped items are not among them).
    read: int
    new: int
    duplicates: int
    failed: int
    #: New messages without a Received: header of the office's server (to review).
    no_receive_time: int
    skipped: tuple[Skipped, ...]


def source_of(files: MailFiles) -> str:
    """Return what the register records as an imported message's source."""
    return f"import:{shown(files.path.resolve())}"[:1000]


def receiving_hosts(mailbox: MailboxConfig) -> frozenset[str]:
    """Return the host names whose Received: headers give an imported message's time."""
    hosts = set(mailbox.receiving_hosts)
    if mailbox.trusted_authserv_id:
        hosts.add(mailbox.trusted_authserv_id.lower())
    return frozenset(hosts)


def uid_of(digest: str) -> int:
    """Return the UID of an imported message: 60 bits of its SHA-256 (a BIGINT holds it)."""
    return int(digest[:15], 16)


def as_fetched(
    found: Found, mailbox: str, source: str, hosts: Collection[str], now: datetime
) -> FetchedMessage:
    """Return an imported message as the poll would have fetched it.

    Its place is the mailbox, no folder, UIDVALIDITY 0 (IMAP's is never 0) and a
    UID made from its SHA-256: the same bytes always land on the same row. Without
    a Received: header of the office's server its time is ``now``, marked unknown.
    """
    received = receive_time(found.raw, hosts)
    return FetchedMessage(
        mailbox=mailbox,
        folder="",
        uidvalidity=IMPORTED_UIDVALIDITY,
        uid=uid_of(sha256_of(found.raw)),
        raw=found.raw,
        received_at=received or now.replace(microsecond=0),
        source=source,
        receive_time_known=received is not None,
    )


def import_files(
    files: MailFiles,
    mailbox: MailboxConfig,
    services: Services,
    *,
    progress: Callable[[int], None] | None = None,
    still_held: Callable[[], bool] | None = None,
) -> ImportSummary:
    """Register every readable message of ``files`` into ``mailbox``; skip the rest.

    Each batch is committed before the next is read, so an import that was killed
    is resumed by running it again: what is stored is found by its Message-ID and
    SHA-256 and counted as a duplicate. ``progress`` is told how many items are done.
    A fault of the machine raises EnvironmentFailure; what is stored stays.
    """
    source = source_of(files)
    hosts = receiving_hosts(mailbox)
    counts: Counter[str] = Counter()
    skipped: list[Skipped] = []
    batch: list[FetchedMessage] = []
    held = 0
    read = 0

    def store(pipeline: AnalysisPipeline) -> None:
        # The UIDs of the messages without a receive time (a UID is made from the digest).
        unknown = {f.uid for f in batch if not f.receive_time_known}
        duplicates, stored = store_batch(
            batch, None, services, pipeline.timings, pipeline.io, still_held=still_held
        )
        batch.clear()
        counts.update(duplicates)
        for stored_id, digest, received_at in stored:
            counts["no_receive_time"] += uid_of(digest) in unknown
            counts.update(pipeline.submit(stored_id, digest, received_at))
        if pipeline.fault is not None:
            raise EnvironmentFailure(pipeline.fault)

    with AnalysisPipeline(services) as pipeline:
        if services.workers is not None:
            services.workers.start()
        for done, item in enumerate(files.items(), start=1):
            if isinstance(item, Skipped):
                log.info("skipped %s: %s", item.where, item.problem)
                skipped.append(item)
            else:
                read += 1
                batch.append(as_fetched(item, mailbox.name, source, hosts, services.clock()))
                held += len(item.raw)
                if len(batch) >= mailbox.batch_size or held >= BATCH_BYTES:
                    store(pipeline)
                    held = 0
            if progress is not None:
                progress(done)
        if batch:
            store(pipeline)
        counts.update(pipeline.drain())
        if pipeline.fault is not None:
            raise EnvironmentFailure(pipeline.fault)
    return ImportSummary(
        mailbox=mailbox.name,
        kind=files.kind,
        read=read,
        new=counts["new"],
        duplicates=counts["duplicates"],
        failed=counts["failed"],
        no_receive_time=counts["no_receive_time"],
        skipped=tuple(skipped),
    )
