"""The digest read from the register is the digest of every row, on both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from reports.digest import build_digest, digest_window, render_html, render_text
from reports.digest_sources import gather_digest
from store.db import SessionFactory
from store.outbox import record_digest_run
from store.read import last_digest_until, list_mailboxes, list_submissions
from store.write import load_mailbox_state
from tests.reports.rows import CAMPAIGN, ROSTER
from tests.store.register import store_message

ICT = timezone(timedelta(hours=7))


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2024, 6, day, hour, minute, tzinfo=ICT)


def fill(sessions: SessionFactory) -> None:
    """A register with one of each kind of message around the days the digests cover."""
    store_message(sessions, 1, at(18), files=(("a.pdf", "Một cửa số"),))
    store_message(sessions, 2, at(19, 23, 59), "xa-an-co", files=(("Báo cáo SK.pdf", None),))
    store_message(sessions, 3, at(20, 0, 0), "xa-an-co", files=(("Báo cáo SK.pdf", None),))
    store_message(sessions, 4, at(20, 8), None, status="needs_review", reasons=("unknown_unit",))
    store_message(sessions, 5, at(20, 9), status="ignored", files=())
    store_message(sessions, 6, at(20, 10), "phong-tu-phap", reasons=("auth_failed",))
    store_message(sessions, 7, at(20, 11), parse_status="failed", status=None, timing=None)
    store_message(sessions, 8, at(20, 12), "hoi-nong-dan", files=(("anh.png", None),))
    store_message(sessions, 9, at(20, 13), "xa-an-co", timing="late", reasons=("late",))
    store_message(sessions, 10, at(21, 0, 0), "phong-tu-phap", files=(("b.pdf", "Hồ sơ"),))
    store_message(sessions, 11, at(26), "xa-an-co", timing="late", status="needs_review")
    with sessions.begin() as session:
        state = load_mailbox_state(session, "phongnv", "INBOX")
        state.last_success_at = at(21, 6).astimezone(UTC)
        state.last_attempt_at = at(21, 6, 30).astimezone(UTC)
        state.last_error = "LOGIN failed"


def digest_of_every_row(sessions: SessionFactory, for_date: date):  # type: ignore[no-untyped-def]
    """The digest as computed before the register was queried for it: from every row."""
    with sessions() as session:
        start = digest_window(CAMPAIGN, for_date, None).until
        window = digest_window(CAMPAIGN, for_date, last_digest_until(session, start))
        rows = list_submissions(session)
        boxes = list_mailboxes(session)
    return build_digest(ROSTER, CAMPAIGN, for_date, window, rows, boxes)


@pytest.mark.parametrize(
    "for_date", [date(2024, 6, 1), date(2024, 6, 21), date(2024, 6, 22), date(2024, 6, 30)]
)
def test_the_digest_read_from_the_register_is_the_digest_of_every_row(
    sessions: SessionFactory, for_date: date
) -> None:
    fill(sessions)
    expected = digest_of_every_row(sessions, for_date)
    digest = gather_digest(sessions, ROSTER, CAMPAIGN, for_date)
    assert digest == expected
    assert render_text(digest) == render_text(expected)
    assert render_html(digest) == render_html(expected)


def test_the_digest_of_a_busy_day_shows_its_mail_the_review_queue_and_the_standing(
    sessions: SessionFactory,
) -> None:
    fill(sessions)
    digest = gather_digest(sessions, ROSTER, CAMPAIGN, date(2024, 6, 21))
    assert [n.received for n in digest.new] == [
        "20/06/2024 00:00",
        "20/06/2024 08:00",
        "20/06/2024 10:00",
        "20/06/2024 11:00",
        "20/06/2024 12:00",
        "20/06/2024 13:00",
    ]
    assert [r.id for r in digest.review] == [4, 6, 7]
    assert digest.failed_messages == 1
    assert digest.counts == {"on_time": 3, "late": 0, "missing": 0}
    assert "Lỗi lần cuối (21/06/2024 06:30): LOGIN failed" in render_text(digest)


def test_after_missed_digests_the_register_gives_the_mail_since_the_last_one_sent(
    sessions: SessionFactory,
) -> None:
    fill(sessions)
    with sessions.begin() as session:
        record_digest_run(session, date(2024, 6, 19), at(18, 0, 0), at(19, 0, 0), at(19, 7), None)
    digest = gather_digest(sessions, ROSTER, CAMPAIGN, date(2024, 6, 21))
    assert digest == digest_of_every_row(sessions, date(2024, 6, 21))
    assert digest.new[0].received == "19/06/2024 23:59"


def test_mail_from_a_new_address_read_from_the_register_is_listed_as_from_every_row(
    sessions: SessionFactory,
) -> None:
    fill(sessions)
    store_message(
        sessions,
        12,
        at(20, 14),
        "xa-an-co",
        reasons=("new_sender_address", "reply_to_differs"),
        from_address="canbo.anco@gmail.com",
        reply_to=("canbo.anco@gmail.com", "khac@gmail.com"),
        sender="tro.ly@gmail.com",
    )
    digest = gather_digest(sessions, ROSTER, CAMPAIGN, date(2024, 6, 21))
    assert digest == digest_of_every_row(sessions, date(2024, 6, 21))
    [item] = digest.new_addresses
    assert (item.unit, item.sender, item.replies_to) == (
        "UBND xã An Cơ",
        "Văn thư <canbo.anco@gmail.com>",
        "tro.ly@gmail.com, khac@gmail.com",
    )


def test_the_digest_shows_the_standing_of_every_other_campaign_open_that_day(
    sessions: SessionFactory,
) -> None:
    quarterly = replace(
        CAMPAIGN, code="bc-quy-2024-q2", name="Báo cáo CCHC quý II/2024", closes=date(2024, 6, 25)
    )
    store_message(sessions, 1, at(18), "xa-an-co", campaign="bc-quy-2024-q2")
    store_message(sessions, 2, at(19), "phong-tu-phap", campaign=CAMPAIGN.code)
    digest = gather_digest(sessions, ROSTER, CAMPAIGN, date(2024, 6, 21), [quarterly])
    [other] = digest.others
    assert (other.name, other.days_left, other.counts["on_time"]) == (
        "Báo cáo CCHC quý II/2024",
        4,
        1,
    )
    assert "UBND xã An Cơ" not in other.missing
    assert "Phòng Tư pháp" in other.missing  # its mail was of the initiatives, not the report
    text = render_text(digest)
    assert "CÁC ĐỢT KHÁC ĐANG MỞ (1)" in text
    assert "* Báo cáo CCHC quý II/2024: Còn 4 ngày đến hạn chót (25/06/2024)." in text
    html = render_html(digest)
    assert 'id="others"' in html and "Báo cáo CCHC quý II/2024" in html
    alone = gather_digest(sessions, ROSTER, CAMPAIGN, date(2024, 6, 21))
    assert alone.others == () and "CÁC ĐỢT KHÁC" not in render_text(alone)
