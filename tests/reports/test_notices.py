from __future__ import annotations

from dataclasses import replace
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


def new_address_row():  # type: ignore[no-untyped-def]
    row = submission(1, "xa-thai-binh", datetime(2024, 6, 20, 9, 0, tzinfo=ICT))
    return replace(row, from_address="canbo.tb@gmail.com", reasons=("new_sender_address",))


def test_a_receipt_for_mail_from_a_new_address_says_so_and_that_the_unit_gets_a_copy() -> None:
    notice = receipt_notice(new_address_row(), "UBND xã Thái Bình", CAMPAIGN, "p@b.vn", SIGNATURE)
    assert notice.subject == "Re: Gửi sáng kiến"
    assert "Phòng Nội vụ đã nhận thư của quý đơn vị" in notice.text
    assert "Thư được gửi từ địa chỉ mới canbo.tb@gmail.com" in notice.text
    assert "gửi bản sao thư xác nhận này đến các\nđịa chỉ đã biết của đơn vị" in notice.text


def test_the_copy_to_the_units_known_addresses_names_the_new_address_and_asks_to_report() -> None:
    notice = receipt_notice(
        new_address_row(), "UBND xã Thái Bình", CAMPAIGN, "p@b.vn", SIGNATURE, copy=True
    )
    assert notice.subject == (
        "Bản sao xác nhận: thư nhân danh UBND xã Thái Bình từ địa chỉ mới canbo.tb@gmail.com"
    )
    assert "gửi nhân danh quý đơn vị" in notice.text
    assert "từ địa chỉ canbo.tb@gmail.com." in notice.text
    assert "Nếu quý đơn vị không gửi thư này, xin báo ngay cho Phòng Nội vụ." in notice.text
    assert "- sang-kien.docx" in notice.text


def test_a_receipt_for_mail_from_a_known_address_says_nothing_of_addresses() -> None:
    row = submission(1, "xa-thai-binh", datetime(2024, 6, 20, 9, 0, tzinfo=ICT))
    notice = receipt_notice(row, "UBND xã Thái Bình", CAMPAIGN, "p@b.vn", SIGNATURE)
    assert "địa chỉ mới" not in notice.text and "bản sao" not in notice.text


def test_a_reminder_of_a_periodic_report_names_the_report_not_an_initiative() -> None:
    quarter = replace(
        CAMPAIGN, code="bc-quy-2024-q2", name="Báo cáo CCHC quý II/2024", series="bc-quy"
    )
    notice = reminder_notice(
        ROSTER.units[2], quarter, date(2024, 6, 18), "phongnv-cth@tayninh.gov.vn", SIGNATURE
    )
    assert notice.subject.startswith("Nhắc gửi Báo cáo CCHC quý II/2024: hạn chót hết ngày")
    assert 'Mỗi đơn vị gửi "Báo cáo CCHC quý II/2024" về hộp thư' in notice.text
    assert "sáng kiến" not in notice.text
