"""A real Dovecot for the whole session; each test gets its own folder and register."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

from scripts.dovecot_sandbox import DovecotSandbox

ROOT = Path(__file__).resolve().parents[2]
PASSWORD_ENV = "CCHC_TEST_IMAP_PASSWORD"


@pytest.fixture(scope="session")
def dovecot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DovecotSandbox]:
    sandbox = DovecotSandbox(tmp_path_factory.mktemp("dovecot"))
    sandbox.start()
    try:
        yield sandbox
    finally:
        sandbox.stop()


@dataclass(frozen=True)
class Register:
    """One configured cchc-inbox: its config file, IMAP folder and CLI."""

    config: Path
    folder: str
    dovecot: DovecotSandbox

    def run(
        self,
        *args: str,
        check: bool = True,
        password: str | None = None,
        path: str | None = None,
        input: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``cchc-inbox ARGS``; ``path`` replaces PATH (to hide installed tools),
        ``input`` is its standard input."""
        env = {**os.environ, PASSWORD_ENV: password or self.dovecot.password}
        if path is not None:
            env["PATH"] = path
        result = subprocess.run(
            [sys.executable, "-m", "ingest.cli", "--config", str(self.config), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            check=False,
            timeout=300,
            input=input,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"cchc-inbox {' '.join(args)} exited {result.returncode}\n{result.stderr}"
            )
        return result

    def spawn(
        self, *args: str, output: IO[str], password: str | None = None
    ) -> subprocess.Popen[str]:
        """Start ``cchc-inbox ARGS`` in the background, its output going to ``output``."""
        return subprocess.Popen(
            [sys.executable, "-m", "ingest.cli", "--config", str(self.config), *args],
            cwd=ROOT,
            env={**os.environ, PASSWORD_ENV: password or self.dovecot.password},
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def spawn_piped(self, *args: str) -> subprocess.Popen[str]:
        """Start ``cchc-inbox ARGS`` in the background, stdout and stderr kept apart."""
        return subprocess.Popen(
            [sys.executable, "-m", "ingest.cli", "--config", str(self.config), *args],
            cwd=ROOT,
            env={**os.environ, PASSWORD_ENV: self.dovecot.password},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def json(self, *args: str) -> dict[str, object]:
        data = json.loads(self.run(*args, "--format", "json").stdout)
        assert isinstance(data, dict)
        return data


@pytest.fixture
def register(tmp_path: Path, database_url: str, dovecot: DovecotSandbox) -> Register:
    folder = f"T{uuid.uuid4().hex[:10]}"
    with dovecot.client() as client:
        client.create_folder(folder)
    config = tmp_path / "config.toml"
    config.write_text(
        dovecot.inbox_config(
            database_url=database_url, folder=folder, password_env=PASSWORD_ENV, batch_size=5
        ),
        encoding="utf-8",
    )
    reg = Register(config, folder, dovecot)
    reg.run("db", "upgrade")
    return reg
