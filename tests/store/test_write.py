from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from store.db import (
    SchemaOutdated,
    make_engine,
    require_current_schema,
    upgrade_schema,
)
from store.models import Message
from store.write import FetchedMessage, find_stored, load_mailbox_state, record_raw_message

ICT = timezone(timedelta(hours=7))
NOW = datetime(2024, 6, 1, 2, 0, tzinfo=UTC)


def fetched(
    uid: int, raw: bytes = b"Subject: x\r\n\r\nbody", uidvalidity: int = 7
) -> FetchedMessage:
    return FetchedMessage(
        "phongnv", "INBOX", uidvalidity, uid, raw, datetime(2024, 6, 1, 9, 0, tzinfo=ICT)
    )


def test_a_fresh_database_is_refused_until_upgraded(database_url: str) -> None:
    engine = make_engine(database_url)
    with pytest.raises(SchemaOutdated, match="cchc-inbox db upgrade"):
        require_current_schema(engine)
    upgrade_schema(engine)
    require_current_schema(engine)
    upgrade_schema(engine)  # a second upgrade is a no-op
    engine.dispose()


def test_receive_times_come_back_timezone_aware_and_equal(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        record_raw_message(session, fetched(1), "<a@x>", "0" * 64, NOW)
    with sessions() as session:
        message = session.query(Message).one()
    assert message.received_at == datetime(2024, 6, 1, 2, 0, tzinfo=UTC)
    assert message.received_at.tzinfo is not None


def test_the_same_location_is_found_again(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        stored = record_raw_message(session, fetched(5), "<a@x>", "a" * 64, NOW).id
    with sessions() as session:
        assert find_stored(session, fetched(5), "<a@x>", "a" * 64) == stored


def test_the_same_message_id_and_bytes_under_a_new_uidvalidity_is_a_duplicate(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        stored = record_raw_message(session, fetched(5), "<a@x>", "a" * 64, NOW).id
    with sessions() as session:
        assert find_stored(session, fetched(1, uidvalidity=99), "<a@x>", "a" * 64) == stored


def test_a_reused_message_id_with_other_bytes_is_a_new_message(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        record_raw_message(session, fetched(5), "<a@x>", "a" * 64, NOW)
    with sessions() as session:
        assert find_stored(session, fetched(6), "<a@x>", "b" * 64) is None


def test_progress_is_kept_per_mailbox_and_folder(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        first = load_mailbox_state(session, "phongnv", "INBOX")
        first.last_uid = 42
    with sessions.begin() as session:
        again = load_mailbox_state(session, "phongnv", "INBOX")
        other = load_mailbox_state(session, "phongnv", "Archive")
        assert (again.id, again.last_uid) == (first.id, 42)
        assert other.id != first.id
