"""Dropped connections and a dying server session: reported, retried, no gap, no double."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from scripts.dovecot_sandbox import DovecotSandbox
from store.db import make_engine, make_session_factory
from store.read import list_submissions
from tests.e2e.conftest import Register
from tests.e2e.imap_tools import (
    ImapRelay,
    append_many,
    generated_message,
    point_config_at,
    set_config_value,
)

pytestmark = pytest.mark.dovecot
TOTAL = 60


def stored_uids(database_url: str) -> list[int]:
    with make_session_factory(make_engine(database_url))() as session:
        return [r.uid for r in list_submissions(session)]


def test_a_connection_dropped_mid_poll_is_reopened_and_the_poll_completes(
    register: Register, database_url: str
) -> None:
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(TOTAL)])
    with ImapRelay(register.dovecot) as relay:
        point_config_at(register.config, register.dovecot, relay.port)
        relay.cut_after[0] = 12_000
        result = register.run("poll")
        assert len(relay.connections) == 2
    assert f"{TOTAL} thư mới, 0 thư trùng, 0 thư lỗi" in result.stdout
    assert "connection lost" in result.stderr
    uids = stored_uids(database_url)
    assert len(uids) == len(set(uids)) == TOTAL


def test_a_connection_that_keeps_dropping_fails_the_poll_and_the_next_poll_fills_the_gap(
    register: Register, database_url: str
) -> None:
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(TOTAL)])
    with ImapRelay(register.dovecot) as relay:
        point_config_at(register.config, register.dovecot, relay.port)
        relay.cut_after.update({0: 8_000, 1: 8_000})
        failed = register.run("poll", check=False)
        assert failed.returncode == 1
        assert "KHÔNG ĐỌC ĐƯỢC HỘP THƯ" in failed.stdout
        partial = len(stored_uids(database_url))
        assert 0 < partial < TOTAL
        assert "Lỗi lần cuối" in register.run("status", check=False).stdout

        filled = register.run("poll")
    assert f"{TOTAL - partial} thư mới, 0 thư trùng, 0 thư lỗi" in filled.stdout
    uids = stored_uids(database_url)
    assert len(uids) == len(set(uids)) == TOTAL


def imap_sessions(dovecot: DovecotSandbox) -> list[int]:
    """PIDs of the Dovecot processes serving IMAP sessions of this sandbox."""
    master = int(dovecot.pid_path.read_text().strip())
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rpartition(")")[2].split()[1])
            title = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == master and title.startswith(b"dovecot/imap ["):
            pids.append(int(stat.parent.name))
    return pids


def test_the_server_session_dying_mid_backfill_loses_and_doubles_nothing(
    register: Register, database_url: str, tmp_path: Path
) -> None:
    total = 300
    set_config_value(register.config, "batch_size = 5\n", "batch_size = 10\n")
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(total)])
    log = tmp_path / "poll.log"
    with log.open("w") as out:
        worker = register.spawn("poll", output=out)
        try:
            deadline = time.monotonic() + 60
            while not re.search(r"đã đọc [5-9]\d/", log.read_text()):
                assert worker.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.02)
            killed = imap_sessions(register.dovecot)
            assert killed
            for pid in killed:
                os.kill(pid, signal.SIGKILL)
            assert worker.wait(timeout=120) == 0, log.read_text()
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    output = log.read_text()
    assert "connection lost" in output
    assert f"{total} thư mới, 0 thư trùng, 0 thư lỗi" in output
    uids = stored_uids(database_url)
    assert len(uids) == len(set(uids)) == total


def greets(dovecot: DovecotSandbox) -> bool:
    try:
        with socket.create_connection((dovecot.host, dovecot.port), timeout=1) as sock:
            return sock.recv(64).startswith(b"* OK")
    except OSError:
        return False


def wait_until_closed(dovecot: DovecotSandbox) -> None:
    deadline = time.monotonic() + 15
    while greets(dovecot):
        assert time.monotonic() < deadline, "Dovecot still answers after being killed"
        time.sleep(0.05)
    # A killed master may linger as a zombie that Dovecot would take for alive.
    dovecot.pid_path.unlink(missing_ok=True)


def relaunch(dovecot: DovecotSandbox) -> None:
    """Start the stopped Dovecot again on its existing config and mail (start() wipes)."""
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    subprocess.run(
        [binary, "-c", str(dovecot.config_path)], check=True, env={**os.environ, "TZ": dovecot.tz}
    )
    deadline = time.monotonic() + 10
    while not greets(dovecot):
        assert time.monotonic() < deadline, dovecot.log_tail()
        time.sleep(0.05)


def test_dovecot_going_down_mid_backfill_fails_the_poll_and_after_restart_the_next_poll_fills_the_gap(
    register: Register, database_url: str, tmp_path: Path
) -> None:
    total = 300
    with DovecotSandbox(tmp_path / "own-dovecot") as dovecot:
        append_many(dovecot, register.folder, [generated_message(i) for i in range(total)])
        point_config_at(register.config, register.dovecot, dovecot.port)
        set_config_value(register.config, "batch_size = 5\n", "batch_size = 10\n")
        log = tmp_path / "poll.log"
        with log.open("w") as out:
            worker = register.spawn("poll", output=out, password=dovecot.password)
            try:
                deadline = time.monotonic() + 60
                while not re.search(r"đã đọc [5-9]\d/", log.read_text()):
                    assert worker.poll() is None and time.monotonic() < deadline, log.read_text()
                    time.sleep(0.02)
                # The server goes down at once, the master and every session with it.
                master = int(dovecot.pid_path.read_text().strip())
                for pid in [master, *imap_sessions(dovecot)]:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                wait_until_closed(dovecot)
                assert worker.wait(timeout=120) == 1, log.read_text()
            finally:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait()
        assert "KHÔNG ĐỌC ĐƯỢC HỘP THƯ" in log.read_text()
        partial = len(stored_uids(database_url))
        assert 0 < partial < total

        relaunch(dovecot)
        filled = register.run("poll", password=dovecot.password)
        assert f"{total - partial} thư mới, 0 thư trùng, 0 thư lỗi" in filled.stdout
    uids = stored_uids(database_url)
    assert len(uids) == len(set(uids)) == total
