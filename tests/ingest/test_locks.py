"""The per-mailbox lock on both backends: a second holder is refused at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from ingest.locks import lock_key, mailbox_lock
from store.db import make_engine, make_session_factory, upgrade_schema
from store.write import load_mailbox_state


def test_the_lock_key_is_stable_and_tells_mailboxes_and_folders_apart() -> None:
    assert lock_key("phongnv", "INBOX") == lock_key("phongnv", "INBOX")
    keys = {lock_key("phongnv", "INBOX"), lock_key("phongnv", "Sent"), lock_key("vp", "INBOX")}
    assert len(keys) == 3
    assert all(-(2**63) <= k < 2**63 for k in keys)


def test_a_held_mailbox_lock_refuses_a_second_holder_until_released(database_url: str) -> None:
    sessions = make_session_factory(make_engine(database_url))
    other = make_session_factory(make_engine(database_url))  # as another process would
    with mailbox_lock(database_url, sessions, "phongnv", "INBOX") as first:
        assert first
        with mailbox_lock(database_url, other, "phongnv", "INBOX") as second:
            assert not second
        with mailbox_lock(database_url, other, "phongnv", "Archive") as elsewhere:
            assert elsewhere
    with mailbox_lock(database_url, other, "phongnv", "INBOX") as after:
        assert after


def test_a_long_running_worker_can_take_and_release_the_lock_poll_after_poll(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    upgrade_schema(engine)
    worker = make_session_factory(engine)
    other = make_session_factory(make_engine(database_url))
    for _ in range(3):
        with mailbox_lock(database_url, worker, "phongnv", "INBOX") as held:
            assert held
            with worker.begin() as session:  # the poll's own transactions meanwhile
                load_mailbox_state(session, "phongnv", "INBOX")
        with mailbox_lock(database_url, other, "phongnv", "INBOX") as free:
            assert free


@pytest.mark.parametrize("folder", ["INBOX", "Hộp thư/Đã gửi"])
def test_the_sqlite_lock_file_sits_beside_the_database(tmp_path: Path, folder: str) -> None:
    url = f"sqlite:///{tmp_path / 'register.db'}"
    sessions = make_session_factory(make_engine(url))
    with mailbox_lock(url, sessions, "phongnv", folder) as held:
        assert held
        locks = list(tmp_path.glob("register.db.phongnv.*.lock"))
    assert len(locks) == 1


def test_a_lock_whose_database_connection_is_terminated_is_no_longer_held(
    database_url: str,
) -> None:
    sessions = make_session_factory(make_engine(database_url))
    other = make_session_factory(make_engine(database_url))
    with mailbox_lock(database_url, sessions, "phongnv", "INBOX") as lock:
        assert lock.still_held()
        if database_url.startswith("sqlite"):
            return  # a file lock is this process's until it lets go: nothing can end it
        with other() as session:
            session.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks"
                    " WHERE locktype = 'advisory' AND database = ("
                    "  SELECT oid FROM pg_database WHERE datname = current_database())"
                )
            )
        assert not lock.still_held()
        with mailbox_lock(database_url, other, "phongnv", "INBOX") as second:
            assert second  # another poller can take it now: the first must stop
    # Leaving the block on the dead connection raised nothing.
