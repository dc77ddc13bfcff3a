"""`cchc-inbox serve` as a real process against the real Dovecot."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import PASSWORD_ENV, ROOT, Register

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
