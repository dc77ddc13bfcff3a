"""Who has submitted, who is late, who is missing: a pure function of the rows."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from parsers.campaign import PAPER_COPY, SOFT_FILE, Campaign
from parsers.roster import Roster, Unit
from store.paper import PaperCopyRow
from store.read import SubmissionRow
from store.tallies import ON_TIME_TIMINGS, UnitTally, document_key

COUNTING_TIMINGS = frozenset(ON_TIME_TIMINGS)


class UnitStatus(enum.StrEnum):
    """The soft file's standing: what the register said before paper copies were kept."""

    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"


class FormsStatus(enum.StrEnum):
    """Every required form taken together (the soft file and, if required, the paper copy)."""

    COMPLETE = "complete"  # đủ hồ sơ
    MISSING_PAPER_COPY = "missing_paper_copy"  # thiếu bản giấy: the file, no paper
    PAPER_COPY_ONLY = "paper_copy_only"  # chỉ có bản giấy: the paper, no file
    MISSING = "missing"  # chưa nộp


@dataclass(frozen=True)
class PaperStanding:
    """A unit's paper copy as compliance judges it: on time when handed in by ``closes``."""

    received_on: date
    copies: int
    received_by: str | None
    on_time: bool


@dataclass(frozen=True)
class UnitCompliance:
    unit: Unit
    status: UnitStatus  # the soft file's
    on_time: int
    late: int
    initiatives: int
    first_received_at: datetime | None
    paper: PaperStanding | None = None
    requires: tuple[str, ...] = (SOFT_FILE,)

    @property
    def has_file(self) -> bool:
        return self.status is not UnitStatus.MISSING

    @property
    def paper_required(self) -> bool:
        return PAPER_COPY in self.requires

    @property
    def missing_paper(self) -> bool:
        """Whether the campaign asks for a paper copy and this unit has not handed one in."""
        return self.paper_required and self.paper is None

    @property
    def complete(self) -> bool:
        """Whether every form the campaign requires was received (on time or late)."""
        return (SOFT_FILE not in self.requires or self.has_file) and not self.missing_paper

    @property
    def lacking(self) -> tuple[str, ...]:
        """Return the required forms not received yet (parsers.campaign.FORMS), in order."""
        lacking = []
        if SOFT_FILE in self.requires and not self.has_file:
            lacking.append(SOFT_FILE)
        if self.missing_paper:
            lacking.append(PAPER_COPY)
        return tuple(lacking)

    @property
    def forms(self) -> FormsStatus:
        if self.complete:
            return FormsStatus.COMPLETE
        paper = self.paper_required and self.paper is not None
        if self.has_file and not paper:
            return FormsStatus.MISSING_PAPER_COPY
        if paper and not self.has_file:
            return FormsStatus.PAPER_COPY_ONLY
        return FormsStatus.MISSING


def assess_compliance(
    roster: Roster,
    campaign: Campaign,
    submissions: Iterable[SubmissionRow],
    papers: Mapping[str, PaperCopyRow] | None = None,
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
    return assess_tallies(roster, campaign, tallies, papers)


def assess_tallies(
    roster: Roster,
    campaign: Campaign,
    tallies: Mapping[str, UnitTally],
    papers: Mapping[str, PaperCopyRow] | None = None,
) -> list[UnitCompliance]:
    """Return each unit's standing from its counted initiatives, in roster order.

    The register counts them in SQL (store.tallies.compliance_tallies), without
    loading every message; units outside the roster are left out. ``papers``
    are the campaign's paper copies by unit code (store.paper.paper_copies_by_unit);
    they count only for a campaign that requires the paper copy.
    """
    kept = papers or {}
    return [
        replace(
            _standing(unit, tallies.get(unit.code), campaign.min_per_unit),
            paper=_paper(kept.get(unit.code), campaign),
            requires=campaign.requires,
        )
        # The roster as it stood when the campaign closed: a unit merged away before
        # it is not asked for, its successor is.
        for unit in roster.in_force(campaign.closes)
    ]


def _paper(row: PaperCopyRow | None, campaign: Campaign) -> PaperStanding | None:
    if row is None or row.campaign_code != campaign.code:
        return None
    # A day handed in, not an instant: the whole of ``closes`` is on time, as for mail.
    on_time = row.received_on <= campaign.closes
    return PaperStanding(row.received_on, row.copies, row.received_by, on_time)


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
