"""Storing a fetched batch raw: byte-bounded fetch batches and one row per distinct message."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from ingest.imap import byte_bounded
from ingest.poll import Services, store_batch
from parsers.analysis import Rules
from parsers.campaign import Campaign
from store.blobs import BlobStore
from store.db import SessionFactory
from store.models import MailboxState, Message
from store.write import FetchedMessage, load_mailbox_state

RECEIVED = datetime(2024, 6, 20, 13, 30, tzinfo=timezone(timedelta(hours=7)))
CAMPAIGN = Campaign("CCHC 2024", date(2024, 5, 15), date(2024, 6, 25), "Asia/Ho_Chi_Minh")


def test_batches_stay_under_the_byte_cap_in_order() -> None:
    sizes = {1: 40, 2: 50, 3: 30, 4: 90, 5: 5}
    assert list(byte_bounded([1, 2, 3, 4, 5], sizes, 100)) == [[1, 2], [3], [4, 5]]


def test_a_message_over_the_byte_cap_is_fetched_alone() -> None:
    sizes = {1: 10, 2: 500, 3: 10}
    assert list(byte_bounded([1, 2, 3], sizes, 100)) == [[1], [2], [3]]


def test_a_message_without_a_size_still_gets_a_batch() -> None:
    assert list(byte_bounded([7, 8], {}, 100)) == [[7, 8]]


def mail(number: int, body: str = "Nội dung") -> bytes:
    return (
        f"From: a@example.vn\r\nMessage-ID: <m{number}@example.vn>\r\n"
        f"Subject: thư {number}\r\n\r\n{body}\r\n"
    ).encode()


def test_a_batch_is_stored_raw_once_per_distinct_message(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    services = Services(
        sessions,
        BlobStore(tmp_path / "blobs"),
        Rules((CAMPAIGN,), {}, frozenset()),
        lambda: datetime(2024, 6, 21, tzinfo=UTC),
    )
    with sessions.begin() as session:
        state_id = load_mailbox_state(session, "phongnv", "INBOX").id

    def fetched(uid: int, raw: bytes) -> FetchedMessage:
        return FetchedMessage("phongnv", "INBOX", 7, uid, raw, RECEIVED)

    first, stored = store_batch([fetched(1, mail(1)), fetched(2, mail(2))], state_id, services)
    # Again: the same UID, a copy of a stored message, and a new one appended twice.
    again, new = store_batch(
        [fetched(2, mail(2)), fetched(3, mail(1)), fetched(5, mail(5)), fetched(6, mail(5))],
        state_id,
        services,
    )
    assert first == Counter() and len(stored) == 2
    assert again == Counter(duplicates=3)
    assert [digest for _, digest, _ in new] == [services.blobs.put(mail(5))]
    with sessions() as session:
        uids = sorted(m.uid for m in session.query(Message))
        assert uids == [1, 2, 5]
        assert session.get_one(MailboxState, state_id).last_uid == 6
    assert all(services.blobs.path_of(digest).exists() for _, digest, _ in stored + new)
