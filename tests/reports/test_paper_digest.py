"""The digest and the reminders of a campaign that requires the paper copy."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

from parsers.campaign import PAPER_COPY, SOFT_FILE
from reports.compliance import assess_compliance
from reports.digest import build_digest, digest_window, render_html, render_text, units_to_remind
from reports.notices import reminder_notice
from store.paper import PaperCopyRow
from tests.reports.rows import CAMPAIGN, ROSTER, submission

ICT = timezone(timedelta(hours=7))
DAY = date(2024, 6, 21)
BOTH = replace(CAMPAIGN, requires=(SOFT_FILE, PAPER_COPY))
SIGNATURE = "Phòng Nội vụ"


def paper(unit: str, day: date) -> PaperCopyRow:
    recorded = datetime(2024, 6, 21, 2, 0, tzinfo=UTC)
    return PaperCopyRow("2024", unit, day, 1, None, None, "hoa", recorded)


def rows():  # type: ignore[no-untyped-def]
    return [
        submission(1, "xa-thai-binh", datetime(2024, 6, 10, 9, 0, tzinfo=ICT)),
        submission(2, "xa-an-co", datetime(2024, 6, 11, 9, 0, tzinfo=ICT)),
    ]


def digest(campaign, papers):  # type: ignore[no-untyped-def]
    window = digest_window(campaign, DAY, None)
    return build_digest(ROSTER, campaign, DAY, window, rows(), [], papers)


def test_the_digest_lists_the_required_units_whose_paper_copy_is_missing() -> None:
    made = digest(BOTH, {"xa-thai-binh": paper("xa-thai-binh", date(2024, 6, 12))})
    assert made.missing_paper == ("UBND xã An Cơ", "Phòng Tư pháp")
    text = render_text(made)
    assert "CHƯA NỘP BẢN GIẤY (2)\n- UBND xã An Cơ\n- Phòng Tư pháp\n" in text
    assert "Chưa nộp bản giấy (2)" in render_html(made)


def test_a_paper_copy_handed_in_after_the_day_the_digest_covers_is_not_seen_yet() -> None:
    made = digest(BOTH, {"xa-thai-binh": paper("xa-thai-binh", DAY)})
    assert "UBND xã Thái Bình" in made.missing_paper


def test_the_digest_of_a_campaign_of_the_soft_file_alone_says_nothing_of_paper() -> None:
    made = digest(CAMPAIGN, {})
    assert made.missing_paper == () and not made.paper_required
    assert "BẢN GIẤY" not in render_text(made) and "bản giấy" not in render_html(made)


def test_a_unit_with_its_file_but_no_paper_copy_is_reminded_of_the_paper_copy_alone() -> None:
    standing = assess_compliance(ROSTER, BOTH, rows(), {})
    due = {unit.code: lacking for unit, lacking in units_to_remind(standing)}
    assert due == {
        "xa-thai-binh": (PAPER_COPY,),
        "xa-an-co": (PAPER_COPY,),
        "phong-tu-phap": (SOFT_FILE, PAPER_COPY),
    }
    unit = ROSTER.units[0]
    notice = reminder_notice(
        unit, BOTH, date(2024, 6, 23), "phongnv-cth@tayninh.gov.vn", SIGNATURE, (PAPER_COPY,)
    )
    assert notice.subject == "Nhắc nộp bản giấy sáng kiến CCHC: hạn chót hết ngày 25/06/2024"
    assert "đã nhận được bản điện tử" in notice.text
    assert "chưa nhận được bản giấy của quý đơn vị" in notice.text
    both = reminder_notice(
        ROSTER.units[2], BOTH, date(2024, 6, 23), "p@b.vn", SIGNATURE, (SOFT_FILE, PAPER_COPY)
    )
    assert both.subject.startswith("Nhắc gửi sáng kiến CCHC")
    assert "cũng chưa nhận được bản giấy" in both.text


def test_the_reminder_of_the_soft_file_alone_is_unchanged() -> None:
    standing = assess_compliance(ROSTER, CAMPAIGN, rows(), {})
    assert [(u.code, lacking) for u, lacking in units_to_remind(standing)] == [
        ("phong-tu-phap", (SOFT_FILE,))
    ]
    notice = reminder_notice(ROSTER.units[2], CAMPAIGN, date(2024, 6, 23), "p@b.vn", SIGNATURE)
    assert "bản giấy" not in notice.text
    assert notice.text.startswith(
        'Kính gửi Phòng Tư pháp,\n\nTheo kế hoạch "Sáng kiến CCHC 2024", mỗi đơn vị gửi'
    )
    assert "để đối chiếu.\n\nĐây là thư nhắc tự động.\n\nPhòng Nội vụ\n" in notice.text
