"""Faults of the environment end a command with one Vietnamese line, never a traceback."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import Register
from tests.e2e.imap_tools import append_many, generated_message
from tests.e2e.test_digest import configure_mail
from tests.smtp_sandbox import SmtpSandbox, smtp_server

__all__ = ["smtp_server"]
pytestmark = [
    pytest.mark.dovecot,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]
#: The race is lost in a few percent of tries: enough tries that the old code lost one.
TRIALS = 20
RACERS = 3


def database_file(register: Register) -> Path:
    text = register.config.read_text(encoding="utf-8")
    url = next(line for line in text.splitlines() if line.startswith("url = "))
    return Path(url.split('"')[1].removeprefix("sqlite:///"))


def test_digest_sends_for_the_same_date_at_once_all_end_cleanly_and_the_mail_goes_once(
    register: Register, smtp_server: SmtpSandbox, tmp_path: Path
) -> None:
    configure_mail(register, smtp_server, receipts=False)
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(2)])
    register.run("poll")
    for trial in range(TRIALS):
        day = (date(2024, 6, 1) + timedelta(days=trial)).isoformat()
        racers = [register.spawn_piped("digest", "--date", day, "--send") for _ in range(RACERS)]
        results = [(racer.communicate(timeout=120), racer.returncode) for racer in racers]
        for (out, err), code in results:
            assert "Traceback" not in out + err, err
            assert code == 0, err
    digests = [m for m in smtp_server.received if "Báo cáo" in str(m.message["Subject"])]
    assert len(digests) == TRIALS, [m.message["Subject"] for m in smtp_server.received]


def test_a_database_locked_past_the_busy_timeout_ends_poll_and_review_in_one_line(
    register: Register,
) -> None:
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(3)])
    register.run("poll")
    more = [generated_message(i, tag="later") for i in range(2)]
    append_many(register.dovecot, register.folder, more)
    holder = sqlite3.connect(database_file(register), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process writing, and never done
        poll = register.spawn_piped("-v", "poll")
        ignore = register.spawn_piped("review", "ignore", "1")
        (poll_out, poll_err), (ignore_out, ignore_err) = (
            poll.communicate(timeout=300),
            ignore.communicate(timeout=300),
        )
    finally:
        holder.rollback()
        holder.close()
    assert "Traceback" not in poll_out + poll_err + ignore_out + ignore_err, poll_err + ignore_err
    assert poll.returncode == 1
    [summary] = poll_out.splitlines()
    assert "KHÔNG ĐỌC ĐƯỢC HỘP THƯ: cơ sở dữ liệu đang bị tiến trình khác khóa" in summary
    assert "database is locked" in poll_err  # the technical detail, at -v
    assert ignore.returncode == 1
    [line] = ignore_err.splitlines()
    assert line.startswith("Lỗi cơ sở dữ liệu: cơ sở dữ liệu đang bị tiến trình khác khóa"), line
    assert "2 thư mới, 0 thư trùng, 0 thư lỗi" in register.run("poll").stdout
