from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from reports.notices import receipt_notice, reminder_notice
from tests.reports.rows import CAMPAIGN, ROSTER, submission

ICT = timezone(timedelta(hours=7))
SIGNATURE = "Phòng Nội vụ huyện Châu Thành"


def test_a_receipt_names_the_unit_files_time_and_timing_in_vietnamese() -> None:
    row = submission(1, "xa-thai-binh", datetime(2024, 6, 25, 23, 59, tzinfo=ICT))
    notice = receipt_notice(
        row, "UBND xã Thái Bình", CAMPAIGN, "phongnv-cth@tayninh.gov.vn", SIGNATURE
    )
    assert notice.subject == "Re: Gửi sáng kiến"
    assert "Kính gửi UBND xã Thái Bình," in notice.text
    assert "lúc 25/06/2024 23:59 (giờ Việt Nam)" in notice.text
    assert "Thời hạn: đúng hạn." in notice.text
    assert "- sang-kien.docx" in notice.text
    assert "- Số hóa hồ sơ một cửa" in notice.text
    assert notice.text.rstrip().endswith(SIGNATURE)


def test_a_late_receipt_says_it_is_late() -> None:
    row = submission(1, "xa-an-co", datetime(2024, 6, 26, 0, 0, tzinfo=ICT), timing="late")
    notice = receipt_notice(row, "UBND xã An Cơ", CAMPAIGN, "p@tayninh.gov.vn", SIGNATURE)
    assert "Thời hạn: trễ hạn (sau hết ngày hạn chót)." in notice.text


def test_a_reply_to_a_reply_keeps_its_subject() -> None:
    row = submission(1, "xa-an-co", datetime(2024, 6, 1, tzinfo=ICT), subject="RE: bổ sung hồ sơ")
    assert receipt_notice(row, "x", CAMPAIGN, "p@b.vn", SIGNATURE).subject == "RE: bổ sung hồ sơ"


def test_a_reminder_gives_the_deadline_and_the_days_left() -> None:
    unit = ROSTER.units[2]
    notice = reminder_notice(
        unit, CAMPAIGN, date(2024, 6, 23), "phongnv-cth@tayninh.gov.vn", SIGNATURE
    )
    assert notice.subject == "Nhắc gửi sáng kiến CCHC: hạn chót hết ngày 25/06/2024"
    assert "Kính gửi Phòng Tư pháp," in notice.text
    assert "Còn 2 ngày đến hạn chót." in notice.text
    assert "đến hết ngày 25/06/2024" in notice.text
