"""Who has submitted, who is late, who is missing: a pure function of the rows."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from parsers.campaign import Campaign
from parsers.roster import Roster, Unit
from store.read import SubmissionRow
from store.tallies import ON_TIME_TIMINGS, UnitTally, document_key

COUNTING_TIMINGS = frozenset(ON_TIME_TIMINGS)


class UnitStatus(enum.StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"


@dataclass(frozen=True)
class UnitCompliance:
    unit: Unit
    status: UnitStatus
    on_time: int
    late: int
    initiatives: int
    first_received_at: datetime | None


def assess_compliance(
    roster: Roster, campaign: Campaign, submissions: Iterable[SubmissionRow]
) -> list[UnitCompliance]:
    """Return each unit's standing, in roster order.

    An initiative is a distinct normalised title among a unit's accepted
    documents (a corrected resubmission is the same initiative); it counts as
    on time when any of its copies arrived early or on time.
    """
    timings: dict[str, dict[str, set[str]]] = {}
    first: dict[str, datetime] = {}
    for row in submissions:
        if row.status != "accepted" or row.unit is None or row.timing is None:
            continue
        keys = timings.setdefault(row.unit, {})
        for key in initiative_keys(row):
            keys.setdefault(key, set()).add(row.timing)
        if row.unit not in first or row.received_at < first[row.unit]:
            first[row.unit] = row.received_at
    tallies = {
        unit: UnitTally(
            on_time=sum(1 for t in keys.values() if t & COUNTING_TIMINGS),
            initiatives=len(keys),
            first_received_at=first[unit],
        )
        for unit, keys in timings.items()
    }
    return assess_tallies(roster, campaign, tallies)


def assess_tallies(
    roster: Roster, campaign: Campaign, tallies: Mapping[str, UnitTally]
) -> list[UnitCompliance]:
    """Return each unit's standing from its counted initiatives, in roster order.

    The register counts them in SQL (store.tallies.compliance_tallies), without
    loading every message; units outside the roster are left out.
    """
    return [_standing(unit, tallies.get(unit.code), campaign.min_per_unit) for unit in roster.units]


def initiative_keys(row: SubmissionRow) -> set[str]:
    """Return the keys of the initiatives a submission carries.

    A document whose title could not be read still counts, keyed by its name.
    """
    keys = {i.title_key for i in row.initiatives}
    titled_files = {i.filename for i in row.initiatives}
    for attachment in row.attachments:
        if attachment.is_document and attachment.filename not in titled_files:
            keys.add(document_key(attachment.filename))
    return keys


def _standing(unit: Unit, tally: UnitTally | None, minimum: int) -> UnitCompliance:
    if tally is None:
        return UnitCompliance(unit, UnitStatus.MISSING, 0, 0, 0, None)
    on_time, total = tally.on_time, tally.initiatives
    if on_time >= minimum and total:
        status = UnitStatus.ON_TIME
    elif total >= minimum and total:
        status = UnitStatus.LATE
    else:
        status = UnitStatus.MISSING
    return UnitCompliance(unit, status, on_time, total - on_time, total, tally.first_received_at)
