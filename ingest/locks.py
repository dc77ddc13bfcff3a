"""One poller per mailbox folder: a PostgreSQL advisory lock, or a file lock beside SQLite."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from store.db import SessionFactory
from store.write import holds_advisory_lock, try_advisory_lock

SQLITE_PREFIX = "sqlite:///"


def lock_key(mailbox: str, folder: str) -> int:
    """Return a stable signed 64-bit key for the (mailbox, folder) pair."""
    digest = hashlib.sha256(f"cchc-inbox\0{mailbox}\0{folder}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class LockLost(Exception):
    """The mailbox's lock is gone (its database connection ended): stop polling it."""


class MailboxLock:
    """A mailbox's lock, taken or refused (it is true when taken).

    ``still_held()`` asks again: a PostgreSQL lock is lost with the connection
    that holds it (a terminated backend, a restarted server), and then another
    poller may take it.
    """

    def __init__(self, held: bool, check: Callable[[], bool] | None = None) -> None:
        self.held = held
        self._check = check
        self.lost = False

    def __bool__(self) -> bool:
        return self.held

    def still_held(self) -> bool:
        if self.held and not self.lost and self._check is not None and not self._check():
            self.lost = True
        return self.held and not self.lost


@contextlib.contextmanager
def mailbox_lock(
    database_url: str, sessions: SessionFactory, mailbox: str, folder: str
) -> Iterator[MailboxLock]:
    """Hold the folder's lock for the block; yield a false lock (at once) if another holds it."""
    if database_url.startswith("sqlite"):
        # flock is held by this process until it lets go: it cannot be lost.
        with _file_lock(_lock_path(database_url, mailbox, folder)) as held:
            yield MailboxLock(held)
        return
    # A session of its own whose transaction stays open for the whole poll: the
    # lock lives exactly as long as that transaction (closing the session ends it).
    key = lock_key(mailbox, folder)
    with sessions() as session:
        lock = MailboxLock(
            try_advisory_lock(session, key), lambda: holds_advisory_lock(session, key)
        )
        yield lock


def _lock_path(database_url: str, mailbox: str, folder: str) -> Path:
    database = database_url[len(SQLITE_PREFIX) :] if database_url.startswith(SQLITE_PREFIX) else ""
    if not database or database.startswith(":memory:"):
        directory = Path.cwd()
        stem = "cchc-inbox-memory"
    else:
        path = Path(database.split("?", 1)[0])
        directory, stem = path.parent, path.name
    slug = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{mailbox}.{folder}")
    return directory / f"{stem}.{slug}.{lock_key(mailbox, folder) & 0xFFFFFFFF:08x}.lock"


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[bool]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
