"""Row locks on messages, taken before a write reads what it will replace."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store.models import Message


def lock_messages(session: Session, ids: Sequence[int]) -> None:
    """Hold the messages' rows until commit, so that two writers of one message
    (a poll and a `reprocess`, two people deciding) go one after the other, the
    second reading what the first committed instead of what it saw before.

    PostgreSQL locks the rows (in id order: no deadlock between batches). SQLite
    has no row locks: a write, even one that changes nothing, takes the database's
    write lock now, before the rows to replace are read. Call it first in the
    transaction: a read before it would pin an older snapshot on SQLite.
    """
    if not ids:
        return
    ordered = sorted(set(ids))
    if session.get_bind().dialect.name == "sqlite":
        touch = update(Message).where(Message.id == ordered[0]).values(status=Message.status)
        session.execute(touch.execution_options(synchronize_session=False))
        return
    session.execute(
        select(Message.id).where(Message.id.in_(ordered)).order_by(Message.id).with_for_update()
    )
