"""The kept unit tallies follow every write that changes what a message counts for."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text

from parsers.analysis import analyse
from parsers.classify import Action, Decision
from store.db import SessionFactory, make_engine, make_session_factory, upgrade_schema
from store.decisions import record_decision
from store.models import Message, UnitInitiative
from store.tallies import UnitTally, compliance_tallies, rebuild_unit_tallies
from store.write import FetchedMessage, mark_failed, record_raw_message, save_analysis
from tests.store.register import add_message_rows, store_message
from tests.store.test_decisions import NOW, RECEIVED, RULES, UNKNOWN, store_unknown

FIRST = RECEIVED.astimezone(UTC)


def at(day: int) -> datetime:
    return datetime(2024, 6, day, 2, 0, tzinfo=UTC)


def tallies(sessions: SessionFactory) -> dict[str, UnitTally]:
    with sessions() as session:
        return compliance_tallies(session, "2024")


def test_mail_to_review_counts_for_no_unit_until_a_person_assigns_it(
    sessions: SessionFactory,
) -> None:
    stored = store_unknown(sessions)
    assert tallies(sessions) == {}
    with sessions.begin() as session:
        record_decision(session, stored, Decision(Action.ASSIGN, "xa-tri-binh"), by="lan", now=NOW)
    assert tallies(sessions) == {"xa-tri-binh": UnitTally(1, 1, FIRST)}


def test_reassigning_mail_moves_its_initiative_to_the_other_unit(
    sessions: SessionFactory,
) -> None:
    stored = store_unknown(sessions)
    for unit in ("xa-tri-binh", "xa-thai-binh"):
        with sessions.begin() as session:
            record_decision(session, stored, Decision(Action.ASSIGN, unit), by="lan", now=NOW)
    assert tallies(sessions) == {"xa-thai-binh": UnitTally(1, 1, FIRST)}


def test_ignoring_mail_takes_it_out_of_the_count(sessions: SessionFactory) -> None:
    stored = store_unknown(sessions)
    with sessions.begin() as session:
        record_decision(session, stored, Decision(Action.ASSIGN, "xa-tri-binh"), by="lan", now=NOW)
        record_decision(session, stored, Decision(Action.IGNORE), by="lan", now=NOW)
    assert tallies(sessions) == {}


def test_analysing_again_keeps_the_count(sessions: SessionFactory) -> None:
    stored = store_unknown(sessions)
    with sessions.begin() as session:
        record_decision(session, stored, Decision(Action.ASSIGN, "xa-tri-binh"), by="lan", now=NOW)
    with sessions.begin() as session:
        save_analysis(session, stored, analyse(UNKNOWN.read_bytes(), RECEIVED, RULES))
    assert tallies(sessions) == {"xa-tri-binh": UnitTally(1, 1, FIRST)}


def test_mail_whose_analysis_failed_stops_counting(sessions: SessionFactory) -> None:
    stored = store_message(sessions, 1, at(1))
    store_message(sessions, 2, at(2), "xa-an-co")
    with sessions.begin() as session:
        mark_failed(session, stored, "the raw copy could not be parsed")
    assert tallies(sessions) == {"xa-an-co": UnitTally(1, 1, at(2))}


def store_sample(sessions: SessionFactory, name: str, uid: int, received: datetime) -> int:
    """Store and analyse a sample mail as a poll does (new mail: its counts are only added)."""
    raw = (UNKNOWN.parent / name).read_bytes()
    fetched = FetchedMessage("phongnv", "INBOX", 1, uid, raw, received)
    with sessions.begin() as session:
        stored = record_raw_message(session, fetched, None, hashlib.sha256(raw).hexdigest(), NOW)
        save_analysis(session, stored.id, analyse(raw, received, RULES))
        return stored.id


def test_new_mail_adds_to_its_units_count_and_resent_mail_counts_once(
    sessions: SessionFactory,
) -> None:
    later, earlier = RECEIVED, RECEIVED - timedelta(days=3)
    store_sample(sessions, "01-thai-binh-docx.eml", 1, later)
    store_sample(sessions, "02-tu-phap-pdf.eml", 2, later)
    # The same document again, received earlier: the unit's first mail moves back.
    store_sample(sessions, "01-thai-binh-docx.eml", 3, earlier)
    counts = tallies(sessions)
    assert counts["xa-thai-binh"] == UnitTally(1, 1, earlier.astimezone(UTC))
    assert counts["phong-tu-phap"].initiatives == 1
    with sessions() as session:
        kept = [(r.unit_code, r.key, r.first_at) for r in session.scalars(select(UnitInitiative))]
    with sessions.begin() as session:
        rebuild_unit_tallies(session)
    with sessions() as session:
        rebuilt = [
            (r.unit_code, r.key, r.first_at) for r in session.scalars(select(UnitInitiative))
        ]
    assert sorted(kept) == sorted(rebuilt)


def test_rebuilding_the_tallies_gives_what_the_writes_kept(sessions: SessionFactory) -> None:
    store_message(sessions, 1, at(1), files=(("a.pdf", "Tiêu đề A"), ("b.pdf", None)))
    store_message(sessions, 2, at(28), timing="late", files=(("a.pdf", "Tiêu Đề A."),))
    store_message(sessions, 3, at(3), "xa-an-co", files=())
    store_message(sessions, 4, at(4), "xa-an-co", status="needs_review")
    with sessions() as session:
        kept = session.execute(select(UnitInitiative).order_by(UnitInitiative.key)).scalars()
        kept_rows = [(r.unit_code, r.key, r.first_at, r.first_on_time_at) for r in kept]
    with sessions.begin() as session:
        rebuild_unit_tallies(session)
    with sessions() as session:
        rebuilt = session.execute(select(UnitInitiative).order_by(UnitInitiative.key)).scalars()
        assert [(r.unit_code, r.key, r.first_at, r.first_on_time_at) for r in rebuilt] == kept_rows
    assert kept_rows == [
        ("xa-thai-binh", "file:b.pdf", at(1), at(1)),
        ("xa-thai-binh", "tiêu đề a", at(1), at(1)),
    ]
    assert tallies(sessions) == {
        "xa-thai-binh": UnitTally(2, 2, at(1)),
        "xa-an-co": UnitTally(0, 0, at(3)),  # accepted mail without a document
    }


def test_two_writers_counting_one_unit_at_once_both_count(sessions: SessionFactory) -> None:
    """The second waits for the first to commit, then counts its mail too (no key clash)."""
    store_message(sessions, 1, at(1), files=(("a.pdf", "Tiêu đề A"),))
    counted = threading.Event()
    failures: list[BaseException] = []

    def second() -> None:
        counted.wait(10)
        try:
            store_message(sessions, 3, at(3), files=(("c.pdf", "Tiêu đề C"),))
        except BaseException as error:  # reported to the test's thread
            failures.append(error)

    writer = threading.Thread(target=second)
    writer.start()
    with sessions.begin() as session:
        add_message_rows(session, 2, at(2), files=(("b.pdf", "Tiêu đề B"),))
        counted.set()
        writer.join(0.5)  # the second writer is now waiting for this transaction
    writer.join(30)
    assert failures == []
    assert tallies(sessions) == {"xa-thai-binh": UnitTally(3, 3, at(1))}


def test_a_register_migrated_from_before_the_tallies_is_counted(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade_schema(engine, "0006_reports")
    sessions = make_session_factory(engine)
    files = (("a.pdf", "Tiêu đề A"), ("b.pdf", None), ("a.pdf", None))
    with sessions.begin() as session:
        add_message_rows(session, 1, at(1), files=files, tally=False)
        add_message_rows(session, 2, at(28), timing="late", files=(("c.pdf", None),), tally=False)
        add_message_rows(session, 3, at(2), "xa-an-co", status="needs_review", tally=False)
    upgrade_schema(engine)
    migrated = tallies(sessions)
    with sessions() as session:
        kept = sorted(
            (r.unit_code, r.key, r.first_at, r.first_on_time_at)
            for r in session.scalars(select(UnitInitiative))
        )
    with sessions.begin() as session:
        rebuild_unit_tallies(session)
    with sessions() as session:
        rebuilt = sorted(
            (r.unit_code, r.key, r.first_at, r.first_on_time_at)
            for r in session.scalars(select(UnitInitiative))
        )
    engine.dispose()
    assert migrated == {"xa-thai-binh": UnitTally(2, 3, at(1))}
    assert kept == rebuilt


def test_each_campaign_counts_its_own_mail(sessions: SessionFactory) -> None:
    store_message(sessions, 1, at(1), files=(("a.pdf", "Số hóa hồ sơ"),))
    store_message(sessions, 2, at(2), files=(("b.pdf", "Một cửa số"),), campaign="bc-q2")
    store_message(sessions, 3, at(3), "xa-an-co", timing="late", campaign="bc-q2")
    with sessions() as session:
        first = compliance_tallies(session, "2024")
        report = compliance_tallies(session, "bc-q2")
        unknown = compliance_tallies(session, "2025")
    assert first == {"xa-thai-binh": UnitTally(1, 1, at(1))}
    assert report == {
        "xa-thai-binh": UnitTally(1, 1, at(2)),
        "xa-an-co": UnitTally(0, 1, at(3)),
    }
    assert unknown == {}
    with sessions.begin() as session:
        rebuild_unit_tallies(session)
    with sessions() as session:
        assert compliance_tallies(session, "bc-q2") == report


def test_a_person_putting_mail_in_a_campaign_moves_its_initiative_there(
    sessions: SessionFactory,
) -> None:
    stored = store_message(
        sessions, 1, at(1), timing=None, status="needs_review", reasons=("ambiguous_campaign",)
    )
    with sessions.begin() as session:
        message = session.get_one(Message, stored)
        message.campaign_timings = {"2024": "on_time", "bs": "late"}
    assert tallies(sessions) == {}
    with sessions.begin() as session:
        record_decision(
            session, stored, Decision(Action.CAMPAIGN, campaign="bs"), by="lan", now=NOW
        )
    with sessions() as session:
        assert compliance_tallies(session, "bs") == {"xa-thai-binh": UnitTally(0, 1, at(1))}
        assert compliance_tallies(session, "2024") == {}
        assert session.get_one(Message, stored).status == "accepted"


def test_mail_of_the_one_campaign_before_campaigns_existed_becomes_the_named_campaign(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    upgrade_schema(engine, "0006_reports")
    sessions = make_session_factory(engine)
    files = (("a.pdf", "Tiêu đề A"), ("b.pdf", None))
    with sessions.begin() as session:
        add_message_rows(session, 1, at(1), files=files, tally=False)
        add_message_rows(session, 2, at(28), timing="late", files=(("c.pdf", None),), tally=False)
        add_message_rows(session, 3, at(2), "xa-an-co", status="ignored", timing=None, tally=False)
    upgrade_schema(engine, "0009_web_accounts")  # the tallies of one campaign (0007)
    with engine.connect() as connection:
        before = sorted(connection.execute(text("SELECT * FROM unit_initiatives")).all())
    upgrade_schema(engine, campaign="cchc-2024")
    with sessions() as session:
        after = sorted(
            (r.unit_code, r.key, r.first_at, r.first_on_time_at)
            for r in session.scalars(
                select(UnitInitiative).where(UnitInitiative.campaign_code == "cchc-2024")
            )
        )
        counted = compliance_tallies(session, "cchc-2024")
        rows = {
            m.id: (m.campaign_code, m.campaign_timings) for m in session.scalars(select(Message))
        }
    engine.dispose()
    assert [tuple(r)[:2] for r in before] == [r[:2] for r in after]
    assert counted == {"xa-thai-binh": UnitTally(2, 3, at(1))}
    assert rows == {
        1: ("cchc-2024", {"cchc-2024": "on_time"}),
        2: ("cchc-2024", {"cchc-2024": "late"}),
        3: (None, None),
    }
