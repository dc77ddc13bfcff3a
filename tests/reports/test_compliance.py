from __future__ import annotations

from datetime import UTC, date, datetime

from parsers.campaign import Campaign
from parsers.roster import Roster, Unit, UnitKind
from reports.compliance import UnitStatus, assess_compliance
from store.read import AttachmentRow, InitiativeRow, SubmissionRow

CAMPAIGN = Campaign("CCHC 2024", date(2024, 5, 15), date(2024, 6, 25), "Asia/Ho_Chi_Minh")
ROSTER = Roster(
    units=(
        Unit("xa-a", "UBND xã A", UnitKind.COMMUNE, True),
        Unit("xa-b", "UBND xã B", UnitKind.COMMUNE, True),
        Unit("xa-c", "UBND xã C", UnitKind.COMMUNE, True),
        Unit("hoi-nd", "Hội Nông dân huyện", UnitKind.MASS_ORG, False),
    )
)


def row(
    ident: int,
    unit: str | None,
    timing: str,
    title: str | None = "Số hóa hồ sơ",
    status: str = "accepted",
    filename: str = "sk.docx",
    day: int = 1,
) -> SubmissionRow:
    initiatives = (InitiativeRow(title, title.casefold(), None, (), filename),) if title else ()
    return SubmissionRow(
        id=ident,
        mailbox="m",
        uid=ident,
        message_id=None,
        received_at=datetime(2024, 6, day, 2, 0, tzinfo=UTC),
        from_address=None,
        from_name=None,
        subject=None,
        unit=unit,
        unit_source="address" if unit else None,
        timing=timing,
        status=status,
        parse_status="ok",
        reasons=(),
        attachments=(
            AttachmentRow(filename, "application/pdf", 1, "0" * 64, True, "ok", 10, None),
        ),
        initiatives=initiatives,
    )


def standing(rows: list[SubmissionRow]) -> dict[str, tuple[UnitStatus, int, int]]:
    return {
        c.unit.code: (c.status, c.on_time, c.late)
        for c in assess_compliance(ROSTER, CAMPAIGN, rows)
    }


def test_units_are_on_time_late_or_missing() -> None:
    result = standing([row(1, "xa-a", "on_time"), row(2, "xa-b", "late")])
    assert result == {
        "xa-a": (UnitStatus.ON_TIME, 1, 0),
        "xa-b": (UnitStatus.LATE, 0, 1),
        "xa-c": (UnitStatus.MISSING, 0, 0),
        "hoi-nd": (UnitStatus.MISSING, 0, 0),
    }


def test_a_corrected_resubmission_is_the_same_initiative() -> None:
    result = standing([row(1, "xa-a", "on_time", day=1), row(2, "xa-a", "late", day=27)])
    assert result["xa-a"] == (UnitStatus.ON_TIME, 1, 0)


def test_early_submissions_count_as_on_time() -> None:
    assert standing([row(1, "xa-a", "early")])["xa-a"] == (UnitStatus.ON_TIME, 1, 0)


def test_messages_that_need_review_do_not_count() -> None:
    assert (
        standing([row(1, "xa-a", "on_time", status="needs_review")])["xa-a"][0]
        is UnitStatus.MISSING
    )


def test_a_document_without_a_readable_title_still_counts_by_its_name() -> None:
    rows = [row(1, "xa-a", "on_time", title=None, filename="scan.pdf")]
    assert standing(rows)["xa-a"] == (UnitStatus.ON_TIME, 1, 0)


def test_first_received_is_the_earliest_accepted_submission() -> None:
    units = assess_compliance(
        ROSTER, CAMPAIGN, [row(2, "xa-a", "on_time", day=9), row(1, "xa-a", "on_time", day=3)]
    )
    assert units[0].first_received_at == datetime(2024, 6, 3, 2, 0, tzinfo=UTC)
