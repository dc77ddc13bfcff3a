"""Campaigns: their windows, the timing rule, and which campaign a message belongs to."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from parsers.text import search_form


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
    # Words that tell this campaign's mail from another's ("báo cáo quý"), looked for
    # in the subject, the body and the documents; none: the window alone decides.
    keywords: tuple[str, ...] = ()
    # A periodic report's occurrence (parsers.periods): the definition's code, the
    # period's label ("quý II/2024") and what a subject says to name the period
    # ("quý II", "quý 2"). Empty for a campaign that does not recur.
    series: str = ""
    period: str = ""
    period_terms: tuple[str, ...] = ()
    # Days before ``closes`` its reminders go out; None: the configuration's default.
    reminder_days: tuple[int, ...] | None = None

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


@dataclass(frozen=True)
class Attribution:
    """Which campaign a message belongs to, and how it stands in every campaign."""

    campaign: str | None  # the code; None when the rule could not tell (see candidates)
    candidates: tuple[str, ...]  # the codes it could not tell apart, oldest first
    timings: Mapping[str, Timing]  # the message judged against each campaign, by code


def attribute(
    received_at: datetime, text: str, campaigns: Sequence[Campaign], subject: str = ""
) -> Attribution:
    """Return the campaign a message received at ``received_at`` belongs to.

    ``text`` is what the message says (subject, body, documents). Campaigns
    whose keywords it names come first; failing those, campaigns without
    keywords; failing both, every campaign. Of a periodic report's periods,
    those the ``subject`` names ("quý II") come first: documents carry dates of
    every month, so only the subject is trusted to name a period. Among them the one whose window
    holds the receive time wins; outside every window, the one that closed
    last before it (the mail is late for it), else the one that opens next
    (early). Two that the rule cannot tell apart go to a person.
    """
    timings = {c.code: judge_timing(received_at, c) for c in campaigns}
    pool = _by_period(subject, _by_keywords(text, campaigns))
    open_now = [c for c in pool if timings[c.code] is Timing.ON_TIME]
    if not open_now:
        closed = [c for c in pool if timings[c.code] is Timing.LATE]
        if closed:
            last = max(c.ends_at for c in closed)
            open_now = [c for c in closed if c.ends_at == last]
        else:
            first = min(c.opens_at for c in pool)
            open_now = [c for c in pool if c.opens_at == first]
    if len(open_now) == 1:
        return Attribution(open_now[0].code, (), timings)
    ordered = sorted(open_now, key=lambda c: (c.opens_at, c.code))
    return Attribution(None, tuple(c.code for c in ordered), timings)


def _by_keywords(text: str, campaigns: Sequence[Campaign]) -> list[Campaign]:
    if not any(c.keywords for c in campaigns):
        return list(campaigns)
    folded = search_form(text)
    named = [c for c in campaigns if any(_names(folded, k) for k in c.keywords)]
    if named:
        return named
    plain = [c for c in campaigns if not c.keywords]
    return plain or list(campaigns)


def _by_period(subject: str, pool: list[Campaign]) -> list[Campaign]:
    if not subject or not any(c.period_terms for c in pool):
        return pool
    folded = search_form(subject)
    named = [c for c in pool if any(_names(folded, t) for t in c.period_terms)]
    return named or pool


def _names(text: str, keyword: str) -> bool:
    """Whether ``text`` (in search form) holds ``keyword`` as whole words, without marks or case."""
    wanted = search_form(keyword)
    return bool(wanted) and re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", text) is not None
