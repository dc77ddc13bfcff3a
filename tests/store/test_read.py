"""The read queries behind the reports and the digest, on both databases."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from app.config import load_roster
from reports.initiatives import list_initiatives
from store.db import SessionFactory
from store.models import Attachment, Message
from store.read import (
    AttachmentRow,
    FiledRow,
    list_filed,
    list_submissions,
    mail_received,
    review_candidates,
    submissions_by_id,
)
from store.tallies import UnitTally, compliance_tallies
from tests.store.register import add_message_rows, store_message

ICT = timezone(timedelta(hours=7))
ROOT = Path(__file__).resolve().parents[2]
FLAGS = frozenset({"auth_failed", "unreadable_attachment"})


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2024, 6, day, hour, minute, tzinfo=ICT)


def test_a_row_lists_its_files_in_order_and_the_file_each_title_came_from(
    sessions: SessionFactory,
) -> None:
    files = (("a.docx", "Một cửa số"), ("anh.png", None), ("b.pdf", None), ("c.pdf", "Hồ sơ"))
    ident = store_message(sessions, 1, at(3), files=files, reasons=("late",))
    with sessions() as session:
        [row] = list_submissions(session)
    assert row.id == ident
    assert row.received_at == at(3) and row.received_at.tzinfo is not None
    assert row.reasons == ("late",)
    assert [a.filename for a in row.attachments] == ["a.docx", "anh.png", "b.pdf", "c.pdf"]
    assert row.attachments[1] == AttachmentRow(
        "anh.png", "application/pdf", 11, f"{1:064x}", False, "ok", 10, None
    )
    assert [(i.title, i.filename, i.authors) for i in row.initiatives] == [
        ("Một cửa số", "a.docx", ("Nguyễn Văn A",)),
        ("Hồ sơ", "c.pdf", ("Nguyễn Văn A",)),
    ]


def test_rows_come_oldest_received_first_whatever_the_order_they_were_stored_in(
    sessions: SessionFactory,
) -> None:
    store_message(sessions, 1, at(5))
    store_message(sessions, 2, at(3), files=())
    store_message(sessions, 3, at(4), status="ignored")
    with sessions() as session:
        assert [r.uid for r in list_submissions(session)] == [2, 3, 1]
        assert [r.uid for r in list_submissions(session, status="accepted")] == [2, 1]
        assert list_submissions(session)[0].attachments == ()


def test_rows_by_id_are_only_those_asked_for(sessions: SessionFactory) -> None:
    first = store_message(sessions, 1, at(5))
    store_message(sessions, 2, at(3))
    third = store_message(sessions, 3, at(4))
    with sessions() as session:
        rows = submissions_by_id(session, [first, third])
    assert [(r.id, len(r.initiatives)) for r in rows] == [(third, 1), (first, 1)]


def test_the_window_includes_its_start_and_excludes_its_end(sessions: SessionFactory) -> None:
    store_message(sessions, 1, at(19, 23, 59))
    files = (("x.pdf", "Tiêu đề X"), ("anh.png", None), ("y.docx", None), ("z.pdf", "Tiêu đề Z"))
    store_message(sessions, 2, at(20, 0, 0), files=files)
    store_message(sessions, 3, at(20, 23, 59), status="ignored", files=())
    store_message(sessions, 4, at(21, 0, 0))
    with sessions() as session:
        rows = mail_received(session, at(20, 0, 0), at(21, 0, 0))
        [full] = submissions_by_id(session, [rows[0].id])
    assert [r.id for r in rows] == [2, 3]
    assert rows[0].documents == ("x.pdf", "y.docx", "z.pdf") == full.documents
    assert rows[0].titles == ("Tiêu đề X", "Tiêu đề Z") == full.titles
    assert (rows[1].status, rows[1].documents, rows[1].titles) == ("ignored", (), ())


def test_review_candidates_are_failed_to_review_or_accepted_with_a_flag(
    sessions: SessionFactory,
) -> None:
    store_message(sessions, 1, at(9), None, status="needs_review", reasons=("unknown_unit",))
    store_message(sessions, 2, at(3), parse_status="failed", status=None, timing=None)
    store_message(sessions, 3, at(4), reasons=("auth_failed",))
    store_message(sessions, 4, at(5), reasons=("late", "unreadable_attachment"))
    store_message(sessions, 5, at(6), reasons=("late",))  # accepted, nothing to look at
    store_message(sessions, 6, at(7), status="ignored", reasons=("auth_failed",))
    store_message(sessions, 7, at(8), parse_status="pending", status=None, timing=None)
    with sessions() as session:
        rows = review_candidates(session, FLAGS)
        earlier = review_candidates(session, FLAGS, before=at(5))
    assert [r.id for r in rows] == [2, 3, 4, 1]
    assert [r.id for r in earlier] == [2, 3]
    assert rows[2].reasons == ("late", "unreadable_attachment")
    assert (rows[0].parse_status, rows[0].status) == ("failed", None)


def test_a_reason_is_matched_whole_not_as_part_of_another(sessions: SessionFactory) -> None:
    store_message(sessions, 1, at(3), reasons=("auth_failed_softly",))
    with sessions() as session:
        assert review_candidates(session, FLAGS) == []


def test_counts_before_a_time_ignore_mail_received_from_then_on(sessions: SessionFactory) -> None:
    store_message(sessions, 1, at(3), files=(("a.pdf", "Tiêu đề A"),))
    store_message(sessions, 2, at(5), timing="late", files=(("b.pdf", None),))
    store_message(sessions, 3, at(5), "xa-an-co")
    with sessions() as session:
        before = compliance_tallies(session, "2024", before=at(5))
        every = compliance_tallies(session, "2024")
    assert before == {"xa-thai-binh": UnitTally(1, 1, at(3).astimezone(UTC))}
    assert every == {
        "xa-thai-binh": UnitTally(1, 2, at(3).astimezone(UTC)),
        "xa-an-co": UnitTally(1, 1, at(5).astimezone(UTC)),
    }


def test_rows_include_what_the_caller_added_but_has_not_flushed(
    sessions: SessionFactory,
) -> None:
    with sessions.begin() as session:
        add_message_rows(session, 1, at(3), files=(("a.docx", "Một cửa số"),))
        session.add(
            Attachment(
                message_id=session.scalar(select(Message.id)),
                position=1,
                filename="b.pdf",
                content_type="application/pdf",
                size=1,
                sha256="0" * 64,
                is_document=True,
                extract_status="ok",
                text_chars=1,
            )
        )
        [row] = list_submissions(session)
        assert row.documents == ("a.docx", "b.pdf") and row.titles == ("Một cửa số",)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_filed_rows_are_the_submissions_cut_to_what_the_council_s_list_reads(
    sessions: SessionFactory, seed: int
) -> None:
    rng = random.Random(seed)
    names = ("a.docx", "b.pdf", "anh.png", "a.docx", "c.doc")
    for uid in range(1, 41):
        files = tuple(
            (name, rng.choice((None, "Số hóa hồ sơ", "Một cửa", "Tổ tự quản")))
            for name in rng.sample(names, rng.randrange(0, 4))
        )
        store_message(
            sessions,
            uid,
            at(rng.randrange(1, 25), rng.randrange(0, 24)),
            rng.choice(("xa-thai-binh", "xa-an-co", None)),
            files=files,
            status=rng.choice(("accepted", "accepted", "needs_review", "ignored")),
            timing=rng.choice(("on_time", "late", None)),
            campaign=rng.choice(("2024", "2025", None)),
        )
    with sessions() as session:
        for status in ("accepted", "ignored"):
            submitted = list_submissions(session, status=status)
            filed = list_filed(session, status=status)
            assert [
                FiledRow(
                    r.id,
                    r.received_at,
                    r.unit,
                    r.timing,
                    r.status,
                    r.campaign,
                    r.documents,
                    r.initiatives,
                )
                for r in submitted
            ] == filed
        accepted = (list_filed(session), list_submissions(session, status="accepted"))
    roster = load_roster(ROOT / "units.toml")
    lines = list_initiatives(roster, accepted[0], "2024")
    assert lines == list_initiatives(roster, accepted[1], "2024")
    assert len(lines) >= 3
