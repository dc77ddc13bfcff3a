"""Moments as the campaign's zone shows them: ISO 8601 for machines, dd/mm/yyyy for people."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local_iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    """Return ``moment`` as ISO 8601 with the campaign zone's offset."""
    return moment.astimezone(zone).isoformat() if moment else None


def local_text(moment: datetime | None, zone: ZoneInfo) -> str:
    """Return ``moment`` as Vietnamese officials write it: 25/06/2024 23:59."""
    return moment.astimezone(zone).strftime("%d/%m/%Y %H:%M") if moment else ""
