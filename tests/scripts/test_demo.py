"""`scripts/demo` prints what a newcomer needs, and the commands it suggests work."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO_PORT = 10143  # demo/config.toml


def _port_is_free() -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", DEMO_PORT)) != 0


# The demo's Dovecot listens on its fixed port: a demo someone left running owns it.
pytestmark = [
    pytest.mark.dovecot,
    pytest.mark.skipif(not _port_is_free(), reason="a demo Dovecot already runs on 10143"),
]


def run_demo(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REPO / "scripts" / "demo")],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )


def suggested(output: str, marker: str) -> list[str]:
    [line] = [line.strip() for line in output.splitlines() if marker in line]
    return shlex.split(line)


def test_the_demo_prints_no_alembic_or_setup_noise_and_ends_with_what_to_do_next() -> None:
    result = run_demo()
    output = result.stdout + result.stderr
    assert "alembic" not in output and "Warning" not in output
    assert "Context impl" not in output and "Running upgrade" not in output
    lines = result.stdout.strip().splitlines()
    assert (
        "Mật khẩu IMAP của bản demo: demo-password (trong biến CCHC_DEMO_IMAP_PASSWORD)." in lines
    )
    assert (
        "  CCHC_DEMO_IMAP_PASSWORD=demo-password .venv/bin/cchc-inbox --config demo/config.toml "
        "check-config"
    ) in lines
    assert lines[-1] == "chạy KEEP_DOVECOT=1 scripts/demo để giữ nó chạy."
    assert _port_is_free()


def test_with_keep_dovecot_the_suggested_check_config_passes_and_the_stop_command_works() -> None:
    result = run_demo(KEEP_DOVECOT="1")
    try:
        check = suggested(result.stdout, "check-config")
        variable, value = check[0].split("=", 1)
        env = {k: v for k, v in os.environ.items() if k != variable}
        checked = subprocess.run(
            check[1:],
            cwd=REPO,
            env={**env, variable: value},
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0, checked.stdout
        assert checked.stdout.strip().splitlines()[-1] == "Cấu hình dùng được."
    finally:
        stop = suggested(result.stdout, "dovecot_sandbox.py stop")
        subprocess.run(stop, cwd=REPO, check=True, capture_output=True)
    assert _port_is_free()
