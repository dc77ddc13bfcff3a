from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from ingest.commands.review import REASON_LABELS as REASON_WORDS
from parsers.classify import BLOCKING
from reports.digest import (
    REASON_LABELS,
    build_digest,
    deadline_phrase,
    digest_window,
    render_html,
    render_text,
)
from store.read import MailboxRow
from tests.reports.rows import CAMPAIGN, ROSTER, submission

ICT = timezone(timedelta(hours=7))
DAY = date(2024, 6, 21)


def box(error: str | None = None) -> MailboxRow:
    return MailboxRow(
        "phongnv",
        "INBOX",
        7,
        14,
        datetime(2024, 6, 21, 6, 55, tzinfo=ICT),
        datetime(2024, 6, 21, 6, 0, tzinfo=ICT),
        error,
        14,
    )


def digest_of(rows, mailboxes=(), last_until=None):  # type: ignore[no-untyped-def]
    window = digest_window(CAMPAIGN, DAY, last_until)
    return build_digest(ROSTER, CAMPAIGN, DAY, window, rows, list(mailboxes))


def test_the_window_is_the_whole_day_before_in_the_campaign_zone() -> None:
    window = digest_window(CAMPAIGN, DAY, None)
    assert window.day == date(2024, 6, 20)
    assert window.since == datetime(2024, 6, 20, 0, 0, tzinfo=ICT)
    assert window.until == datetime(2024, 6, 21, 0, 0, tzinfo=ICT)


def test_after_missed_digests_the_window_reaches_back_to_the_last_one_sent() -> None:
    last = datetime(2024, 6, 18, 0, 0, tzinfo=ICT)
    assert digest_window(CAMPAIGN, DAY, last).since == last


def test_new_mail_is_the_mail_received_in_the_window_except_ignored() -> None:
    rows = [
        submission(1, "xa-thai-binh", datetime(2024, 6, 19, 23, 59, tzinfo=ICT)),
        submission(2, "xa-an-co", datetime(2024, 6, 20, 0, 0, tzinfo=ICT)),
        submission(3, None, datetime(2024, 6, 20, 9, 0, tzinfo=ICT), status="ignored"),
        submission(4, "phong-tu-phap", datetime(2024, 6, 21, 0, 0, tzinfo=ICT)),
    ]
    digest = digest_of(rows)
    assert [n.unit for n in digest.new] == ["UBND xã An Cơ"]


def test_the_unit_table_is_as_of_the_end_of_the_day_covered() -> None:
    rows = [
        submission(1, "xa-thai-binh", datetime(2024, 6, 19, 8, 0, tzinfo=ICT)),
        submission(2, "xa-an-co", datetime(2024, 6, 21, 8, 0, tzinfo=ICT)),  # after the window
    ]
    digest = digest_of(rows)
    assert digest.counts == {"on_time": 1, "late": 0, "missing": 2}
    assert digest.missing == ("UBND xã An Cơ", "Phòng Tư pháp")
    assert [u.name for u in digest.units] == ["UBND xã Thái Bình", "UBND xã An Cơ", "Phòng Tư pháp"]


def test_a_unit_that_is_not_required_is_listed_only_once_it_sends() -> None:
    rows = [submission(1, "hoi-nong-dan", datetime(2024, 6, 19, 8, 0, tzinfo=ICT))]
    lines = {u.name: u for u in digest_of(rows).units}
    assert not lines["Hội Nông dân huyện"].required
    assert digest_of(rows).counts["on_time"] == 0


@pytest.mark.parametrize(
    ("days", "phrase"),
    [
        (4, "Còn 4 ngày đến hạn chót"),
        (1, "Còn 1 ngày: hạn chót là hết ngày mai"),
        (0, "Hôm nay là hạn chót (đến hết ngày)"),
        (-1, "Đã quá hạn chót 1 ngày"),
    ],
)
def test_days_left_until_the_deadline_read_naturally(days: int, phrase: str) -> None:
    assert deadline_phrase(days) == phrase


def test_days_left_counts_from_the_digest_date() -> None:
    assert digest_of([]).days_left == 4


def test_the_review_queue_explains_each_message_in_vietnamese() -> None:
    when = datetime(2024, 6, 20, 9, 0, tzinfo=ICT)
    failed = replace(submission(4, None, when, status="needs_review"), parse_status="failed")
    failed = replace(failed, status=None)
    rows = [
        submission(1, None, when, status="needs_review", reasons=("unknown_unit",)),
        submission(2, "xa-an-co", when, status="needs_review", reasons=("no_document", "late")),
        submission(3, "xa-thai-binh", when, reasons=("auth_failed",)),
        submission(5, "phong-tu-phap", when, reasons=("unreadable_attachment",)),
        submission(6, "phong-tu-phap", when),
        failed,
    ]
    review = {item.id: item.reasons for item in digest_of(rows).review}
    assert review == {
        1: ("Không rõ đơn vị gửi (địa chỉ lạ)",),
        2: ("Không có tệp văn bản đính kèm",),
        3: ("Nghi giả mạo người gửi (xác thực thư không đạt)",),
        5: ("Có tệp không đọc được",),
        4: ("Không phân tích được thư",),
    }


