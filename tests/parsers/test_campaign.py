from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from parsers.campaign import Campaign, Timing, judge_timing

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
