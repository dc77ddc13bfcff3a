"""A province's deployment: 100 mailboxes shared by 3 `serve` workers on one PostgreSQL.

Each worker polls every mailbox it can lock (a PostgreSQL advisory lock per
mailbox folder, ingest/locks.py): every message is stored exactly once, and when
a worker is killed the others take its mailboxes within one poll interval.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from store.db import make_engine
from store.models import Message
from tests.e2e.conftest import PASSWORD_ENV, Register
from tests.e2e.imap_tools import append_many, generated_message

pytestmark = pytest.mark.dovecot

MAILBOXES = 100
WORKERS = 3
INTERVAL = 10  # seconds: [schedule] poll_every, its smallest value


def many_mailboxes(register: Register, folders: list[str]) -> None:
    """Rewrite the register's config to poll ``folders``, one [[mailboxes]] table each."""
    text = register.config.read_text(encoding="utf-8")
    head, rest = text.split("[[mailboxes]]\n", 1)
    tail = rest[rest.index("[campaign]") :]
    tables = "".join(
        f"""[[mailboxes]]
name = "hop-thu-{i:03d}"
host = "{register.dovecot.host}"
port = {register.dovecot.port}
security = "none"
username = "{register.dovecot.user}"
password_env = "{PASSWORD_ENV}"
folder = "{folder}"

"""
        for i, folder in enumerate(folders)
    )
    tail = tail.replace('poll_every = "5m"', f'poll_every = "{INTERVAL}s"')
    register.config.write_text(head + tables + tail, encoding="utf-8")


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


@pytest.fixture
def workers(register: Register, tmp_path: Path) -> Iterator[list[subprocess.Popen[str]]]:
    """Start the workers; at the end, stop those alive with SIGTERM: they exit 0."""
    started: list[subprocess.Popen[str]] = []
    logs = []
    try:
        for n in range(WORKERS):
            log = (tmp_path / f"worker-{n}.log").open("w", encoding="utf-8")
            logs.append(log)
            started.append(register.spawn("serve", output=log))
        yield started
    finally:
        for worker in started:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        codes = [w.wait(timeout=60) for w in started]
        for log in logs:
            log.close()
        survivors = [c for c in codes if c != -signal.SIGKILL]
        assert survivors == [0] * len(survivors), [p.read_text() for p in tmp_path.glob("worker-*")]


def kill_host(worker: subprocess.Popen[str]) -> None:
    """Kill a worker and its reading processes at once, as a host that goes down."""
    pids, todo = [], [worker.pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo.extend(int(c) for c in task.read_text().split())
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    worker.wait(timeout=30)


def test_three_workers_store_each_message_of_100_mailboxes_once_and_take_over_a_killed_one(
    register: Register, database_url: str, request: pytest.FixtureRequest
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several hosts share the mailboxes through PostgreSQL's advisory locks")
    tag = uuid.uuid4().hex[:8]
    folders = [f"M{tag}-{i:03d}" for i in range(MAILBOXES)]
    for i, folder in enumerate(folders):
        append_many(register.dovecot, folder, [generated_message(2 * i + k, tag) for k in (0, 1)])
    many_mailboxes(register, folders)
    engine = make_engine(database_url)

    def stored() -> tuple[int, int]:
        with engine.connect() as connection:
            total = connection.scalar(select(func.count()).select_from(Message)) or 0
            distinct = (
                connection.scalar(select(func.count(func.distinct(Message.rfc_message_id)))) or 0
            )
        return total, distinct

    pool = request.getfixturevalue("workers")
    try:
        assert wait_for(lambda: stored()[0] >= 2 * MAILBOXES, 180), stored()
        assert stored() == (2 * MAILBOXES, 2 * MAILBOXES)  # each message once

        kill_host(pool[0])
        for i, folder in enumerate(folders):
            append_many(register.dovecot, folder, [generated_message(1000 + i, tag)])
        killed_at = time.monotonic()
        # The killed worker's locks went with its connections: the two others poll its
        # mailboxes at their next interval (and a little time for 100 mailboxes).
        assert wait_for(lambda: stored()[0] >= 3 * MAILBOXES, 4 * INTERVAL + 60), stored()
        taken_over = time.monotonic() - killed_at
        assert stored() == (3 * MAILBOXES, 3 * MAILBOXES)
        print(f"100 mailboxes, {WORKERS} workers: the new mail was in after {taken_over:.1f} s")
    finally:
        engine.dispose()
