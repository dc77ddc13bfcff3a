"""The register's grouped compliance counts give the same standing as every row."""

from __future__ import annotations

from datetime import UTC, datetime

from reports.compliance import assess_compliance, assess_tallies
from store.db import SessionFactory
from store.read import list_submissions
from store.tallies import compliance_tallies
from tests.reports.rows import CAMPAIGN, ROSTER
from tests.store.register import store_message


def add(
    sessions: SessionFactory,
    ident: int,
    unit: str | None,
    day: int,
    timing: str | None = "on_time",
    status: str = "accepted",
    files: tuple[tuple[str, str | None], ...] = (("sang-kien.docx", "Số hóa hồ sơ"),),
) -> None:
    """Store a message whose documents are (file name, title read from it or None)."""
    at = datetime(2024, 6, day, 2, 0, tzinfo=UTC)
    store_message(sessions, ident, at, unit, timing=timing, status=status, files=files)


def fill(sessions: SessionFactory) -> None:
    add(sessions, 1, "xa-thai-binh", 1)
    add(sessions, 2, "xa-thai-binh", 28, timing="late")  # a late copy of the same initiative
    add(sessions, 3, "xa-an-co", 27, timing="late", files=(("Báo cáo SK.pdf", None),))
    add(sessions, 4, "xa-an-co", 29, timing="late", files=(("Báo cáo SK.pdf", None),))
    add(sessions, 5, "phong-tu-phap", 2, status="needs_review")
    add(sessions, 6, "phong-tu-phap", 3, timing=None)
    add(sessions, 7, None, 3)
    add(sessions, 8, "hoi-nong-dan", 4, files=(("anh.png", None), ("a.pdf", "Một cửa")))
    add(sessions, 9, "xa-la", 4)  # a unit no longer in the roster
    add(sessions, 10, "phong-tu-phap", 5, files=(("a.pdf", "Tiêu đề A"), ("b.pdf", None)))
    # A second copy of a titled file in the same message (say, in a zip) is that initiative.
    add(sessions, 11, "xa-an-co", 6, files=(("c.pdf", "Tiêu đề C"), ("c.pdf", None)))
    add(sessions, 12, "xa-an-co", 27, timing="late", files=(("d.pdf", "Tiêu đề D"),))


def test_grouped_counts_give_the_same_standing_as_every_row(sessions: SessionFactory) -> None:
    fill(sessions)
    with sessions() as session:
        expected = assess_compliance(ROSTER, CAMPAIGN, list_submissions(session))
        tallies = compliance_tallies(session, "2024")
    assert assess_tallies(ROSTER, CAMPAIGN, tallies) == expected
    assert [(c.unit.code, c.status, c.on_time, c.late) for c in expected] == [
        ("xa-thai-binh", "on_time", 1, 0),
        ("xa-an-co", "on_time", 1, 2),
        ("phong-tu-phap", "on_time", 2, 0),
        ("hoi-nong-dan", "on_time", 1, 0),
    ]


def test_the_tallies_count_units_outside_the_roster_and_each_units_first_mail(
    sessions: SessionFactory,
) -> None:
    fill(sessions)
    with sessions() as session:
        tallies = compliance_tallies(session, "2024")
    assert {unit: (t.on_time, t.initiatives) for unit, t in tallies.items()} == {
        "xa-thai-binh": (1, 1),
        "xa-an-co": (1, 3),  # titled: C on time, D late; the untitled file late
        "phong-tu-phap": (2, 2),
        "hoi-nong-dan": (1, 1),
        "xa-la": (1, 1),
    }
    assert tallies["xa-an-co"].first_received_at == datetime(2024, 6, 6, 2, 0, tzinfo=UTC)
