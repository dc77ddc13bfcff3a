"""A message whose receive time is unknown waits for a person; ignored mail stays ignored."""

from __future__ import annotations

from parsers.campaign import Timing
from parsers.classify import (
    Action,
    Classification,
    Decision,
    Status,
    UnitSource,
    apply_decisions,
    without_receive_time,
)

ACCEPTED = Classification(
    "xa-an-co", UnitSource.ADDRESS, Timing.ON_TIME, Status.ACCEPTED, (), campaign="2024"
)


def test_an_accepted_message_without_a_receive_time_waits_for_review() -> None:
    held = without_receive_time(ACCEPTED)
    assert held.status is Status.NEEDS_REVIEW
    assert held.reasons == ("no_receive_time",)
    assert without_receive_time(held) == held  # once is enough


def test_ignored_mail_without_a_receive_time_stays_ignored() -> None:
    ignored = Classification(None, None, None, Status.IGNORED, ("auto_reply",))
    assert without_receive_time(ignored) == ignored


def test_assigning_a_unit_leaves_it_waiting_and_accepting_counts_it() -> None:
    held = without_receive_time(ACCEPTED)
    assigned = apply_decisions(held, [Decision(Action.ASSIGN, unit="xa-an-co")])
    assert assigned.status is Status.NEEDS_REVIEW
    accepted = apply_decisions(held, [Decision(Action.ACCEPT)])
    assert accepted.status is Status.ACCEPTED
    assert "no_receive_time" in accepted.reasons
