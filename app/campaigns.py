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


class UnknownSeries(Exception):
    """No periodic report has the code a person gave, or none was given and several exist."""

    def __init__(self, code: str | None, known: tuple[str, ...]) -> None:
        self.code = code
        self.known = known
        listed = ", ".join(known) or "chưa có"
        if code is None:
            problem = "Cần --series MÃ: có nhiều báo cáo định kỳ"
        else:
            problem = f"Không có báo cáo định kỳ mã {code!r} trong cấu hình"
        super().__init__(f"{problem} (các báo cáo định kỳ: {listed}).")


def series_codes(config: Config) -> tuple[str, ...]:
    """Return the codes of the periodic reports configured, in order."""
    return tuple(dict.fromkeys(c.series for c in config.campaigns if c.series))


def select_series(config: Config, code: str | None) -> tuple[Campaign, ...]:
    """Return the periods of the periodic report ``code`` (the only one, if None), oldest
    first; raise UnknownSeries when there is no such report or the choice is not clear."""
    known = series_codes(config)
    if code is None and len(known) == 1:
        code = known[0]
    if code is None or code not in known:
        raise UnknownSeries(code, known)
    return tuple(sorted((c for c in config.campaigns if c.series == code), key=lambda c: c.opens))


def series_title(period: Campaign) -> str:
    """Return a periodic report's name without the period ("Báo cáo CCHC")."""
    return period.name.replace(period.period, "").strip(" -–/") or period.series


def open_campaigns(config: Config, day: date) -> tuple[Campaign, ...]:
    """Return the campaigns open on ``day`` (from their opening to their closing day),
    the one that opened last first: the order select_campaign prefers them in."""
    found = [c for c in config.campaigns if c.opens <= day <= c.closes]
    return tuple(sorted(found, key=lambda c: (c.opens, c.code), reverse=True))


@dataclass(frozen=True)
class CampaignSummary:
    """A campaign as `campaign list` / `campaign show` print it."""

    campaign: Campaign
    required_units: int


def summarise(campaign: Campaign, roster: Roster) -> CampaignSummary:
    return CampaignSummary(campaign, sum(1 for u in roster.in_force(campaign.closes) if u.required))
