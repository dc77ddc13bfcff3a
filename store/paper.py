"""The bound paper copies units hand in at the office, one per campaign and unit.

Functions take the session first and never commit; the caller owns the
transaction (and writes the audit line in the same one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import PaperCopy


class PaperCopyExists(Exception):
    """The unit already has a paper copy recorded for the campaign; nothing was written."""

    def __init__(self, existing: PaperCopyRow) -> None:
        super().__init__(
            f"{existing.unit_code} already has a paper copy for {existing.campaign_code}"
        )
        self.existing = existing


@dataclass(frozen=True)
class PaperCopyRow:
    campaign_code: str
    unit_code: str
    received_on: date
    copies: int
    received_by: str | None
    note: str | None
    recorded_by: str
    recorded_at: datetime


def add_paper_copy(
    session: Session,
    campaign_code: str,
    unit_code: str,
    *,
    received_on: date,
    copies: int,
    received_by: str | None,
    note: str | None,
    by: str,
    now: datetime,
) -> PaperCopyRow:
    """Record a unit's paper copy; raise PaperCopyExists if one is recorded already."""
    existing = find_paper_copy(session, campaign_code, unit_code)
    if existing is not None:
        raise PaperCopyExists(existing)
    row = PaperCopy(
        campaign_code=campaign_code,
        unit_code=unit_code,
        received_on=received_on,
        copies=copies,
        received_by=received_by,
        note=note,
        recorded_by=by,
        recorded_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # recorded by someone else at the same moment
        raced = find_paper_copy(session, campaign_code, unit_code)
        if raced is None:
            raise
        raise PaperCopyExists(raced) from None
    return _row(row)


def find_paper_copy(session: Session, campaign_code: str, unit_code: str) -> PaperCopyRow | None:
    found = session.scalar(
        select(PaperCopy).where(
            PaperCopy.campaign_code == campaign_code, PaperCopy.unit_code == unit_code
        )
    )
    return None if found is None else _row(found)


def list_paper_copies(session: Session, campaign_code: str) -> list[PaperCopyRow]:
    """Return the campaign's paper copies, by unit code."""
    rows = session.scalars(
        select(PaperCopy)
        .where(PaperCopy.campaign_code == campaign_code)
        .order_by(PaperCopy.unit_code)
    )
    return [_row(r) for r in rows]


def paper_copies_by_unit(session: Session, campaign_code: str) -> dict[str, PaperCopyRow]:
    """Return the campaign's paper copies keyed by unit code (what compliance reads)."""
    return {r.unit_code: r for r in list_paper_copies(session, campaign_code)}


def remove_paper_copy(session: Session, campaign_code: str, unit_code: str) -> PaperCopyRow | None:
    """Delete a unit's paper copy record; return what it was, None if there was none."""
    existing = find_paper_copy(session, campaign_code, unit_code)
    if existing is not None:
        session.execute(
            delete(PaperCopy).where(
                PaperCopy.campaign_code == campaign_code, PaperCopy.unit_code == unit_code
            )
        )
    return existing


def _row(row: PaperCopy) -> PaperCopyRow:
    return PaperCopyRow(
        campaign_code=row.campaign_code,
        unit_code=row.unit_code,
        received_on=row.received_on,
        copies=row.copies,
        received_by=row.received_by,
        note=row.note,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )
