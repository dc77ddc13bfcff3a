"""Backfill progress: a bar on a terminal, plain log lines otherwise."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest

from tests.e2e.conftest import PASSWORD_ENV, ROOT, Register
from tests.e2e.imap_tools import append_many, generated_message

pytestmark = pytest.mark.dovecot


def test_without_a_terminal_the_backfill_logs_one_line_per_batch(register: Register) -> None:
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(12)])
    result = register.run("poll")
    lines = [line for line in result.stderr.splitlines() if "đã đọc" in line]
    assert [line.rsplit(": ", 1)[1] for line in lines] == [
        "đã đọc 5/12 thư",
        "đã đọc 10/12 thư",
        "đã đọc 12/12 thư",
    ]
    assert "\r" not in result.stderr


def test_on_a_terminal_the_backfill_draws_a_progress_bar(register: Register) -> None:
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(12)])
    leader, follower = pty.openpty()
    try:
        worker = subprocess.Popen(
            [sys.executable, "-m", "ingest.cli", "--config", str(register.config), "poll"],
            cwd=ROOT,
            env={**os.environ, PASSWORD_ENV: register.dovecot.password, "TERM": "xterm"},
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
        )
        os.close(follower)
        stdout, _ = worker.communicate(timeout=120)
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(leader)
    assert worker.returncode == 0
    assert "12 thư mới" in stdout
    screen = drawn.decode("utf-8", "replace")
    assert "Hộp thư phongnv" in screen and "100%" in screen
    assert "đã đọc" not in screen
