from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from store.db import SessionFactory
from store.planner import ANALYZE_AFTER, refresh_statistics
from tests.store.register import add_message_rows

AT = datetime(2024, 6, 1, 2, 0, tzinfo=UTC)


def test_postgresql_takes_statistics_again_once_a_backfill_has_grown_the_register(
    sessions: SessionFactory, database_url: str
) -> None:
    with sessions.begin() as session:
        for uid in range(ANALYZE_AFTER):
            add_message_rows(session, uid, AT, tally=False)
    with sessions.begin() as session:
        assert not refresh_statistics(session, ANALYZE_AFTER - 1)  # too few to matter
        taken = refresh_statistics(session, ANALYZE_AFTER)
    if not database_url.startswith("postgresql"):
        assert not taken  # SQLite's planner needs none for these lookups
        return
    assert taken
    with sessions.begin() as session:
        counted = session.scalar(
            text("SELECT reltuples FROM pg_class WHERE oid = 'messages'::regclass")
        )
        assert counted == ANALYZE_AFTER
        assert refresh_statistics(session, ANALYZE_AFTER)  # as many again
