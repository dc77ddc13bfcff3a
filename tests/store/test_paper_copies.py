"""The paper copies kept in the register: one per campaign and unit, on each backend."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from store.db import SessionFactory
from store.models import PaperCopy
from store.paper import (
    PaperCopyExists,
    add_paper_copy,
    find_paper_copy,
    list_paper_copies,
    paper_copies_by_unit,
    remove_paper_copy,
)

NOW = datetime(2024, 6, 21, 2, 0, tzinfo=UTC)


def add(sessions: SessionFactory, unit: str, campaign: str = "2024", copies: int = 1) -> None:
    with sessions.begin() as session:
        add_paper_copy(
            session,
            campaign,
            unit,
            received_on=date(2024, 6, 20),
            copies=copies,
            received_by="Lan",
            note=None,
            by="hoa",
            now=NOW,
        )


def test_a_paper_copy_is_read_back_as_it_was_recorded(sessions: SessionFactory) -> None:
    add(sessions, "xa-an-binh", copies=2)
    with sessions() as session:
        row = find_paper_copy(session, "2024", "xa-an-binh")
    assert row is not None
    assert (row.received_on, row.copies, row.received_by, row.recorded_by) == (
        date(2024, 6, 20),
        2,
        "Lan",
        "hoa",
    )
    assert row.recorded_at == NOW and row.recorded_at.tzinfo is not None


def test_a_second_paper_copy_of_the_same_unit_and_campaign_is_refused_and_the_first_kept(
    sessions: SessionFactory,
) -> None:
    add(sessions, "xa-an-binh", copies=2)
    with pytest.raises(PaperCopyExists) as refused:
        add(sessions, "xa-an-binh", copies=5)
    assert refused.value.existing.copies == 2
    with sessions() as session:
        assert [r.copies for r in list_paper_copies(session, "2024")] == [2]


def test_the_same_unit_may_hand_in_a_paper_copy_for_each_campaign(
    sessions: SessionFactory,
) -> None:
    add(sessions, "xa-an-binh", "2024")
    add(sessions, "xa-an-binh", "2025")
    add(sessions, "xa-an-co", "2024")
    with sessions() as session:
        assert sorted(paper_copies_by_unit(session, "2024")) == ["xa-an-binh", "xa-an-co"]
        assert sorted(paper_copies_by_unit(session, "2025")) == ["xa-an-binh"]


def test_the_database_itself_refuses_a_duplicate_and_zero_copies(
    sessions: SessionFactory,
) -> None:
    row = {
        "campaign_code": "2024",
        "unit_code": "xa-an-binh",
        "received_on": date(2024, 6, 20),
        "recorded_by": "hoa",
        "recorded_at": NOW,
    }
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(PaperCopy(**row, copies=0))
    with sessions.begin() as session:
        session.add(PaperCopy(**row, copies=1))
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(PaperCopy(**row, copies=1))


def test_removing_a_paper_copy_returns_it_and_removing_it_again_returns_none(
    sessions: SessionFactory,
) -> None:
    add(sessions, "xa-an-binh")
    with sessions.begin() as session:
        removed = remove_paper_copy(session, "2024", "xa-an-binh")
        again = remove_paper_copy(session, "2024", "xa-an-binh")
    assert removed is not None and removed.unit_code == "xa-an-binh"
    assert again is None
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(PaperCopy)) == 0
