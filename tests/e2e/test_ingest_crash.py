"""kill -9 during a large backfill loses nothing and stores nothing twice."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest

from store.db import make_engine, make_session_factory
from store.read import list_mailboxes, list_pending, list_submissions
from tests.e2e.conftest import Register
from tests.e2e.imap_tools import append_many, generated_message, set_config_value

pytestmark = pytest.mark.dovecot

TOTAL = 400
# Kill once before anything is fetched, then three times further into the
# backfill: each run is killed once it has fetched that many more messages (read
# from the progress lines the poll logs), wherever it then is in the next batch.
KILL_AT = (0, 60, 110, 90)
PROGRESS = re.compile(r"đã đọc (\d+)/(\d+) thư")


def poll_until_killed(register: Register, log: Path, at: int) -> bool:
    """Start `poll`, SIGKILL it once it has fetched ``at`` messages; False if it finished."""
    with log.open("w") as out:
        worker = register.spawn("poll", output=out)
        try:
            deadline = time.monotonic() + 120
            while worker.poll() is None and time.monotonic() < deadline:
                done = [int(m.group(1)) for m in PROGRESS.finditer(log.read_text())]
                if (done[-1] if done else 0) >= at:
                    os.kill(worker.pid, signal.SIGKILL)
                    worker.wait()
                    return True
                time.sleep(0.02)
            return False
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()


def test_kill_9_at_several_points_of_a_backfill_stores_every_message_exactly_once(
    register: Register, database_url: str, tmp_path: Path
) -> None:
    set_config_value(register.config, "batch_size = 5\n", "batch_size = 10\n")
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(TOTAL)])
    kills = 0
    for at in KILL_AT:
        kills += poll_until_killed(register, tmp_path / f"poll-{at}.log", at)
    assert kills == len(KILL_AT), "a poll finished before it could be killed"

    register.run("poll")
    again = register.run("poll")
    assert "0 thư mới, 0 thư trùng, 0 thư lỗi" in again.stdout

    sessions = make_session_factory(make_engine(database_url))
    with sessions() as session:
        rows = list_submissions(session)
        pending = list_pending(session)
        (state,) = list_mailboxes(session)
    assert len(rows) == TOTAL
    assert len({r.uid for r in rows}) == TOTAL
    assert {r.message_id for r in rows} == {f"<gen-{i}@test.cchc>" for i in range(TOTAL)}
    assert pending == []
    assert all(r.parse_status == "ok" for r in rows)
    assert state.last_uid == max(r.uid for r in rows)
