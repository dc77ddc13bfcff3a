from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from parsers.campaign import Campaign, Timing, attribute, judge_timing
from parsers.periods import Every, Recurrence, expand

CAMPAIGN = Campaign("Sáng kiến CCHC 2024", date(2024, 5, 15), date(2024, 6, 25), "Asia/Ho_Chi_Minh")
ICT = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("received_at", "expected"),
    [
        (datetime(2024, 5, 14, 23, 59, 59, tzinfo=ICT), Timing.EARLY),
        (datetime(2024, 5, 15, 0, 0, 0, tzinfo=ICT), Timing.ON_TIME),
        (datetime(2024, 6, 25, 23, 59, 30, tzinfo=ICT), Timing.ON_TIME),
        (datetime(2024, 6, 26, 0, 0, 0, tzinfo=ICT), Timing.LATE),
        (datetime(2024, 6, 26, 0, 0, 30, tzinfo=ICT), Timing.LATE),
        # 17:30 UTC on the 25th is 00:30 on the 26th in Vietnam.
        (datetime(2024, 6, 25, 17, 30, tzinfo=UTC), Timing.LATE),
        (datetime(2024, 6, 25, 16, 59, 59, tzinfo=UTC), Timing.ON_TIME),
    ],
)
def test_timing_is_judged_in_the_campaign_zone(received_at: datetime, expected: Timing) -> None:
    assert judge_timing(received_at, CAMPAIGN) is expected


def test_late_by_thirty_seconds_is_late() -> None:
    assert judge_timing(CAMPAIGN.ends_at + timedelta(seconds=30), CAMPAIGN) is Timing.LATE


def test_a_naive_receive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        judge_timing(datetime(2024, 6, 1, 9, 0), CAMPAIGN)


# --- which campaign a message belongs to -----------------------------------------

ZONE = "Asia/Ho_Chi_Minh"
Y2024 = Campaign("Sáng kiến CCHC 2024", date(2024, 5, 15), date(2024, 6, 25), ZONE)
Q2 = Campaign(
    "Báo cáo CCHC quý II/2024",
    date(2024, 6, 1),
    date(2024, 6, 15),
    ZONE,
    code="bc-quy-2-2024",
    keywords=("báo cáo CCHC quý II", "báo cáo quý II"),
)
Y2025 = Campaign("Sáng kiến CCHC 2025", date(2025, 5, 1), date(2025, 6, 20), ZONE)
PLAIN_TWIN = Campaign("Đợt bổ sung 2024", date(2024, 6, 10), date(2024, 7, 10), ZONE, code="bs")


def local(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=ICT)


def test_with_one_campaign_every_message_is_its_own_whatever_it_says_or_when() -> None:
    for moment in (local(2023, 1, 1), local(2024, 6, 1), local(2030, 1, 1)):
        assert attribute(moment, "thư bất kỳ", [Q2]).campaign == "bc-quy-2-2024"


def test_inside_an_overlap_the_keywords_tell_the_quarterly_report_from_the_initiatives() -> None:
    report = attribute(local(2024, 6, 10), "V/v gửi Báo cáo CCHC quý II năm 2024", [Y2024, Q2])
    initiative = attribute(local(2024, 6, 10), "Gửi sáng kiến cải cách hành chính", [Y2024, Q2])
    assert (report.campaign, initiative.campaign) == ("bc-quy-2-2024", "2024")


def test_keywords_match_without_marks_or_case_but_only_whole_words() -> None:
    assert attribute(local(2024, 6, 10), "gui BAO CAO QUY II", [Y2024, Q2]).campaign == (
        "bc-quy-2-2024"
    )
    # "báo cáo quý III" names another quarter: "quý II" is not a whole word of it.
    assert attribute(local(2024, 6, 10), "báo cáo quý III", [Y2024, Q2]).campaign == "2024"


def test_two_open_campaigns_that_nothing_tells_apart_go_to_a_person_oldest_first() -> None:
    found = attribute(local(2024, 6, 20), "Gửi sáng kiến", [PLAIN_TWIN, Y2024])
    assert found.campaign is None
    assert found.candidates == ("2024", "bs")
    assert found.timings == {"2024": Timing.ON_TIME, "bs": Timing.ON_TIME}


def test_mail_after_every_window_is_late_for_the_campaign_that_closed_last() -> None:
    found = attribute(local(2024, 12, 1), "Gửi sáng kiến", [Y2024, Y2025])
    assert found.campaign == "2024"
    assert found.timings["2024"] is Timing.LATE
    assert attribute(local(2025, 8, 1), "Gửi sáng kiến", [Y2024, Y2025]).campaign == "2025"


def test_mail_before_every_window_is_early_for_the_campaign_that_opens_first() -> None:
    found = attribute(local(2024, 1, 3), "Gửi sáng kiến", [Y2025, Y2024])
    assert (found.campaign, found.timings["2024"]) == ("2024", Timing.EARLY)


def test_a_report_sent_late_still_goes_to_its_quarter_not_to_the_open_campaign() -> None:
    found = attribute(local(2024, 6, 20), "Báo cáo CCHC quý II (gửi chậm)", [Y2024, Q2])
    assert (found.campaign, found.timings["bc-quy-2-2024"]) == ("bc-quy-2-2024", Timing.LATE)


def test_when_every_campaign_has_keywords_and_none_is_named_the_window_decides() -> None:
    q3 = Campaign(
        "Báo cáo quý III",
        date(2024, 9, 1),
        date(2024, 9, 15),
        ZONE,
        code="q3",
        keywords=("báo cáo quý III",),
    )
    assert attribute(local(2024, 9, 5), "gửi báo cáo", [Q2, q3]).campaign == "q3"


# --- periodic reports: the subject names the period ---------------------------------

QUARTERS = expand(
    Campaign(
        "Báo cáo CCHC {period}",
        date(2024, 1, 1),
        date(2024, 1, 1),
        ZONE,
        code="bc-quy",
        keywords=("báo cáo CCHC",),
    ),
    Recurrence(Every.QUARTER, date(2024, 1, 1), date(2025, 12, 31), 15),
)


def test_a_report_sent_after_the_next_quarter_opened_goes_to_the_quarter_its_subject_names() -> (
    None
):
    subject = "Báo cáo CCHC quý II năm 2024"
    found = attribute(local(2024, 7, 3), subject, [Y2024, *QUARTERS], subject)
    assert (found.campaign, found.timings["bc-quy-2024-q2"]) == ("bc-quy-2024-q2", Timing.LATE)


def test_the_quarter_of_the_right_year_is_the_one_that_closed_last() -> None:
    subject = "Báo cáo CCHC quý IV"
    found = attribute(local(2025, 1, 10), subject, QUARTERS, subject)
    assert found.campaign == "bc-quy-2024-q4"


def test_dates_in_the_documents_do_not_name_a_period_only_the_subject_does() -> None:
    text = "Báo cáo CCHC\nChâu Thành, ngày 20 tháng 6 năm 2024, báo cáo quý II đã gửi"
    found = attribute(local(2024, 9, 10), text, QUARTERS, subject="Báo cáo CCHC")
    assert found.campaign == "bc-quy-2024-q3"  # the window decides


def test_quy_one_does_not_name_quarters_two_and_three() -> None:
    subject = "Báo cáo CCHC quý I/2024"
    found = attribute(local(2024, 5, 2), subject, QUARTERS, subject)
    assert (found.campaign, found.timings["bc-quy-2024-q1"]) == ("bc-quy-2024-q1", Timing.LATE)
