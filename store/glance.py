"""The register at a glance: the counts and times `status` shows, in plain SQL.

`status` is a health check: monitoring starts it every minute. Importing
SQLAlchemy alone takes about 220 ms on a small server, most of the command's
time, so these queries are plain SQL that runs on a database driver's own
connection: the standard library's sqlite3 for a SQLite register, psycopg alone
for a PostgreSQL one (no SQLAlchemy loaded at all), or the driver's connection
under a SQLAlchemy session (the web application, and `status` on a URL of
another driver). ``Rows`` runs one statement and returns its rows; the values
are the driver's own, decoded here.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

from store.schema import VERSION_TABLE

#: Runs one SQL statement (no parameters) and returns its rows.
Rows = Callable[[str], list[tuple[Any, ...]]]

#: How long a read waits for a writer's lock, as the engine's SQLite connections do.
BUSY_TIMEOUT_SECONDS = 30
_SQLITE_URL = re.compile(r"^sqlite(?:\+\w+)?://(?P<rest>.*)$", re.DOTALL)
# Only the URLs SQLAlchemy opens with psycopg (3): its query keys are libpq's, as in a URI.
_PSYCOPG_URL = re.compile(r"^postgresql\+psycopg://(?P<rest>.*)$", re.DOTALL)
#: How long `status` waits for PostgreSQL to answer before it reports it unreachable.
CONNECT_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class MailboxRow:
    mailbox: str
    folder: str
    uidvalidity: int | None
    last_uid: int
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    messages: int


@dataclass(frozen=True)
class DigestRow:
    for_date: date
    queued_at: datetime
    status: str | None  # the outbox row's status (sent, pending, failed, …), None if none
    sent_at: datetime | None


@dataclass(frozen=True)
class Glance:
    """What `status` shows of the register."""

    mailboxes: list[MailboxRow]
    queues: dict[str, int]
    outbox: dict[str, int]
    digest: DigestRow | None
    #: Messages whose analysis failed, on which no person has decided yet.
    undecided: int


def glance_at(rows: Rows) -> Glance:
    """Return the register at a glance, read through ``rows``."""
    return Glance(
        mailboxes=list_mailboxes(rows),
        queues=message_counts(rows),
        outbox=outbox_counts(rows),
        digest=last_digest(rows),
        undecided=undecided_failures(rows),
    )


def sqlite_path(url: str) -> Path | None:
    """Return the database file of a SQLite URL; None for another database or memory.

    Read as SQLAlchemy reads it (``sqlite:///relative.db``, ``sqlite:////absolute.db``,
    percent-escapes undone); an SQLite URI (``file:…`` or ``?uri=true``) says itself
    how to open the file, so it gives None too.
    """
    match = _SQLITE_URL.match(url)
    if match is None:
        return None
    rest = match["rest"]
    if not rest.startswith("/"):
        return None  # `sqlite://` alone: memory
    database, _, query = rest[1:].partition("?")
    database = unquote(database)
    if not database or database == ":memory:":
        return None
    if database.startswith("file:") or "uri" in parse_qs(query, keep_blank_values=True):
        return None
    return Path(database)


@contextlib.contextmanager
def sqlite_rows(path: Path) -> Iterator[Rows]:
    """Yield ``Rows`` on the SQLite file at ``path``, opened read-only (never created)."""
    uri = f"file:{_quote_path(path)}?mode=ro"
    connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    try:
        yield lambda sql: connection.execute(sql).fetchall()
    finally:
        connection.close()


def _quote_path(path: Path) -> str:
    # In an SQLite URI "?" and "#" end the path and "%" starts an escape.
    return str(path.absolute()).replace("%", "%25").replace("?", "%3f").replace("#", "%23")


def sqlite_revisions(rows: Rows) -> tuple[str, ...]:
    """Return the Alembic revision(s) a SQLite register is at (empty before the first)."""
    if not rows(f"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{VERSION_TABLE}'"):
        return ()
    return _revisions(rows)


def postgres_conninfo(url: str) -> str | None:
    """Return the libpq URI of a ``postgresql+psycopg://`` URL; None for any other URL.

    SQLAlchemy hands psycopg the URL's user, password, host, port, database and
    query keys, percent-escapes undone; libpq reads the same parts of the same URI.
    """
    match = _PSYCOPG_URL.match(url)
    return None if match is None else f"postgresql://{match['rest']}"


@contextlib.contextmanager
def postgres_rows(conninfo: str) -> Iterator[Rows]:
    """Yield ``Rows`` on a PostgreSQL register through psycopg alone, in a read-only
    transaction."""
    import psycopg  # imported here: a SQLite register's `status` never needs it

    with psycopg.connect(conninfo, connect_timeout=CONNECT_TIMEOUT_SECONDS) as connection:
        connection.read_only = True
        yield lambda sql: connection.execute(sql).fetchall()


def postgres_revisions(rows: Rows) -> tuple[str, ...]:
    """Return the Alembic revision(s) a PostgreSQL register is at (empty before the first)."""
    # to_regclass looks the table up on the search_path, as SQLAlchemy's has_table does.
    if rows(f"SELECT to_regclass('{VERSION_TABLE}')") == [(None,)]:
        return ()
    return _revisions(rows)


def _revisions(rows: Rows) -> tuple[str, ...]:
    return tuple(
        sorted(str(version) for (version,) in rows(f"SELECT version_num FROM {VERSION_TABLE}"))
    )


def message_counts(rows: Rows) -> dict[str, int]:
    """Return the queues: pending and failed (parsing), needs_review, accepted, ignored."""
    counts = {"pending": 0, "failed": 0, "needs_review": 0, "accepted": 0, "ignored": 0}
    for state, count in rows("SELECT parse_status, COUNT(*) FROM messages GROUP BY parse_status"):
        if state in ("pending", "failed"):
            counts[state] = int(count)
    for verdict, count in rows("SELECT status, COUNT(*) FROM messages GROUP BY status"):
        if verdict is not None:
            counts[str(verdict)] = int(count)
    return counts


def undecided_failures(rows: Rows) -> int:
    """Count messages whose analysis failed and on which no person has decided yet."""
    [(count,)] = rows(
        "SELECT COUNT(*) FROM messages WHERE parse_status = 'failed' AND NOT EXISTS "
        "(SELECT 1 FROM review_decisions WHERE review_decisions.message_id = messages.id)"
    )
    return int(count or 0)


def outbox_counts(rows: Rows) -> dict[str, int]:
    """Return how many outgoing mails are in each outbox state."""
    return {
        str(state): int(count)
        for state, count in rows("SELECT status, COUNT(*) FROM outbox GROUP BY status")
    }


def last_digest(rows: Rows) -> DigestRow | None:
    """Return the newest digest queued, with its delivery state."""
    found = rows(
        "SELECT digest_runs.for_date, digest_runs.created_at, outbox.status, outbox.sent_at "
        "FROM digest_runs LEFT OUTER JOIN outbox ON outbox.id = digest_runs.outbox_id "
        "ORDER BY digest_runs.for_date DESC LIMIT 1"
    )
    if not found:
        return None
    [(for_date, queued_at, status, sent_at)] = found
    queued = _moment(queued_at)
    assert queued is not None  # created_at is NOT NULL
    return DigestRow(_day(for_date), queued, status, _moment(sent_at))


def list_mailboxes(rows: Rows) -> list[MailboxRow]:
    """Return the progress and health of every polled folder."""
    counts = {
        (mailbox, folder): int(count)
        for mailbox, folder, count in rows(
            "SELECT mailbox, folder, COUNT(*) FROM messages GROUP BY mailbox, folder"
        )
    }
    return [
        MailboxRow(
            mailbox=mailbox,
            folder=folder,
            uidvalidity=uidvalidity,
            last_uid=int(last_uid),
            last_attempt_at=_moment(attempt),
            last_success_at=_moment(success),
            last_error=error,
            messages=counts.get((mailbox, folder), 0),
        )
        for mailbox, folder, uidvalidity, last_uid, attempt, success, error in rows(
            "SELECT mailbox, folder, uidvalidity, last_uid, last_attempt_at, last_success_at, "
            "last_error FROM mailbox_states ORDER BY mailbox"
        )
    ]


def describe_database_error(error: BaseException) -> str:
    """Return the driver's own first line (no SQL, no parameters)."""
    # SQLAlchemy wraps the driver's exception as ``orig``; sqlite3 raises its own.
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else ''}".strip()


def _moment(value: object) -> datetime | None:
    """Return a stored time as an aware UTC datetime (SQLite keeps UTC text without zone)."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(moment, datetime)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _day(value: object) -> date:
    day = date.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(day, date)
    return day
