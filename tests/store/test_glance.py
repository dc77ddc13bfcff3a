"""The register at a glance: plain SQL on the driver's connection, or on sqlite3 alone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from store.db import SessionFactory, make_engine, make_session_factory, upgrade_schema
from store.glance import (
    DigestRow,
    Glance,
    glance_at,
    postgres_conninfo,
    postgres_revisions,
    postgres_rows,
    sqlite_path,
    sqlite_revisions,
    sqlite_rows,
)
from store.health import session_rows
from store.models import MailboxState, ReviewDecision
from store.outbox import claim_next, enqueue, mark_sent, record_digest_run
from store.schema import newest_revisions
from tests.conftest import scratch_postgres
from tests.store.register import store_message
from tests.store.test_outbox import mail

NOW = datetime(2024, 6, 26, 0, 5, 30, 123456, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///var/cchc-inbox.db", "var/cchc-inbox.db"),
        ("sqlite:////srv/cchc/register.db?timeout=10", "/srv/cchc/register.db"),
        ("sqlite+pysqlite:///r.db", "r.db"),
        ("sqlite:///s%E1%BB%95%20theo%20d%C3%B5i.db", "sổ theo dõi.db"),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("sqlite:///file:r.db?mode=ro&uri=true", None),
        ("sqlite:///r.db?uri=true", None),
        ("postgresql+psycopg://cchc@127.0.0.1/cchc", None),
    ],
)
def test_the_file_of_a_sqlite_url_is_the_one_sqlalchemy_opens(url: str, path: str | None) -> None:
    assert sqlite_path(url) == (Path(path) if path else None)
    parsed = make_url(url)
    if path is not None:
        assert parsed.get_backend_name() == "sqlite"
        assert parsed.database == path


def fill(sessions: SessionFactory) -> None:
    store_message(sessions, 1, NOW)
    store_message(sessions, 2, NOW, status="needs_review", unit=None)
    failed = store_message(sessions, 3, NOW, status=None, parse_status="failed")
    decided = store_message(sessions, 4, NOW, status=None, parse_status="failed")
    with sessions.begin() as session:
        session.add(
            MailboxState(
                mailbox="phongnv",
                folder="INBOX",
                uidvalidity=7,
                last_uid=4,
                last_attempt_at=NOW,
                last_success_at=NOW - timedelta(minutes=5),
                last_error="kết nối bị ngắt",
            )
        )
        session.add(
            ReviewDecision(
                message_id=decided, action="ignore", decided_by="cb.noivu", decided_at=NOW
            )
        )
        record_digest_run(
            session, date(2024, 6, 25), NOW, NOW, NOW, enqueue(session, mail("d"), NOW)
        )
        claimed = claim_next(session, NOW)
        assert claimed is not None
        mark_sent(session, claimed.id, NOW + timedelta(seconds=3))
    assert failed


def test_the_glance_reads_times_dates_and_counts_as_the_orm_wrote_them(
    sessions: SessionFactory,
) -> None:
    fill(sessions)
    with sessions() as session:
        seen = glance_at(session_rows(session))
    [box] = seen.mailboxes
    assert (box.mailbox, box.folder, box.uidvalidity, box.last_uid, box.messages) == (
        "phongnv",
        "INBOX",
        7,
        4,
        4,
    )
    assert box.last_attempt_at == NOW and box.last_attempt_at.tzinfo == UTC
    assert box.last_success_at == NOW - timedelta(minutes=5)
    assert box.last_error == "kết nối bị ngắt"
    assert seen.queues == {
        "pending": 0,
        "failed": 2,
        "needs_review": 1,
        "accepted": 1,
        "ignored": 0,
    }
    assert seen.undecided == 1
    assert seen.outbox == {"sent": 1}
    assert seen.digest == DigestRow(date(2024, 6, 25), NOW, "sent", NOW + timedelta(seconds=3))


def glance_through_session(url: str) -> Glance:
    """Create and fill a register at ``url``; return what the session reads of it."""
    engine = make_engine(url)
    upgrade_schema(engine)
    sessions = make_session_factory(engine)
    fill(sessions)
    with sessions() as session:
        through_session = glance_at(session_rows(session))
    engine.dispose()
    return through_session


def test_sqlite3_alone_reads_what_the_session_reads(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    through_session = glance_through_session(f"sqlite:///{path}")
    with sqlite_rows(path) as rows:
        assert sqlite_revisions(rows) == newest_revisions()
        assert glance_at(rows) == through_session


def test_sqlite3_never_creates_a_register(tmp_path: Path) -> None:
    import sqlite3

    with pytest.raises(sqlite3.OperationalError), sqlite_rows(tmp_path / "missing.db") as rows:
        rows("SELECT 1")
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.parametrize(
    ("url", "conninfo"),
    [
        ("postgresql+psycopg://cchc@127.0.0.1/cchc", "postgresql://cchc@127.0.0.1/cchc"),
        (
            "postgresql+psycopg://cchc:p%40ss@db.local:5433/s%E1%BB%95?sslmode=require",
            "postgresql://cchc:p%40ss@db.local:5433/s%E1%BB%95?sslmode=require",
        ),
        (
            "postgresql+psycopg://cchc@/cchc?host=/run/postgresql",
            "postgresql://cchc@/cchc?host=/run/postgresql",
        ),
        # Another driver, or none named: the session opens it, as before.
        ("postgresql+psycopg2://cchc@127.0.0.1/cchc", None),
        ("postgresql+asyncpg://cchc@127.0.0.1/cchc", None),
        ("sqlite:///var/cchc-inbox.db", None),
    ],
)
def test_a_psycopg_url_is_read_by_libpq_as_sqlalchemy_hands_it_to_psycopg(
    url: str, conninfo: str | None
) -> None:
    import psycopg.conninfo

    assert postgres_conninfo(url) == conninfo
    if conninfo is None:
        return
    parsed = make_url(url)
    libpq = psycopg.conninfo.conninfo_to_dict(conninfo)
    assert libpq.get("user") == parsed.username
    assert libpq.get("password") == parsed.password
    assert libpq.get("dbname") == parsed.database
    assert libpq.get("host") == (parsed.host or parsed.query.get("host"))
    assert libpq.get("port") == (str(parsed.port) if parsed.port else None)


def test_psycopg_alone_reads_what_the_session_reads() -> None:
    with scratch_postgres() as url:
        conninfo = postgres_conninfo(url)
        assert conninfo is not None
        with postgres_rows(conninfo) as rows:
            assert postgres_revisions(rows) == ()
        through_session = glance_through_session(url)
        with postgres_rows(conninfo) as rows:
            assert postgres_revisions(rows) == newest_revisions()
            assert glance_at(rows) == through_session


def test_psycopg_reads_the_register_in_a_read_only_transaction() -> None:
    import psycopg

    with scratch_postgres() as url:
        conninfo = postgres_conninfo(url)
        assert conninfo is not None
        with postgres_rows(conninfo) as rows, pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            rows("CREATE TABLE written (id integer)")
