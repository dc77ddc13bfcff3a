"""PostgreSQL's planner told that the register grew, while a backfill makes it grow."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

#: Rows added since the statistics were taken before they are taken again: at least
#: this many, and at least half the rows the statistics counted.
ANALYZE_AFTER = 500


def refresh_statistics(session: Session, added: int) -> bool:
    """Take the planner's statistics of the message tables again (ANALYZE) when
    ``added`` new messages are a large part of what they counted; True if taken.

    A backfill grows the register from nothing to tens of thousands of messages in
    minutes. With the statistics of an empty table the planner reads every row to
    look up a batch's Message-IDs (bench/backfill: ten times slower at 10,000
    messages), and autovacuum, when it is on, comes at most once a minute.
    ANALYZE samples the tables and blocks no reader or writer. SQLite: nothing.
    """
    if added < ANALYZE_AFTER or session.get_bind().dialect.name != "postgresql":
        return False
    counted = session.scalar(
        text("SELECT reltuples FROM pg_class WHERE oid = 'messages'::regclass")
    )
    if counted is not None and counted >= 0 and added < counted / 2:
        return False
    session.execute(text("ANALYZE messages, attachments, initiatives"))
    return True
