"""save_analyses: a group of analyses written in a few statements, as each alone would be."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import NoResultFound

from parsers.analysis import analyse
from store.db import SessionFactory
from store.models import Attachment, Initiative, Message
from store.write import (
    AnalysisRecord,
    FetchedMessage,
    record_raw_message,
    save_analyses,
    save_analysis,
    summarise,
)
from tests.store.test_decisions import NOW, RECEIVED, RULES

MAIL = Path(__file__).resolve().parents[1] / "data" / "mail"
SAMPLES = sorted(MAIL.glob("*.eml"))


def stored(sessions: SessionFactory, folder: str) -> list[tuple[int, AnalysisRecord]]:
    """Store every sample mail raw in ``folder``; return each id with its analysis."""
    found = []
    with sessions.begin() as session:
        for uid, path in enumerate(SAMPLES, start=1):
            raw = path.read_bytes()
            fetched = FetchedMessage("phongnv", folder, 1, uid, raw, RECEIVED)
            digest = hashlib.sha256(raw).hexdigest()
            message = record_raw_message(session, fetched, None, digest, NOW)
            found.append((message.id, summarise(analyse(raw, RECEIVED, RULES))))
    return found


def written(sessions: SessionFactory, folder: str) -> list[dict[str, Any]]:
    """Return what the register holds of each message of ``folder``, ids left out."""
    kept = []
    with sessions() as session:
        messages = session.scalars(
            select(Message).where(Message.folder == folder).order_by(Message.uid)
        )
        for message in messages:
            columns = {
                c.key: getattr(message, c.key)
                for c in Message.__table__.columns
                if c.key not in ("id", "folder")
            }
            files = [
                {
                    c.key: getattr(a, c.key)
                    for c in Attachment.__table__.columns
                    if c.key not in ("id", "message_id")
                }
                for a in message.attachments
            ]
            by_id = {a.id: a.position for a in message.attachments}
            initiatives = [
                (by_id[i.attachment_id], i.title, i.title_key, i.field, i.authors)
                for i in message.initiatives
            ]
            kept.append({"message": columns, "files": files, "initiatives": initiatives})
    return kept


def test_a_group_saved_together_is_written_as_each_saved_alone(sessions: SessionFactory) -> None:
    together, alone = stored(sessions, "A"), stored(sessions, "B")
    with sessions.begin() as session:
        save_analyses(session, together)
    for message_id, record in alone:
        with sessions.begin() as session:
            save_analysis(session, message_id, record)
    group = written(sessions, "A")
    assert group == written(sessions, "B")
    assert [len(m["files"]) for m in group] == [len(r.attachments) for _, r in together]
    assert sum(len(m["initiatives"]) for m in group) >= 5
    # Each initiative names a file of its own message that it was read from.
    for message in group:
        for position, *_ in message["initiatives"]:
            assert message["files"][position]["is_document"]


def test_analysing_a_group_again_replaces_its_files_and_initiatives(
    sessions: SessionFactory,
) -> None:
    group = stored(sessions, "A")
    with sessions.begin() as session:
        save_analyses(session, group)
    first = written(sessions, "A")
    with sessions.begin() as session:
        save_analyses(session, list(reversed(group)))
    assert written(sessions, "A") == first
    with sessions() as session:
        files = session.scalar(select(func.count()).select_from(Attachment))
        initiatives = session.scalar(select(func.count()).select_from(Initiative))
    assert files == sum(len(m["files"]) for m in first)
    assert initiatives == sum(len(m["initiatives"]) for m in first)


def test_a_message_given_twice_in_a_group_keeps_its_last_analysis(
    sessions: SessionFactory,
) -> None:
    (first_id, first), (_, second) = stored(sessions, "A")[:2]
    with sessions.begin() as session:
        save_analyses(session, [(first_id, second), (first_id, first)])
    with sessions() as session:
        message = session.get_one(Message, first_id)
        assert message.subject == first.subject
        assert [a.filename for a in message.attachments] == [a.filename for a in first.attachments]


def test_a_message_the_session_holds_shows_its_saved_analysis(sessions: SessionFactory) -> None:
    [(message_id, record)] = stored(sessions, "A")[:1]
    with sessions.begin() as session:
        held = session.get_one(Message, message_id)
        assert held.parse_status == "pending" and held.attachments == []
        save_analyses(session, [(message_id, record)])
        assert held.parse_status == "ok"
        assert held.subject == record.subject
        assert len(held.attachments) == len(record.attachments)


def test_an_unknown_message_is_refused_and_nothing_is_written(sessions: SessionFactory) -> None:
    [(message_id, record)] = stored(sessions, "A")[:1]
    with pytest.raises(NoResultFound), sessions.begin() as session:
        save_analyses(session, [(message_id, record), (message_id + 1000, record)])
    with sessions() as session:
        assert session.get_one(Message, message_id).parse_status == "pending"
        assert session.scalar(select(func.count()).select_from(Attachment)) == 0
