"""The campaign's window and the timing rule."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


class Timing(enum.StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


#: The forms of a submission a campaign may require: the soft file by e-mail, and
#: the bound paper copy handed in at the office.
SOFT_FILE = "soft_file"
PAPER_COPY = "paper_copy"
FORMS = (SOFT_FILE, PAPER_COPY)


@dataclass(frozen=True)
class Campaign:
    name: str
    opens: date
    closes: date  # inclusive: the whole day counts, in ``timezone``
    timezone: str
    min_per_unit: int = 1
    # The campaign's short code ("2024"): what commands and records name it by.
    # Empty means the year it opens, which is what a register kept before codes
    # existed calls its one campaign.
    code: str = ""
    requires: tuple[str, ...] = field(default=(SOFT_FILE,))

    def __post_init__(self) -> None:
        if not self.code:
            object.__setattr__(self, "code", str(self.opens.year))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def opens_at(self) -> datetime:
        return datetime.combine(self.opens, time(0, 0), tzinfo=self.zone)

    @property
    def ends_at(self) -> datetime:
        """Return the first instant that is late (midnight after ``closes``)."""
        return datetime.combine(self.closes + timedelta(days=1), time(0, 0), tzinfo=self.zone)


def judge_timing(received_at: datetime, campaign: Campaign) -> Timing:
    """Judge a submission by the server's receive time, never the Date: header."""
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    if received_at < campaign.opens_at:
        return Timing.EARLY
    if received_at < campaign.ends_at:
        return Timing.ON_TIME
    return Timing.LATE
