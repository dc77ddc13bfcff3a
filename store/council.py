"""The council's assignments, score sheets and the chair's decisions.

A sheet is one member assigned one initiative record; the member's scores
are kept on it, and a submitted sheet is locked. Functions take the session
first and never commit; the audit lines are written by the caller
(app.council, through ``store.accounts.record_event``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import CouncilDecision, CouncilSheet, User


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    unit: str | None


@dataclass(frozen=True)
class SheetRow:
    id: int
    record_id: int
    member: str
    member_id: int
    assigned_at: datetime
    scores: Mapping[str, int]
    submitted_at: datetime | None
    locked: bool


@dataclass(frozen=True)
class DecisionRow:
    record_id: int
    verdict: str
    decided_by: str
    decided_at: datetime


def list_members(session: Session) -> list[Member]:
    """Return the enabled accounts of role ``council``, by name."""
    query = select(User).where(User.role == "council", User.disabled.is_(False)).order_by(User.name)
    return [Member(u.id, u.name, u.unit_code) for u in session.scalars(query)]


def list_sheets(session: Session, record_ids: Collection[int] | None = None) -> list[SheetRow]:
    """Return the sheets (of ``record_ids``, else all) in the order they were assigned."""
    query = select(CouncilSheet, User.name).join(User, User.id == CouncilSheet.user_id)
    if record_ids is not None:
        query = query.where(CouncilSheet.record_id.in_(list(record_ids)))
    rows = session.execute(query.order_by(CouncilSheet.id))
    return [_row(sheet, name) for sheet, name in rows]


def add_sheet(session: Session, record_id: int, member: Member, by: str, now: datetime) -> SheetRow:
    """Assign ``record_id`` to ``member``: an empty, open sheet."""
    sheet = CouncilSheet(
        record_id=record_id,
        user_id=member.id,
        assigned_at=now,
        assigned_by=by[:200],
        scores=None,
        locked=False,
    )
    session.add(sheet)
    session.flush()
    return _row(sheet, member.name)


def find_sheet(session: Session, record_id: int, member_id: int) -> SheetRow | None:
    """Return the sheet of ``record_id`` assigned to the member, locking it for the change."""
    sheet = session.scalar(
        select(CouncilSheet)
        .where(CouncilSheet.record_id == record_id, CouncilSheet.user_id == member_id)
        .with_for_update()
    )
    if sheet is None:
        return None
    name = session.get_one(User, member_id).name
    return _row(sheet, name)


def keep_scores(
    session: Session, sheet_id: int, scores: Mapping[str, int], *, submit: bool, now: datetime
) -> SheetRow:
    """Store a sheet's scores; ``submit`` locks it. The caller checked it was open."""
    sheet = session.get_one(CouncilSheet, sheet_id)
    sheet.scores = dict(scores)
    sheet.updated_at = now
    if submit:
        sheet.submitted_at = now
        sheet.locked = True
    session.flush()
    return _row(sheet, session.get_one(User, sheet.user_id).name)


def list_decisions(session: Session, record_ids: Collection[int]) -> dict[int, DecisionRow]:
    query = select(CouncilDecision).where(CouncilDecision.record_id.in_(list(record_ids)))
    return {
        d.record_id: DecisionRow(d.record_id, d.verdict, d.decided_by, d.decided_at)
        for d in session.scalars(query)
    }


def keep_decision(
    session: Session, record_id: int, verdict: str, by: str, now: datetime
) -> DecisionRow | None:
    """Store the chair's verdict on ``record_id``; return the one it replaces, if any."""
    decision = session.get(CouncilDecision, record_id)
    before = (
        None
        if decision is None
        else DecisionRow(record_id, decision.verdict, decision.decided_by, decision.decided_at)
    )
    if decision is None:
        decision = CouncilDecision(record_id=record_id)
        session.add(decision)
    decision.verdict = verdict
    decision.decided_by = by[:200]
    decision.decided_at = now
    session.flush()
    return before


def _row(sheet: CouncilSheet, name: str) -> SheetRow:
    return SheetRow(
        id=sheet.id,
        record_id=sheet.record_id,
        member=name,
        member_id=sheet.user_id,
        assigned_at=sheet.assigned_at,
        scores=dict(sheet.scores or {}),
        submitted_at=sheet.submitted_at,
        locked=sheet.locked,
    )
