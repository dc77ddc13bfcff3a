"""Which campaign a command means, and what staff are shown of one.

A command names a campaign by its code or means the campaign open today (else
the one that closed last, else the next to open).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.config import Config
from parsers.campaign import Campaign
from parsers.roster import Roster


class UnknownCampaign(Exception):
    """No configured campaign has the code a person gave."""

    def __init__(self, code: str, known: tuple[str, ...]) -> None:
        self.code = code
        self.known = known
        listed = ", ".join(known)
        super().__init__(
            f"Không có đợt mã {code!r} trong cấu hình (các đợt đã cấu hình: {listed})."
        )


def select_campaign(config: Config, code: str | None, today: date) -> Campaign:
    """Return the campaign ``code`` names, else the one open ``today`` (the one that opened
    last, if several are), else the one that closed last before it, else the next to open.

    Raise UnknownCampaign for a code no campaign has.
    """
    campaigns = config.campaigns
    if code is not None:
        found = config.find_campaign(code)
        if found is None:
            raise UnknownCampaign(code, tuple(c.code for c in campaigns))
        return found
    open_today = [c for c in campaigns if c.opens <= today <= c.closes]
    if open_today:
        return max(open_today, key=lambda c: c.opens)
    closed = [c for c in campaigns if c.closes < today]
    if closed:
        return max(closed, key=lambda c: c.closes)
    return min(campaigns, key=lambda c: c.opens)


@dataclass(frozen=True)
class CampaignSummary:
    """A campaign as `campaign list` / `campaign show` print it."""

    campaign: Campaign
    required_units: int


def summarise(campaign: Campaign, roster: Roster) -> CampaignSummary:
    return CampaignSummary(campaign, sum(1 for u in roster.units if u.required))
