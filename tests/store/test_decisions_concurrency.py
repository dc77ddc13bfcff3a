"""Two people deciding on one message at once: one word wins, the tallies follow it.

The first decision is written and held uncommitted while the second is made
in another thread: the interleaving that credited one initiative to both
units, made certain instead of left to chance.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from parsers.classify import Action, Classification, Decision, Status
from store.db import SessionFactory
from store.decisions import (
    DecisionConflict,
    Seen,
    decision_history,
    record_decision,
    seen_now,
    with_decisions,
)
from store.models import Message
from store.tallies import compliance_tallies, rebuild_unit_tallies
from tests.store.register import store_message

NOW = datetime(2024, 6, 21, 2, 0, tzinfo=UTC)
RECEIVED = datetime(2024, 6, 20, 6, 30, tzinfo=UTC)


def store_unassigned(sessions: SessionFactory) -> int:
    """Store a message with one initiative whose unit nobody knows yet."""
    return store_message(
        sessions, 1, RECEIVED, unit=None, status="needs_review", reasons=("unknown_unit",)
    )


def decide_while_first_is_open(
    sessions: SessionFactory,
    first: Callable[[Session], object],
    second: Callable[[Session], object],
) -> tuple[bool, list[BaseException]]:
    """Run ``first`` in an open transaction, ``second`` in a thread, then commit ``first``.

    Return whether the second waited for the first, and what the second raised.
    """
    opened = sessions()
    opened.begin()
    first(opened)
    opened.flush()
    raised: list[BaseException] = []

    def run_second() -> None:
        try:
            with sessions.begin() as session:
                second(session)
        except BaseException as error:  # the test looks at it
            raised.append(error)

    worker = threading.Thread(target=run_second)
    worker.start()
    worker.join(timeout=1)
    waited = worker.is_alive()
    opened.commit()
    opened.close()
    worker.join(timeout=60)
    assert not worker.is_alive()
    return waited, raised


def assign(unit: str, by: str, seen: Seen | None = None) -> Callable[[Session], object]:
    def run(session: Session) -> object:
        return record_decision(session, 1, Decision(Action.ASSIGN, unit), by=by, now=NOW, seen=seen)

    return run


def units_holding_initiatives(sessions: SessionFactory) -> dict[str, int]:
    with sessions() as session:
        return {u: t.initiatives for u, t in compliance_tallies(session, "2024").items()}


def recounted(sessions: SessionFactory) -> dict[str, int]:
    with sessions.begin() as session:
        rebuild_unit_tallies(session)
    return units_holding_initiatives(sessions)


def reprocessed_unit(sessions: SessionFactory, message_id: int) -> str | None:
    """Return the unit a `reprocess` would give the message (the classifier knows nothing)."""
    blank = Classification(None, None, None, Status.NEEDS_REVIEW, ("unknown_unit",))
    with sessions() as session:
        return with_decisions(session, message_id, blank).unit


def test_two_assignments_at_once_credit_the_initiative_to_one_unit(
    sessions: SessionFactory,
) -> None:
    message_id = store_unassigned(sessions)
    waited, raised = decide_while_first_is_open(
        sessions, assign("xa-an-co", "lan"), assign("xa-thai-binh", "minh")
    )
    assert raised == []
    assert waited  # the second decision waits for the first to commit
    with sessions() as session:
        unit = session.get_one(Message, message_id).unit_code
    assert unit == "xa-thai-binh"  # applied after the first: the last word
    assert units_holding_initiatives(sessions) == {"xa-thai-binh": 1}
    assert recounted(sessions) == {"xa-thai-binh": 1}
    assert reprocessed_unit(sessions, message_id) == unit


def test_a_decision_made_against_an_older_state_is_refused_and_writes_nothing(
    sessions: SessionFactory,
) -> None:
    message_id = store_unassigned(sessions)
    with sessions() as session:
        both_saw = seen_now(session, message_id)
    assert both_saw == Seen(None)
    waited, raised = decide_while_first_is_open(
        sessions, assign("xa-an-co", "lan", both_saw), assign("xa-thai-binh", "minh", both_saw)
    )
    assert waited
    assert len(raised) == 1 and isinstance(raised[0], DecisionConflict)
    conflict = raised[0]
    assert (conflict.latest.decided_by, conflict.latest.unit) == ("lan", "xa-an-co")
    with sessions() as session:
        assert session.get_one(Message, message_id).unit_code == "xa-an-co"
        assert [d.decided_by for d in decision_history(session, message_id)] == ["lan"]
    assert units_holding_initiatives(sessions) == {"xa-an-co": 1}
    assert recounted(sessions) == {"xa-an-co": 1}
    assert reprocessed_unit(sessions, message_id) == "xa-an-co"


def test_a_decision_made_after_seeing_the_latest_one_is_recorded(
    sessions: SessionFactory,
) -> None:
    message_id = store_unassigned(sessions)
    with sessions.begin() as session:
        assign("xa-an-co", "lan", Seen(None))(session)
    with sessions() as session:
        seen = seen_now(session, message_id)
    with sessions.begin() as session:
        assign("xa-thai-binh", "minh", seen)(session)
    assert units_holding_initiatives(sessions) == {"xa-thai-binh": 1}


@pytest.mark.parametrize("clock_skew", [timedelta(minutes=-5), timedelta(minutes=5)])
def test_decisions_apply_in_the_order_recorded_whatever_their_clocks_said(
    sessions: SessionFactory, clock_skew: timedelta
) -> None:
    message_id = store_unassigned(sessions)
    with sessions.begin() as session:
        record_decision(session, 1, Decision(Action.ASSIGN, "xa-an-co"), by="lan", now=NOW)
    with sessions.begin() as session:
        record_decision(
            session,
            1,
            Decision(Action.ASSIGN, "xa-thai-binh"),
            by="minh",
            now=NOW + clock_skew,
        )
    assert reprocessed_unit(sessions, message_id) == "xa-thai-binh"
    with sessions() as session:
        assert [d.unit for d in decision_history(session, message_id)] == [
            "xa-an-co",
            "xa-thai-binh",
        ]
