"""`cchc-inbox serve` as a real process against the real Dovecot."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.dovecot_sandbox import DovecotSandbox
from tests.e2e.conftest import PASSWORD_ENV, ROOT, Register
from tests.e2e.imap_tools import append_many, generated_message, point_config_at, set_config_value
from tests.e2e.relay import TcpRelay

pytestmark = pytest.mark.dovecot
SAMPLES = ROOT / "tests" / "data" / "mail"


def submissions(register: Register) -> int:
    rows = register.json("report", "submissions")["submissions"]
    assert isinstance(rows, list)
    return len(rows)


def wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.5)
    return False


def test_serve_polls_at_start_and_stops_cleanly_on_sigterm(
    register: Register, tmp_path: Path
) -> None:
    count = register.dovecot.seed(SAMPLES, folder=register.folder)
    log = (tmp_path / "serve.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "ingest.cli", "--config", str(register.config), "serve"],
        cwd=ROOT,
        env={**os.environ, PASSWORD_ENV: register.dovecot.password},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        assert wait_for(lambda: submissions(register) == count, 60), (
            tmp_path / "serve.log"
        ).read_text()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    output = (tmp_path / "serve.log").read_text()
    assert f"{count} thư mới" in output
    assert "worker stopped" in output


# ------------------------------------------------------- the worker as a service


class Serving:
    """A running `cchc-inbox serve` whose stderr goes to a file the test reads."""

    def __init__(self, register: Register, log_path: Path, *options: str) -> None:
        self.log_path = log_path
        self._log = log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ingest.cli",
                *options,
                "--config",
                str(register.config),
                "serve",
            ],
            cwd=ROOT,
            env={**os.environ, PASSWORD_ENV: register.dovecot.password},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def wait_for_log(self, text: str, seconds: float = 60) -> None:
        assert wait_for(lambda: text in self.log, seconds), f"no {text!r} in:\n{self.log}"

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)

    def __enter__(self) -> Serving:
        return self

    def __exit__(self, *_: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._log.close()


def set_poll_every(register: Register, every: str) -> None:
    set_config_value(register.config, 'poll_every = "5m"\n', f'poll_every = "{every}"\n')


def test_sigterm_during_a_backfill_exits_0_and_the_next_poll_completes_the_count_exactly(
    register: Register, tmp_path: Path
) -> None:
    total = 400
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(total)])
    with Serving(register, tmp_path / "serve.log") as serving:
        serving.wait_for_log("đã đọc 5/400 thư")
        assert serving.stop() == 0
        assert "SIGTERM received" in serving.log
        assert "poll interrupted by the stop request" in serving.log
        assert "worker stopped" in serving.log
    stored = submissions(register)
    assert 0 < stored < total
    poll = register.run("poll")
    assert f"{total - stored} thư mới, 0 thư trùng, 0 thư lỗi" in poll.stdout
    rows = register.json("report", "submissions")["submissions"]
    assert isinstance(rows, list) and len(rows) == total
    assert all(r["status"] is not None for r in rows)  # nothing left unanalysed


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_worker_survives_an_imap_outage_logs_it_once_and_catches_up(
    register: Register, tmp_path: Path
) -> None:
    set_poll_every(register, "10s")
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(3)])
    with TcpRelay(register.dovecot.host, register.dovecot.port) as relay:
        point_config_at(register.config, register.dovecot, relay.port)
        with Serving(register, tmp_path / "serve.log", "-v") as serving:
            serving.wait_for_log("3 thư mới")
            relay.stop()
            serving.wait_for_log("mailbox phongnv unavailable")
            serving.wait_for_log("mailbox phongnv still unavailable (attempt 3)")
            more = [generated_message(i, tag="later") for i in range(4)]
            append_many(register.dovecot, register.folder, more)
            relay.start()
            serving.wait_for_log("mailbox phongnv available again")
            serving.wait_for_log("4 thư mới")
            assert serving.stop() == 0
            log = serving.log
    assert log.count("mailbox phongnv unavailable") == 1
    assert log.count("available again") == 1
    assert "poll failed" not in log  # the per-attempt line is not repeated
    assert register.dovecot.password not in log
    assert submissions(register) == 7


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_worker_survives_a_database_outage_logs_it_once_and_catches_up(
    register: Register, tmp_path: Path
) -> None:
    set_poll_every(register, "10s")
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(2)])
    direct = register.config.read_text(encoding="utf-8")
    with TcpRelay("127.0.0.1", 5432) as relay:
        set_config_value(register.config, "@127.0.0.1:5432/", f"@127.0.0.1:{relay.port}/")
        with Serving(register, tmp_path / "serve.log", "-v") as serving:
            serving.wait_for_log("2 thư mới")
            relay.stop()
            serving.wait_for_log("database unavailable")
            serving.wait_for_log("database still unavailable (attempt 3)")
            more = [generated_message(i, tag="later") for i in range(3)]
            append_many(register.dovecot, register.folder, more)
            relay.start()
            serving.wait_for_log("database available again")
            serving.wait_for_log("3 thư mới")
            assert serving.stop() == 0
            log = serving.log
    assert log.count("database unavailable") == 1
    assert "Traceback" not in log
    register.config.write_text(direct, encoding="utf-8")
    assert submissions(register) == 5


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sighup_reloads_the_configuration(register: Register, tmp_path: Path) -> None:
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(2)])
    with Serving(register, tmp_path / "serve.log") as serving:
        serving.wait_for_log("2 thư mới")
        other = f"R{register.folder}"
        append_many(register.dovecot, other, [generated_message(i, tag="r") for i in range(3)])
        set_config_value(register.config, f'folder = "{register.folder}"', f'folder = "{other}"')
        serving.process.send_signal(signal.SIGHUP)
        serving.wait_for_log("configuration reloaded")
        serving.wait_for_log("3 thư mới")
        assert serving.stop() == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_json_logs_are_one_object_per_line(register: Register, tmp_path: Path) -> None:
    with Serving(register, tmp_path / "serve.log", "--log-format", "json") as serving:
        serving.wait_for_log("worker started")
        assert serving.stop() == 0
        lines = serving.log.splitlines()
    entries = [json.loads(line) for line in lines]
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    assert any(e["message"].startswith("worker started") for e in entries)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_missing_password_is_fatal_and_exits_2(register: Register) -> None:
    env = {k: v for k, v in os.environ.items() if k != PASSWORD_ENV}
    result = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "--config", str(register.config), "serve"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"Lỗi cấu hình: hộp thư phongnv: chưa có mật khẩu: biến môi trường {PASSWORD_ENV} "
        "chưa được đặt — đặt biến đó rồi chạy lại"
    ]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_worker_warns_when_others_can_read_the_config(
    register: Register, tmp_path: Path
) -> None:
    register.config.chmod(0o644)
    with Serving(register, tmp_path / "serve.log") as serving:
        serving.wait_for_log("worker started")
        assert serving.stop() == 0
        assert f"{register.config} có quyền 0644: người dùng khác đọc được" in serving.log


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_with_idle_new_mail_is_ingested_long_before_the_next_poll(
    register: Register, tmp_path: Path
) -> None:
    set_poll_every(register, "1h")  # only IDLE can bring the new mail in during the test
    set_config_value(register.config, "batch_size = 5\n", "batch_size = 5\nidle = true\n")
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(2)])
    with Serving(register, tmp_path / "serve.log") as serving:
        serving.wait_for_log("2 thư mới")
        serving.wait_for_log("phongnv: waiting for new mail with IMAP IDLE")
        more = [generated_message(i, tag="idle") for i in range(3)]
        append_many(register.dovecot, register.folder, more)
        assert wait_for(lambda: submissions(register) == 5, 60), serving.log
        assert serving.stop() == 0


# Dovecot 2.3's own list without IDLE: a server that never offered it.
NO_IDLE_CAPABILITIES = (
    "imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT UNSELECT CHILDREN"
    " NAMESPACE UIDPLUS LIST-EXTENDED CONDSTORE ESEARCH LIST-STATUS BINARY MOVE LITERAL+"
    " MULTIAPPEND"
)


def test_idle_on_a_server_without_idle_falls_back_to_polling(
    tmp_path: Path, dovecot_without_idle: Register
) -> None:
    register = dovecot_without_idle
    set_poll_every(register, "10s")
    set_config_value(register.config, "batch_size = 5\n", "batch_size = 5\nidle = true\n")
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(2)])
    with Serving(register, tmp_path / "serve.log") as serving:
        serving.wait_for_log("2 thư mới")
        serving.wait_for_log("the server does not support IDLE; polling every")
        more = [generated_message(i, tag="no-idle") for i in range(3)]
        append_many(register.dovecot, register.folder, more)
        assert wait_for(lambda: submissions(register) == 5, 60), serving.log
        assert serving.stop() == 0
    assert "waiting for new mail with IMAP IDLE" not in serving.log
    assert serving.log.count("does not support IDLE") == 1  # said once, not every poll


@pytest.fixture
def dovecot_without_idle(tmp_path: Path) -> Iterator[Register]:
    with DovecotSandbox(tmp_path / "imap", settings=[NO_IDLE_CAPABILITIES]) as sandbox:
        with sandbox.client() as client:
            assert not client.has_capability("IDLE")
            client.create_folder("NOIDLE")
        config = tmp_path / "config.toml"
        config.write_text(
            sandbox.inbox_config(
                database_url=f"sqlite:///{tmp_path / 'register.db'}",
                folder="NOIDLE",
                password_env=PASSWORD_ENV,
                batch_size=5,
            ),
            encoding="utf-8",
        )
        register = Register(config, "NOIDLE", sandbox)
        register.run("db", "upgrade")
        yield register


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_worker_started_before_its_database_waits_for_it(
    register: Register, tmp_path: Path
) -> None:
    set_poll_every(register, "10s")
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(2)])
    with TcpRelay("127.0.0.1", 5432) as relay:
        set_config_value(register.config, "@127.0.0.1:5432/", f"@127.0.0.1:{relay.port}/")
        relay.stop()
        with Serving(register, tmp_path / "serve.log") as serving:
            serving.wait_for_log("database unavailable")
            assert serving.process.poll() is None  # waiting, not exited
            relay.start()
            serving.wait_for_log("database available again")
            serving.wait_for_log("2 thư mới")
            assert serving.stop() == 0
            assert serving.log.index("database available again") < serving.log.index(
                "worker started"
            )
