"""Two pollers on the same register and mailbox: one works, the other skips."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ingest.locks import mailbox_lock
from store.db import make_engine, make_session_factory
from store.read import list_submissions
from tests.e2e.conftest import PASSWORD_ENV, ROOT, Register
from tests.e2e.imap_tools import append_many, generated_message

pytestmark = pytest.mark.dovecot
SKIPPING = "một tiến trình khác đang đọc hộp thư này, bỏ qua lần này"


def test_a_poll_skips_a_mailbox_whose_lock_another_poller_holds(
    register: Register, database_url: str
) -> None:
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(5)])
    sessions = make_session_factory(make_engine(database_url))
    with mailbox_lock(database_url, sessions, "phongnv", register.folder) as held:
        assert held
        skipped = register.run("poll")
    assert SKIPPING in skipped.stdout
    assert skipped.returncode == 0
    with sessions() as session:
        assert list_submissions(session) == []
    assert "5 thư mới" in register.run("poll").stdout


def test_two_pollers_started_together_store_every_message_once(
    register: Register, database_url: str
) -> None:
    total = 200
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(total)])
    command = [sys.executable, "-m", "ingest.cli", "--config", str(register.config), "poll"]
    env = {**os.environ, PASSWORD_ENV: register.dovecot.password}
    workers = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [w.communicate(timeout=300)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    # Either the second found the lock taken, or it came after the first had finished.
    assert sorted(
        "skip"
        if SKIPPING in out
        else "new"
        if f"{total} thư mới" in out
        else "idle"
        if "0 thư mới, 0 thư trùng" in out
        else out
        for out in outputs
    ) in (["new", "skip"], ["idle", "new"])
    sessions = make_session_factory(make_engine(database_url))
    with sessions() as session:
        rows = list_submissions(session)
    assert len(rows) == total
    assert len({r.uid for r in rows}) == total
