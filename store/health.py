"""Counts and timestamps for `status`: queues, outbox and the last digest."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from store import glance
from store.glance import DigestRow as DigestRow
from store.glance import Rows
from store.glance import describe_database_error as describe_database_error

#: What the database driver raises when the server is down, unreachable or refuses us.
DatabaseUnavailable = DBAPIError


#: SQLite's primary result codes that the machine causes, not the data.
_SQLITE_CODES = {
    5: "database_locked",  # SQLITE_BUSY
    6: "database_locked",  # SQLITE_LOCKED
    13: "database_full",  # SQLITE_FULL
    8: "database_unavailable",  # SQLITE_READONLY (a read-only file or file system)
    10: "database_unavailable",  # SQLITE_IOERR
    14: "database_unavailable",  # SQLITE_CANTOPEN
}
#: PostgreSQL SQLSTATEs (or their classes) that the machine causes, not the data.
_POSTGRES_STATES = {
    "53100": "database_full",  # disk_full
    "55P03": "database_locked",  # lock_not_available
    "40P01": "database_locked",  # deadlock_detected: the next try goes through
    "08": "database_unavailable",  # connection exceptions
    "57P": "database_unavailable",  # the server shut down or restarted
    "53": "database_unavailable",  # out of memory, too many connections
}


def database_fault(error: BaseException) -> str | None:
    """Name what the machine did wrong, or None when the error is the data's or a bug's.

    "database_locked" (another writer held it past the busy timeout),
    "database_full" (no room left for the database), or "database_unavailable"
    (down, unreachable, the connection cut).
    """
    if not isinstance(error, DBAPIError):
        return None
    cause = error.orig
    code = getattr(cause, "sqlite_errorcode", None)
    if isinstance(code, int):
        return _SQLITE_CODES.get(code & 0xFF)
    state = getattr(cause, "sqlstate", None)
    if isinstance(state, str):
        for prefix in sorted(_POSTGRES_STATES, key=len, reverse=True):
            if state.startswith(prefix):
                return _POSTGRES_STATES[prefix]
    if error.connection_invalidated or isinstance(error, OperationalError | InterfaceError):
        return "database_unavailable"
    return None


def session_rows(session: Session) -> Rows:
    """Return ``Rows`` on the session's own connection (in its transaction)."""
    return lambda sql: [tuple(row) for row in session.connection().exec_driver_sql(sql)]


def message_counts(session: Session) -> dict[str, int]:
    """Return the queues: pending and failed (parsing), needs_review, accepted, ignored."""
    return glance.message_counts(session_rows(session))


def undecided_failures(session: Session) -> int:
    """Count messages whose analysis failed and on which no person has decided yet."""
    return glance.undecided_failures(session_rows(session))


def outbox_counts(session: Session) -> dict[str, int]:
    """Return how many outgoing mails are in each outbox state."""
    return glance.outbox_counts(session_rows(session))


def last_digest(session: Session) -> DigestRow | None:
    """Return the newest digest queued, with its delivery state."""
    return glance.last_digest(session_rows(session))
