"""Decisions of the long-running worker, kept pure: backoff, outages, file permissions."""

from __future__ import annotations

import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from app.config import Config
from store.db import sqlite_file

#: First retry after a transient failure; doubled on each further failure.
FIRST_RETRY = timedelta(seconds=10)


def backoff_delay(
    failures: int, poll_every: timedelta, first: timedelta = FIRST_RETRY
) -> timedelta:
    """Return the wait before the next attempt after ``failures`` failures in a row.

    No failure: the normal interval. Then ``first``, doubled each time, never
    longer than the normal interval (so an outage never delays catching up).
    """
    if failures <= 0:
        return poll_every
    return min(poll_every, first * (1 << min(failures - 1, 30)))


def poll_due(
    now: datetime, last_started: datetime | None, failures: int, poll_every: timedelta
) -> bool:
    """Whether the next poll should start now (the first one starts at once)."""
    if last_started is None:
        return True
    return now >= last_started + backoff_delay(failures, poll_every)


@dataclass(frozen=True)
class Outage:
    """A component that failed: since how many attempts, and the first error seen."""

    failures: int
    error: str


@dataclass(frozen=True)
class Change:
    """What to log: a component went down, or came back after ``failures`` attempts."""

    component: str
    down: bool
    error: str | None
    failures: int


def observe(
    outages: Mapping[str, Outage], component: str, error: str | None
) -> tuple[dict[str, Outage], Change | None]:
    """Record one attempt's outcome; return the new state and a change worth logging.

    A change is reported when a component goes down and when it comes back, never
    for a repeated failure, so a long outage is logged exactly twice.
    """
    state = dict(outages)
    before = state.get(component)
    if error is None:
        if before is None:
            return state, None
        del state[component]
        return state, Change(component, down=False, error=None, failures=before.failures)
    if before is None:
        state[component] = Outage(1, error)
        return state, Change(component, down=True, error=error, failures=1)
    state[component] = Outage(before.failures + 1, before.error)
    return state, None


def exposed(mode: int, *, secret: bool) -> bool:
    """Whether a file mode lets other users read it (group too, for a secret)."""
    mask = stat.S_IRWXG | stat.S_IRWXO if secret else stat.S_IROTH | stat.S_IWOTH
    return bool(mode & mask)


def sensitive_files(config: Config) -> Iterable[tuple[Path, bool, str]]:
    """Yield (path, holds a secret, mode to suggest) for what other users must not read.

    The config file and every password file; the register too: the storage
    folder and the SQLite database with its -wal and -shm files.
    """
    yield config.path, False, "0640"
    for mailbox in config.mailboxes:
        if mailbox.password_file is not None:
            yield mailbox.password_file, True, "0600"
    if config.smtp is not None and config.smtp.password_file is not None:
        yield config.smtp.password_file, True, "0600"
    yield config.storage_dir, False, "0700"
    database = sqlite_file(config.database_url)
    if database is not None:
        for suffix in ("", "-wal", "-shm"):
            yield database.with_name(database.name + suffix), False, "0600"


def permission_warnings(config: Config) -> list[str]:
    """Return one Vietnamese warning per sensitive file or folder other users can read."""
    warnings = []
    for path, secret, wanted in sensitive_files(config):
        try:
            mode = path.stat().st_mode
        except OSError:
            continue  # missing: a password file is reported where it is read; the rest is created
        if exposed(mode, secret=secret):
            warnings.append(
                f"{path} có quyền {stat.S_IMODE(mode):04o}: người dùng khác đọc được, "
                f"hãy chạy: chmod {wanted} {path}"
            )
    return warnings
