"""Who has submitted, who is late, who is missing: a pure function of the rows."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from parsers.campaign import Campaign
from parsers.roster import Roster, Unit
from parsers.text import normalise_title
from store.read import InitiativeFact, SubmissionRow

COUNTING_TIMINGS = frozenset({"early", "on_time"})


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
    facts: list[InitiativeFact] = []
    first: dict[str, datetime] = {}
    for row in submissions:
        if row.status != "accepted" or row.unit is None or row.timing is None:
            continue
        facts.extend(InitiativeFact(row.unit, key, row.timing) for key in initiative_keys(row))
        if row.unit not in first or row.received_at < first[row.unit]:
            first[row.unit] = row.received_at
    return assess_facts(roster, campaign, facts, first)


def assess_facts(
    roster: Roster,
    campaign: Campaign,
    facts: Iterable[InitiativeFact],
    first: Mapping[str, datetime],
) -> list[UnitCompliance]:
    """Return each unit's standing from its accepted initiatives' timings.

    ``first`` is each unit's first accepted message. The register can compute
    both in SQL (store.read.compliance_facts), without loading every message.
    """
    timings: dict[str, dict[str, set[str]]] = {u.code: {} for u in roster.units}
    for fact in facts:
        if fact.unit in timings:
            timings[fact.unit].setdefault(fact.key, set()).add(fact.timing)
    return [
        _standing(unit, timings[unit.code], first.get(unit.code), campaign.min_per_unit)
        for unit in roster.units
    ]


def initiative_keys(row: SubmissionRow) -> set[str]:
    """Return the keys of the initiatives a submission carries.

    A document whose title could not be read still counts, keyed by its name.
    """
    keys = {i.title_key for i in row.initiatives}
    titled_files = {i.filename for i in row.initiatives}
    for attachment in row.attachments:
        if attachment.is_document and attachment.filename not in titled_files:
            keys.add("file:" + normalise_title(attachment.filename))
    return keys


def _standing(
    unit: Unit, initiatives: dict[str, set[str]], first: datetime | None, minimum: int
) -> UnitCompliance:
    on_time = sum(1 for t in initiatives.values() if t & COUNTING_TIMINGS)
    late = len(initiatives) - on_time
    if on_time >= minimum and initiatives:
        status = UnitStatus.ON_TIME
    elif on_time + late >= minimum and initiatives:
        status = UnitStatus.LATE
    else:
        status = UnitStatus.MISSING
    return UnitCompliance(unit, status, on_time, late, len(initiatives), first)
