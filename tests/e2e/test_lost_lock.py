"""A poller whose PostgreSQL lock connection is killed stops that mailbox cleanly."""

from __future__ import annotations

import re
import time
from pathlib import Path

import psycopg
import pytest

from store.db import make_engine, make_session_factory
from store.read import list_submissions
from tests.e2e.conftest import Register
from tests.e2e.imap_tools import append_many, generated_message, set_config_value

pytestmark = [
    pytest.mark.dovecot,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]
TOTAL = 300


def advisory_lock_holders(database_url: str) -> list[int]:
    """PIDs of the server connections that hold an advisory lock in this database."""
    url = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
            " WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()"
        ).fetchall()
    return [int(pid) for (pid,) in rows]


def terminate(database_url: str, pid: int) -> None:
    url = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_a_poller_that_loses_its_lock_stops_that_mailbox_reports_it_and_the_next_poll_goes_on(
    register: Register, database_url: str, tmp_path: Path
) -> None:
    set_config_value(register.config, "batch_size = 5\n", "batch_size = 10\n")
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(TOTAL)])
    log = tmp_path / "first.log"
    with log.open("w") as out:
        first = register.spawn("poll", output=out)
        try:
            deadline = time.monotonic() + 60
            while not re.search(r"đã đọc [2-9]\d/", log.read_text()):
                assert first.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.02)
            [holder] = advisory_lock_holders(database_url)
            terminate(database_url, holder)
            second = register.run("poll", check=False)
            assert first.wait(timeout=120) == 1, log.read_text()
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
    output = log.read_text()
    assert "Traceback" not in output, output
    assert "MẤT KHÓA" in output, output  # the summary says why it stopped
    assert "lost its lock" in output  # and so does the log
    assert "Traceback" not in second.stdout + second.stderr
    # The next poll finds whatever neither stored, and nothing is stored twice.
    after = register.run("poll")
    assert "0 thư trùng, 0 thư lỗi" in after.stdout
    with make_session_factory(make_engine(database_url))() as session:
        uids = [row.uid for row in list_submissions(session)]
    assert sorted(uids) == list(range(1, TOTAL + 1))
