"""Incremental polling: what the poller says to the server, observed on the wire."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.conftest import Register
from tests.e2e.imap_tools import (
    BASE_TIME,
    ImapRelay,
    append_many,
    generated_message,
    point_config_at,
    set_config_value,
)

pytestmark = pytest.mark.dovecot

# Logging in may be preceded by CAPABILITY, depending on the greeting.
SESSION = {"CAPABILITY", "LOGIN", "LOGOUT"}


def commands_of_one_poll(register: Register, relay: ImapRelay) -> list[str]:
    before = len(relay.connections)
    register.run("poll")
    assert len(relay.connections) == before + 1, "one poll, one connection"
    return relay.connections[-1].commands


def test_a_poll_with_no_new_mail_sends_only_status_even_on_thousands_of_messages(
    register: Register,
) -> None:
    set_config_value(register.config, "batch_size = 5\n", "batch_size = 100\n")
    with ImapRelay(register.dovecot) as relay:
        point_config_at(register.config, register.dovecot, relay.port)
        seen = []
        for already, total in ((0, 5), (5, 2000)):
            batch = [generated_message(i) for i in range(already, total)]
            append_many(register.dovecot, register.folder, batch)
            fetching = commands_of_one_poll(register, relay)
            # Per batch of 100: one FETCH of the sizes, one of the messages.
            assert fetching.count("UID FETCH") == 2 * -(-len(batch) // 100)
            idle = commands_of_one_poll(register, relay)
            assert set(idle) - SESSION == {"STATUS"}, idle
            seen.append([c for c in idle if c != "CAPABILITY"])
        assert seen[0] == seen[1] == ["LOGIN", "STATUS", "LOGOUT"]
    rows = register.json("report", "submissions")["submissions"]
    assert len({r["message_id"] for r in rows}) == len(rows) == 2000  # type: ignore[index, union-attr]


def test_uid_range_beyond_the_last_message_does_not_refetch_the_last_one(
    register: Register,
) -> None:
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(3)])
    assert "3 thư mới" in register.run("poll").stdout
    # UIDNEXT moves on but the new message is gone: "UID 4:*" still matches UID 3.
    append_many(register.dovecot, register.folder, [generated_message(99)])
    with register.dovecot.client() as client:
        client.select_folder(register.folder)
        client.delete_messages(client.search([b"HEADER", b"Message-ID", b"gen-99@test.cchc"]))
        client.expunge()
    with ImapRelay(register.dovecot) as relay:
        point_config_at(register.config, register.dovecot, relay.port)
        searching = commands_of_one_poll(register, relay)
        assert "UID SEARCH" in searching and "UID FETCH" not in searching, searching
        assert "0 thư mới, 0 thư trùng, 0 thư lỗi" in register.run("poll").stdout
        # The gap is remembered: the next poll is back to a single STATUS.
        assert set(commands_of_one_poll(register, relay)) - SESSION == {"STATUS"}
    assert len(register.json("report", "submissions")["submissions"]) == 3  # type: ignore[arg-type]


def test_messages_expunged_by_another_client_between_polls_leave_the_rest_exact(
    register: Register,
) -> None:
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(6)])
    with register.dovecot.client() as client:
        client.select_folder(register.folder)
        client.delete_messages(client.search([b"HEADER", b"Message-ID", b"gen-1@test.cchc"]))
        client.expunge()
    assert "5 thư mới, 0 thư trùng" in register.run("poll").stdout
    with register.dovecot.client() as client:
        client.select_folder(register.folder)
        client.delete_messages(client.search([b"HEADER", b"Message-ID", b"gen-2@test.cchc"]))
        client.expunge()
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(6, 9)])
    assert "3 thư mới, 0 thư trùng, 0 thư lỗi" in register.run("poll").stdout
    rows = register.json("report", "submissions")["submissions"]
    ids = sorted(r["message_id"] for r in rows)  # type: ignore[union-attr, index]
    # The register keeps what it stored even after the mailbox lost it.
    assert ids == sorted(f"<gen-{i}@test.cchc>" for i in (0, 2, 3, 4, 5, 6, 7, 8))


def test_since_limits_the_backfill_to_mail_received_from_that_day(register: Register) -> None:
    # One message a day from 2024-05-20 (server time); --since 2024-05-25 keeps five.
    for day in range(10):
        append_many(
            register.dovecot,
            register.folder,
            [generated_message(day)],
            start=BASE_TIME + timedelta(days=day),
        )
    assert "5 thư mới" in register.run("poll", "--since", "2024-05-25").stdout
    assert "0 thư mới" in register.run("poll").stdout
    rows = register.json("report", "submissions")["submissions"]
    assert sorted(r["message_id"] for r in rows) == sorted(  # type: ignore[union-attr, index]
        f"<gen-{d}@test.cchc>" for d in range(5, 10)
    )
