from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from store.db import SessionFactory
from store.models import Message
from store.outbox import (
    NewMail,
    accepted_without_receipt,
    claim_next,
    enqueue,
    expire_stale_claims,
    list_outbox,
    mark_retry,
    mark_sent,
    record_digest_run,
    requeue,
)
from store.read import last_digest_until, submissions_by_id

NOW = datetime(2024, 6, 26, 0, 5, tzinfo=UTC)


def mail(key: str, reply_to: int | None = None) -> NewMail:
    return NewMail(
        kind="receipt" if reply_to else "digest",
        dedupe_key=key,
        rfc_message_id=f"<{key}@tayninh.gov.vn>",
        sender="Phòng Nội vụ <phongnv-cth@tayninh.gov.vn>",
        recipients=("vanthu@tayninh.gov.vn",),
        subject="Báo cáo",
        raw=b"Subject: x\r\n\r\nbody\r\n",
        reply_to_message=reply_to,
    )


def add_message(sessions: SessionFactory, uid: int, status: str) -> int:
    with sessions.begin() as session:
        row = Message(
            mailbox="phongnv",
            folder="INBOX",
            uidvalidity=1,
            uid=uid,
            sha256=f"{uid:064d}",
            size=10,
            received_at=NOW,
            fetched_at=NOW,
            parse_status="ok",
            status=status,
            reasons=[],
        )
        session.add(row)
        session.flush()
        return row.id


def test_the_same_dedupe_key_is_queued_only_once(sessions: SessionFactory) -> None:
    with sessions.begin() as session:
        first = enqueue(session, mail("digest:2024-06-26"), NOW)
        again = enqueue(session, mail("digest:2024-06-26"), NOW)
    assert first is not None
    assert again is None
    with sessions() as session:
        assert len(list_outbox(session)) == 1


def test_a_claimed_mail_cannot_be_claimed_again(sessions: SessionFactory) -> None:
    with sessions.begin() as session:
        enqueue(session, mail("a"), NOW)
    with sessions.begin() as session:
        claimed = claim_next(session, NOW)
    with sessions.begin() as session:
        assert claim_next(session, NOW) is None
    assert claimed is not None
    assert claimed.attempts == 1
    with sessions() as session:
        assert [r.status for r in list_outbox(session)] == ["sending"]


def test_a_retry_waits_for_its_time(sessions: SessionFactory) -> None:
    with sessions.begin() as session:
        enqueue(session, mail("a"), NOW)
    with sessions.begin() as session:
        claimed = claim_next(session, NOW)
        assert claimed is not None
        mark_retry(session, claimed.id, "421 busy", NOW + timedelta(minutes=2))
    with sessions.begin() as session:
        assert claim_next(session, NOW + timedelta(minutes=1)) is None
    with sessions.begin() as session:
        again = claim_next(session, NOW + timedelta(minutes=2))
    assert again is not None
    assert again.attempts == 2


def test_a_sent_mail_is_never_claimed_again(sessions: SessionFactory) -> None:
    with sessions.begin() as session:
        enqueue(session, mail("a"), NOW)
    with sessions.begin() as session:
        claimed = claim_next(session, NOW)
        assert claimed is not None
        mark_sent(session, claimed.id, NOW)
    with sessions.begin() as session:
        assert claim_next(session, NOW + timedelta(days=1)) is None
        assert expire_stale_claims(session, NOW + timedelta(days=1), timedelta(minutes=15)) == 0
    with sessions() as session:
        [row] = list_outbox(session)
    assert (row.status, row.sent_at) == ("sent", NOW)


def test_an_interrupted_send_becomes_uncertain_and_only_a_person_requeues_it(
    sessions: SessionFactory,
) -> None:
    with sessions.begin() as session:
        enqueue(session, mail("a"), NOW)
    with sessions.begin() as session:
        claimed = claim_next(session, NOW)
    assert claimed is not None
    with sessions.begin() as session:
        assert expire_stale_claims(session, NOW + timedelta(minutes=5), timedelta(minutes=15)) == 0
        assert expire_stale_claims(session, NOW + timedelta(minutes=16), timedelta(minutes=15)) == 1
        assert claim_next(session, NOW + timedelta(days=1)) is None
    with sessions.begin() as session:
        assert requeue(session, claimed.id, NOW + timedelta(hours=1))
    with sessions.begin() as session:
        again = claim_next(session, NOW + timedelta(hours=1))
    assert again is not None
    assert again.rfc_message_id == claimed.rfc_message_id


def test_only_accepted_messages_without_a_receipt_need_one(sessions: SessionFactory) -> None:
    accepted = add_message(sessions, 1, "accepted")
    answered = add_message(sessions, 2, "accepted")
    add_message(sessions, 3, "ignored")
    add_message(sessions, 4, "needs_review")
    with sessions.begin() as session:
        enqueue(session, mail(f"receipt:{answered}", reply_to=answered), NOW)
    with sessions() as session:
        assert accepted_without_receipt(session) == [accepted]
        assert [r.id for r in submissions_by_id(session, [accepted, answered])] == [
            accepted,
            answered,
        ]


def test_the_next_digest_starts_where_the_last_sent_one_ended(sessions: SessionFactory) -> None:
    until = datetime(2024, 6, 24, 17, 0, tzinfo=UTC)
    with sessions.begin() as session:
        record_digest_run(session, date(2024, 6, 25), until - timedelta(days=1), until, NOW, None)
        record_digest_run(session, date(2024, 6, 25), until, until, NOW, None)
    with sessions() as session:
        assert last_digest_until(session, until + timedelta(days=2)) == until
        assert last_digest_until(session, until) is None