def test_the_text_digest_shows_every_section() -> None:
    rows = [
        submission(1, "xa-thai-binh", datetime(2024, 6, 20, 9, 15, tzinfo=ICT)),
        submission(
            2,
            None,
            datetime(2024, 6, 20, 10, 0, tzinfo=ICT),
            status="needs_review",
            reasons=("unknown_unit",),
        ),
    ]
    text = render_text(digest_of(rows, [box("LOGIN failed")]))
    assert "Ngày 20/06/2024" in text
    assert "Còn 4 ngày đến hạn chót (25/06/2024)." in text
    assert "- Đã nộp đúng hạn: 1\n- Nộp trễ: 0\n- Chưa nộp: 2" in text
    assert "1. THƯ MỚI (2)" in text
    assert "* 20/06/2024 09:15 — UBND xã Thái Bình" in text
    assert "- UBND xã An Cơ: Chưa nộp" in text
    assert "3. ĐƠN VỊ CHƯA NỘP (2)\n- UBND xã An Cơ\n- Phòng Tư pháp" in text
    assert "Lý do: Không rõ đơn vị gửi (địa chỉ lạ)" in text
    assert "phongnv/INBOX: 14 thư, đọc thành công lần cuối 21/06/2024 06:00" in text
    assert "Lỗi lần cuối (21/06/2024 06:55): LOGIN failed" in text


def test_the_text_digest_fits_a_phone_screen() -> None:
    rows = [submission(1, "xa-thai-binh", datetime(2024, 6, 20, 9, 15, tzinfo=ICT), title=None)]
    text = render_text(digest_of(rows, [box()]))
    assert max(len(line) for line in text.splitlines()) <= 80


def test_the_html_digest_escapes_what_strangers_wrote() -> None:
    rows = [
        submission(
            1,
            None,
            datetime(2024, 6, 20, 9, 0, tzinfo=ICT),
            status="needs_review",
            reasons=("unknown_unit",),
            subject="<script>alert(1)</script>",
        )
    ]
    html = render_html(digest_of(rows))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<table id="units"' in html
    assert 'name="viewport"' in html


def test_the_subject_sums_up_the_day() -> None:
    rows = [submission(1, "xa-thai-binh", datetime(2024, 6, 20, 9, 15, tzinfo=UTC))]
    assert digest_of(rows).subject == "[CCHC] Báo cáo ngày 20/06/2024: 1/3 đơn vị đã nộp, 1 thư mới"


def test_mail_taken_for_a_unit_from_a_new_address_has_its_own_section() -> None:
    when = datetime(2024, 6, 20, 9, 30, tzinfo=ICT)
    rows = [
        submission(1, "xa-thai-binh", datetime(2024, 6, 20, 9, 15, tzinfo=ICT)),
        replace(
            submission(2, "xa-an-co", when, sender="canbo.anco@gmail.com"),
            reasons=("new_sender_address", "reply_to_differs"),
            reply_to=("khac@gmail.com",),
        ),
        replace(
            submission(3, "xa-an-co", datetime(2024, 6, 19, 9, 0, tzinfo=ICT)),
            reasons=("new_sender_address",),
        ),
    ]
    digest = digest_of(rows)
    assert [(n.unit, n.sender, n.replies_to) for n in digest.new_addresses] == [
        ("UBND xã An Cơ", "Văn thư <canbo.anco@gmail.com>", "khac@gmail.com")
    ]
    text = render_text(digest)
    assert (
        "THƯ TỪ ĐỊA CHỈ MỚI (1)\n"
        "Nhận theo tên đơn vị, nhưng từ địa chỉ chưa có trong các địa chỉ\n"
        "đã biết của đơn vị: nên hỏi lại đơn vị.\n"
        "* 20/06/2024 09:30 — UBND xã An Cơ\n"
        "  Người gửi: Văn thư <canbo.anco@gmail.com>\n"
        "  Trả lời về: khac@gmail.com\n"
        "  Tiêu đề: Gửi sáng kiến\n"
        "  Đã nhận, đúng hạn\n"
    ) in text
    assert text.index("THƯ TỪ ĐỊA CHỈ MỚI") < text.index("1. THƯ MỚI (2)")
    assert max(len(line) for line in text.splitlines()) <= 80
    html = render_html(digest)
    assert 'id="new-addresses"' in html and "Thư từ địa chỉ mới (1)" in html
    assert "Trả lời về: khac@gmail.com" in html


def test_without_mail_from_a_new_address_the_digest_has_no_such_section() -> None:
    rows = [submission(1, "xa-thai-binh", datetime(2024, 6, 20, 9, 15, tzinfo=ICT))]
    assert "ĐỊA CHỈ MỚI" not in render_text(digest_of(rows))
    assert "new-addresses" not in render_html(digest_of(rows))


def test_every_reason_a_person_may_see_has_a_vietnamese_label() -> None:
    flags = {"unreadable_attachment", "late", "early", "new_sender_address", "reply_to_differs"}
    shown = BLOCKING | flags
    assert shown - REASON_LABELS.keys() == set()
    assert shown - REASON_WORDS.keys() == set()
