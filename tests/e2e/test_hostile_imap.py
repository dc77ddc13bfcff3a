"""A slow or hostile IMAP server: every command has a deadline, SIGTERM stays prompt.

The server is the real Dovecot behind a relay that passes its answers on one
byte at a time (tests/e2e/relay.py): the socket timeout between bytes never
fires, only a total deadline per command can end the wait.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import Register
from tests.e2e.imap_tools import append_many, generated_message, point_config_at, set_config_value
from tests.e2e.relay import TcpRelay
from tests.e2e.test_worker import Serving

pytestmark = [
    pytest.mark.dovecot,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]
#: Well under the one-second socket timeout the tests configure: it never fires.
DRIP = 0.3
#: How long a test waits for a process that should end on its own before calling it hung.
HUNG = 120


def set_timeout(register: Register, seconds: int) -> None:
    set_config_value(
        register.config, "batch_size = 5\n", f"batch_size = 5\ntimeout_seconds = {seconds}\n"
    )


def test_a_server_that_drips_its_answers_fails_the_poll_in_one_line_and_the_next_poll_goes_on(
    register: Register, tmp_path: Path
) -> None:
    set_timeout(register, 1)
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(3)])
    with TcpRelay(register.dovecot.host, register.dovecot.port, drip_seconds=DRIP) as relay:
        point_config_at(register.config, register.dovecot, relay.port)
        log = tmp_path / "poll.log"
        with log.open("w") as out:
            poll = register.spawn("poll", output=out)
            try:
                code = poll.wait(timeout=HUNG)
            finally:
                if poll.poll() is None:
                    poll.kill()
                    poll.wait()
        output = log.read_text()
        assert code == 1, output
        assert "Traceback" not in output
        [summary] = [line for line in output.splitlines() if line.startswith("Hộp thư phongnv")]
        assert "KHÔNG ĐỌC ĐƯỢC HỘP THƯ: máy chủ IMAP trả lời quá chậm" in summary, output
        assert relay.delivered > 0  # it really was talking to the dripping server

        relay.drip_seconds = None  # the server is well again
        healed = register.run("poll")
    assert "3 thư mới, 0 thư trùng, 0 thư lỗi" in healed.stdout


def test_sigterm_stops_serve_promptly_while_a_dripping_server_holds_a_command(
    register: Register, tmp_path: Path
) -> None:
    set_timeout(register, 60)  # the deadline is minutes away: only SIGTERM can end this wait
    with TcpRelay(register.dovecot.host, register.dovecot.port, drip_seconds=DRIP) as relay:
        point_config_at(register.config, register.dovecot, relay.port)
        with Serving(register, tmp_path / "serve.log") as serving:
            serving.wait_for_log("worker started")
            deadline = time.monotonic() + HUNG
            while relay.delivered < 5:  # the greeting is on its way, byte by byte
                assert time.monotonic() < deadline, serving.log
                time.sleep(0.1)
            started = time.monotonic()
            serving.process.send_signal(signal.SIGTERM)
            code = serving.process.wait(timeout=HUNG)
            print(f"serve stopped {time.monotonic() - started:.1f} s after SIGTERM")
            log = serving.log
    assert code == 0, log
    assert "SIGTERM received" in log
    assert "worker stopped" in log
    assert "Traceback" not in log
