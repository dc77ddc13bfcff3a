"""Sender, Reply-To and every From address are kept for staff, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime

from parsers.analysis import Rules, analyse
from parsers.campaign import Campaign
from store.db import SessionFactory
from store.decisions import list_for_review
from store.read import list_submissions, mail_received
from store.write import FetchedMessage, record_raw_message, save_analysis

CAMPAIGN = Campaign("CCHC 2024", date(2024, 5, 15), date(2024, 6, 25), "Asia/Ho_Chi_Minh")
RULES = Rules((CAMPAIGN,), {"vanthu.hoahoi@tayninh.gov.vn": "xa-hoa-hoi"}, frozenset())
RECEIVED = datetime(2024, 6, 1, 2, 0, tzinfo=UTC)


def store(sessions: SessionFactory, uid: int, headers: str) -> int:
    raw = (headers.replace("\n", "\r\n") + "\r\nSubject: x\r\n\r\nbody\r\n").encode()
    with sessions.begin() as session:
        fetched = FetchedMessage("phongnv", "INBOX", 1, uid, raw, RECEIVED)
        message = record_raw_message(session, fetched, None, f"{uid:064x}", RECEIVED)
        save_analysis(session, message.id, analyse(raw, RECEIVED, RULES))
        return message.id


def test_sender_and_reply_to_are_stored_and_read_back(sessions: SessionFactory) -> None:
    ident = store(
        sessions,
        1,
        "From: attacker@evil.example\n"
        "Sender: Văn thư <vanthu.hoahoi@tayninh.gov.vn>\n"
        "Reply-To: vanthu.hoahoi@tayninh.gov.vn, =?utf-8?q?x?= <b@tayninh.gov.vn>",
    )
    with sessions() as session:
        [row] = list_submissions(session)
        [mail] = mail_received(session, RECEIVED, RECEIVED.replace(hour=3))
        waiting = {r.id: (r.sender, r.reply_to) for r in list_for_review(session)}
    expected = (
        "vanthu.hoahoi@tayninh.gov.vn",
        ("vanthu.hoahoi@tayninh.gov.vn", "b@tayninh.gov.vn"),
    )
    assert (row.from_address, row.sender, row.reply_to) == ("attacker@evil.example", *expected)
    assert (mail.sender, mail.reply_to) == expected
    assert waiting.get(ident, expected) == expected
    assert row.unit is None and row.reasons == ("unknown_unit", "reply_to_differs", "no_document")


def test_a_from_with_several_addresses_is_stored_with_all_of_them(
    sessions: SessionFactory,
) -> None:
    store(sessions, 1, "From: undisclosed: vanthu.hoahoi@tayninh.gov.vn, attacker@evil.example;")
    with sessions() as session:
        [row] = list_submissions(session)
    assert row.from_address == "vanthu.hoahoi@tayninh.gov.vn, attacker@evil.example"
    assert (row.unit, row.status, row.reasons) == (
        None,
        "needs_review",
        ("ambiguous_sender", "no_document"),
    )
    assert (row.sender, row.reply_to) == (None, ())
