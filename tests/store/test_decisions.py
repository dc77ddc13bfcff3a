from __future__ import annotations

import hashlib
import threading
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.config import load_roster
from parsers.analysis import Rules, analyse
from parsers.campaign import Campaign
from parsers.classify import Action, Decision
from parsers.units import UnitNames
from store.db import SessionFactory
from store.decisions import (
    UnknownMessage,
    current_verdict,
    decision_history,
    learned_addresses,
    list_for_review,
    record_decision,
)
from store.models import Message
from store.write import FetchedMessage, mark_failed, record_raw_message, save_analysis

ROOT = Path(__file__).resolve().parents[2]
ICT = timezone(timedelta(hours=7))
NOW = datetime(2024, 6, 21, 2, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
CAMPAIGN = Campaign("CCHC 2024", date(2024, 5, 15), date(2024, 6, 25), "Asia/Ho_Chi_Minh")
ROSTER = load_roster(ROOT / "units.toml")
RULES = Rules((CAMPAIGN,), {}, frozenset(), UnitNames.from_units(ROSTER.units))
UNKNOWN = ROOT / "tests" / "data" / "mail" / "14-unknown-sender.eml"
RECEIVED = datetime(2024, 6, 20, 13, 30, 2, tzinfo=ICT)


def store_unknown(sessions: SessionFactory, rules: Rules = RULES) -> int:
    """Store and analyse the sample mail from a sender nobody knows."""
    raw = UNKNOWN.read_bytes()
    fetched = FetchedMessage("phongnv", "INBOX", 1, 14, raw, RECEIVED)
    with sessions.begin() as session:
        stored = record_raw_message(
            session, fetched, "<x@y>", hashlib.sha256(raw).hexdigest(), NOW
        ).id
        save_analysis(session, stored, analyse(raw, RECEIVED, rules))
    return stored


def test_an_unknown_sender_is_listed_for_review(sessions: SessionFactory) -> None:
    stored = store_unknown(sessions)
    with sessions() as session:
        rows = list_for_review(session)
    assert [(r.id, r.unit, r.reasons, r.documents) for r in rows] == [
        (stored, None, ("unknown_unit",), 1)
    ]


def test_an_assignment_is_applied_at_once_and_recorded_with_who_and_when(
    sessions: SessionFactory,
) -> None:
    stored = store_unknown(sessions)
    with sessions.begin() as session:
        record_decision(session, stored, Decision(Action.ASSIGN, "xa-tri-binh"), by="lan", now=NOW)
    with sessions() as session:
        message = session.get_one(Message, stored)
        assert (message.unit_code, message.unit_source, message.status, message.reasons) == (
            "xa-tri-binh",
            "manual",
            "accepted",
            [],
        )
        assert list_for_review(session) == []
        history = decision_history(session, stored)
    assert [(h.action, h.unit, h.decided_by, h.decided_at) for h in history] == [
        ("assign", "xa-tri-binh", "lan", NOW)
    ]


def test_a_decision_survives_analysing_the_message_again(sessions: SessionFactory) -> None:
    stored = store_unknown(sessions)
    with sessions.begin() as session:
        record_decision(session, stored, Decision(Action.ASSIGN, "xa-tri-binh"), by="lan", now=NOW)
        record_decision(
            session, stored, Decision(Action.IGNORE), by="minh", now=LATER, reason="gửi nhầm"
        )
    raw = UNKNOWN.read_bytes()
    with sessions.begin() as session:
        save_analysis(session, stored, analyse(raw, RECEIVED, RULES))
    with sessions() as session:
        verdict = current_verdict(session, stored)
        history = decision_history(session)
    assert (verdict.unit, verdict.unit_source, verdict.status) == (
        "xa-tri-binh",
        "manual",
        "ignored",
    )
    assert [(h.action, h.decided_by, h.reason) for h in history] == [
        ("assign", "lan", None),
        ("ignore", "minh", "gửi nhầm"),
    ]


def test_a_remembered_address_identifies_the_next_mail_by_address(
    sessions: SessionFactory,
) -> None:
    stored = store_unknown(sessions)
    with sessions.begin() as session:
        record_decision(
            session,
            stored,
            Decision(Action.ASSIGN, "xa-tri-binh"),
            by="lan",
            now=NOW,
            remember_address=True,
        )
    with sessions() as session:
        learned = learned_addresses(session)
    assert learned == {"nva.tn1987@gmail.com": "xa-tri-binh"}
    rules = Rules((CAMPAIGN,), learned, frozenset(), RULES.names)
    verdict = analyse(UNKNOWN.read_bytes(), RECEIVED, rules).classification
    assert (verdict.unit, verdict.unit_source, verdict.status) == (
        "xa-tri-binh",
        "address",
        "accepted",
    )


def test_remembering_an_address_again_replaces_its_unit_and_keeps_the_history(
    sessions: SessionFactory,
) -> None:
    stored = store_unknown(sessions)
    for unit, when in (("xa-tri-binh", NOW), ("xa-an-binh", LATER)):
        with sessions.begin() as session:
            record_decision(
                session,
                stored,
                Decision(Action.ASSIGN, unit),
                by="lan",
                now=when,
                remember_address=True,
            )
    with sessions() as session:
        assert learned_addresses(session) == {"nva.tn1987@gmail.com": "xa-an-binh"}
        history = decision_history(session, stored)
    assert [(h.unit, h.remembered_address) for h in history] == [
        ("xa-tri-binh", "nva.tn1987@gmail.com"),
        ("xa-an-binh", "nva.tn1987@gmail.com"),
    ]


def test_a_decision_on_a_missing_message_is_refused(sessions: SessionFactory) -> None:
    with sessions.begin() as session, pytest.raises(UnknownMessage):
        record_decision(session, 999, Decision(Action.ACCEPT), by="lan", now=NOW)


def test_an_accept_holds_when_a_later_analysis_fails(sessions: SessionFactory) -> None:
    stored = store_unknown(sessions)
    with sessions.begin() as session:
        record_decision(session, stored, Decision(Action.ASSIGN, "xa-an-co"), by="lan", now=NOW)
        record_decision(session, stored, Decision(Action.ACCEPT), by="lan", now=LATER)
    with sessions.begin() as session:
        mark_failed(session, stored, "ValueError: broken parser")
    with sessions() as session:
        message = session.get_one(Message, stored)
        assert (message.parse_status, message.unit_code, message.status, message.reasons) == (
            "failed",
            "xa-an-co",
            "accepted",
            ["parse_failed"],
        )


def test_two_analyses_of_one_message_at_once_replace_each_other_in_turn(
    sessions: SessionFactory,
) -> None:
    # A `reprocess` and a poll saving the same message: the second waits for the
    # first to commit, then replaces its rows (without the lock it would delete
    # rows already gone and fail).
    stored = store_unknown(sessions)
    raw = UNKNOWN.read_bytes()
    analysis = analyse(raw, RECEIVED, RULES)
    first = sessions()
    first.begin()
    save_analysis(first, stored, analysis)
    first.flush()
    failures: list[BaseException] = []

    def second() -> None:
        try:
            with sessions.begin() as session:
                save_analysis(session, stored, analysis)
        except BaseException as error:  # reported by the assertion below
            failures.append(error)

    worker = threading.Thread(target=second)
    worker.start()
    worker.join(timeout=1)  # it must wait for the first transaction
    waited = worker.is_alive()
    first.commit()
    first.close()
    worker.join(timeout=60)
    assert failures == []
    assert waited
    with sessions() as session:
        message = session.get_one(Message, stored)
        assert len(message.attachments) == len(analysis.attachments)
