"""A full disk under the register: one clear line, nothing blamed on the mail, healed by a poll.

The storage folder (and, on SQLite, the database) sit on a real small file
system, a tmpfs mounted for the test; a filler file takes its space away and
is deleted to give it back.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.dovecot_sandbox import DovecotSandbox
from tests.e2e.conftest import PASSWORD_ENV, ROOT, Register

pytestmark = pytest.mark.dovecot
SAMPLES = ROOT / "tests" / "data" / "mail"
#: Room enough for the schema, and for a few messages but not for all of them.
LEFT_FREE = 500 * 1024
#: Room enough for the database to start taking the mail, not to take all of it.
DATABASE_LEFT_FREE = 96 * 1024


@contextlib.contextmanager
def small_file_system(where: Path, size: str) -> Iterator[Path]:
    """Mount a tmpfs of ``size`` at ``where``; skip the test where mounting is not allowed."""
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Take the file system's space away but ``leave`` bytes; return the filler file."""
    filler = disk / "filler"
    with filler.open("wb") as handle:
        chunk = b"\0" * 65536
        with contextlib.suppress(OSError):
            while True:
                handle.write(chunk)
                handle.flush()
    # Give back what should stay free (a page at a time, as tmpfs counts).
    size = filler.stat().st_size
    with filler.open("r+b") as handle:
        handle.truncate(max(0, size - leave))
    return filler


@contextlib.contextmanager
def register_on_small_disk(
    tmp_path: Path, database_url: str, dovecot: DovecotSandbox, *, storage: bool
) -> Iterator[tuple[Register, Path]]:
    """A register on a 4 MB file system: its storage (if ``storage``), its SQLite database."""
    with small_file_system(tmp_path / "disk", "4m") as disk:
        folder = f"T{uuid.uuid4().hex[:10]}"
        with dovecot.client() as client:
            client.create_folder(folder)
        url = database_url
        if database_url.startswith("sqlite"):
            url = f"sqlite:///{disk / 'register.db'}"
        config = tmp_path / "config.toml"
        text = dovecot.inbox_config(
            database_url=url, folder=folder, password_env=PASSWORD_ENV, batch_size=5
        )
        if storage:
            text = text.replace('dir = "files"', f'dir = "{disk / "files"}"')
        config.write_text(text, "utf-8")
        register = Register(config, folder, dovecot)
        register.run("db", "upgrade")
        yield register, disk


@pytest.fixture
def cramped(
    tmp_path: Path, database_url: str, dovecot: DovecotSandbox
) -> Iterator[tuple[Register, Path]]:
    with register_on_small_disk(tmp_path, database_url, dovecot, storage=True) as cramped:
        yield cramped


def parse_failures(register: Register) -> list[object]:
    rows = register.json("report", "submissions")["submissions"]
    assert isinstance(rows, list)
    return [r["id"] for r in rows if "parse_failed" in r["reasons"]]


def test_a_full_disk_fails_the_poll_in_one_line_and_the_next_poll_heals_it_without_a_person(
    cramped: tuple[Register, Path],
) -> None:
    register, disk = cramped
    count = register.dovecot.seed(SAMPLES, folder=register.folder)
    filler = fill(disk, LEFT_FREE)
    poll_full_then_healed(register, filler, count)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_full_disk_under_the_sqlite_database_alone_is_healed_by_the_next_poll(
    tmp_path: Path, database_url: str, dovecot: DovecotSandbox
) -> None:
    with register_on_small_disk(tmp_path, database_url, dovecot, storage=False) as (register, disk):
        count = register.dovecot.seed(SAMPLES, folder=register.folder)
        filler = fill(disk, DATABASE_LEFT_FREE)
        poll_full_then_healed(register, filler, count)


def poll_full_then_healed(register: Register, filler: Path, count: int) -> None:
    """Poll on the full disk: one line, no message blamed; free it: the next poll does the rest."""
    full = register.run("poll", check=False)
    assert full.returncode == 1, full.stderr
    assert "Traceback" not in full.stderr + full.stdout
    [line] = full.stdout.splitlines()
    assert "KHÔNG ĐỌC ĐƯỢC HỘP THƯ: ổ đĩa" in line and "đã đầy" in line, line
    assert "0 thư lỗi" in line  # the disk's fault, not the mail's

    filler.unlink()
    healed = register.run("poll")
    assert "0 thư lỗi" in healed.stdout
    rows = register.json("report", "submissions")["submissions"]
    assert isinstance(rows, list)
    assert len(rows) == count
    assert len({r["uid"] for r in rows}) == count
    assert all(r["status"] is not None for r in rows)  # every message analysed
    assert parse_failures(register) == []  # none blamed on the mail
    status = register.run("status", "--format", "json", check=False)
    assert status.returncode == 0, status.stdout
    assert json.loads(status.stdout)["queues"]["failed"] == 0
