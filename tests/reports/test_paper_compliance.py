"""A campaign that requires the paper copy: each form judged on its own, then together."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from parsers.campaign import PAPER_COPY, SOFT_FILE, Campaign
from reports.compliance import FormsStatus, UnitStatus, assess_compliance
from reports.render import (
    COMPLIANCE_HEADINGS,
    compliance_cells,
    compliance_headings,
    compliance_json,
)
from reports.xlsx import compliance_xlsx
from store.paper import PaperCopyRow
from store.read import SubmissionRow
from tests.reports.test_compliance import CAMPAIGN, ROSTER, row

BOTH = replace(CAMPAIGN, requires=(SOFT_FILE, PAPER_COPY))
RECORDED = datetime(2024, 6, 26, 2, 0, tzinfo=UTC)


def paper(unit: str, day: date, copies: int = 1, campaign: str = "2024") -> PaperCopyRow:
    return PaperCopyRow(campaign, unit, day, copies, "Lan", None, "hoa", RECORDED)


def forms(
    rows: list[SubmissionRow], papers: dict[str, PaperCopyRow], campaign: Campaign = BOTH
) -> dict[str, FormsStatus]:
    return {c.unit.code: c.forms for c in assess_compliance(ROSTER, campaign, rows, papers)}


def test_the_four_standings_of_a_campaign_that_requires_both_forms() -> None:
    rows = [row(1, "xa-a", "on_time"), row(2, "xa-b", "on_time")]
    papers = {"xa-a": paper("xa-a", date(2024, 6, 20)), "xa-c": paper("xa-c", date(2024, 6, 1))}
    assert forms(rows, papers) == {
        "xa-a": FormsStatus.COMPLETE,
        "xa-b": FormsStatus.MISSING_PAPER_COPY,
        "xa-c": FormsStatus.PAPER_COPY_ONLY,
        "hoi-nd": FormsStatus.MISSING,
    }


def test_a_paper_copy_that_arrives_before_the_email_makes_the_unit_chi_co_ban_giay() -> None:
    papers = {"xa-a": paper("xa-a", date(2024, 5, 20))}
    [unit] = [c for c in assess_compliance(ROSTER, BOTH, [], papers) if c.unit.code == "xa-a"]
    assert (unit.status, unit.forms, unit.complete) == (
        UnitStatus.MISSING,
        FormsStatus.PAPER_COPY_ONLY,
        False,
    )
    assert unit.paper is not None and unit.paper.on_time


def test_a_paper_copy_that_never_arrives_leaves_an_on_time_file_thieu_ban_giay() -> None:
    [unit, *_] = assess_compliance(ROSTER, BOTH, [row(1, "xa-a", "on_time")], {})
    assert (unit.status, unit.forms, unit.complete, unit.paper) == (
        UnitStatus.ON_TIME,
        FormsStatus.MISSING_PAPER_COPY,
        False,
        None,
    )


@pytest.mark.parametrize(
    ("day", "on_time"),
    [(date(2024, 6, 25), True), (date(2024, 6, 26), False), (date(2024, 5, 1), True)],
)
def test_a_paper_copy_is_on_time_up_to_and_including_the_closing_day(
    day: date, on_time: bool
) -> None:
    papers = {"xa-a": paper("xa-a", day)}
    [unit, *_] = assess_compliance(ROSTER, BOTH, [row(1, "xa-a", "on_time")], papers)
    assert unit.paper is not None and unit.paper.on_time is on_time
    # Late or not, both forms were received: the file's own timing is unchanged.
    assert (unit.forms, unit.status) == (FormsStatus.COMPLETE, UnitStatus.ON_TIME)


def test_a_paper_copy_of_another_campaign_counts_for_nothing() -> None:
    papers = {"xa-a": paper("xa-a", date(2024, 6, 1), campaign="2023")}
    [unit, *_] = assess_compliance(ROSTER, BOTH, [row(1, "xa-a", "on_time")], papers)
    assert unit.paper is None and unit.forms is FormsStatus.MISSING_PAPER_COPY


def test_a_campaign_of_the_soft_file_alone_is_complete_with_the_file() -> None:
    papers = {"xa-b": paper("xa-b", date(2024, 6, 1))}
    assert forms([row(1, "xa-a", "on_time")], papers, CAMPAIGN) == {
        "xa-a": FormsStatus.COMPLETE,
        "xa-b": FormsStatus.MISSING,
        "xa-c": FormsStatus.MISSING,
        "hoi-nd": FormsStatus.MISSING,
    }


def test_the_json_adds_the_campaign_code_requires_and_each_units_paper_copy() -> None:
    papers = {"xa-a": paper("xa-a", date(2024, 6, 26), copies=2)}
    units = assess_compliance(ROSTER, BOTH, [row(1, "xa-a", "on_time")], papers)
    data = json.loads(compliance_json(units, BOTH))
    assert data["campaign"] == {
        "name": "CCHC 2024",
        "opens": "2024-05-15",
        "closes": "2024-06-25",
        "timezone": "Asia/Ho_Chi_Minh",
        "code": "2024",
        "requires": ["soft_file", "paper_copy"],
    }
    first, second = data["units"][:2]
    assert first["paper_copy"] == {
        "received_on": "2024-06-26",
        "copies": 2,
        "received_by": "Lan",
        "on_time": False,
    }
    assert (first["status"], first["complete"], first["forms"]) == ("on_time", True, "complete")
    assert (second["paper_copy"], second["complete"], second["forms"]) == (None, False, "missing")
    # Every key the report had before paper copies is still there.
    assert {
        "code",
        "name",
        "kind",
        "required",
        "status",
        "on_time",
        "late",
        "initiatives",
        "first_received_at",
    } <= set(first)


def test_the_table_has_the_paper_columns_only_when_the_campaign_requires_the_paper_copy() -> None:
    papers = {"xa-a": paper("xa-a", date(2024, 6, 20), copies=2)}
    rows = [row(1, "xa-a", "on_time"), row(2, "xa-b", "on_time")]
    assert compliance_headings(CAMPAIGN) == COMPLIANCE_HEADINGS
    plain = compliance_cells(assess_compliance(ROSTER, CAMPAIGN, rows, papers), CAMPAIGN)
    assert {len(cells) for cells in plain} == {len(COMPLIANCE_HEADINGS)}
    assert compliance_headings(BOTH)[-2:] == ("Bản giấy", "Hồ sơ")
    cells = compliance_cells(assess_compliance(ROSTER, BOTH, rows, papers), BOTH)
    assert [c[-2:] for c in cells] == [
        ["Đúng hạn 20/06/2024 (2 bản)", "Đủ hồ sơ"],
        ["Chưa nộp", "Thiếu bản giấy"],
        ["Chưa nộp", "Chưa nộp"],
        ["Chưa nộp", "Chưa nộp"],
    ]


def test_the_workbook_has_the_paper_columns_and_counts_them_in_the_summary() -> None:
    papers = {"xa-c": paper("xa-c", date(2024, 6, 20))}
    units = assess_compliance(ROSTER, BOTH, [row(1, "xa-a", "on_time")], papers)
    book = load_workbook(io.BytesIO(compliance_xlsx(units, BOTH)))
    sheet = book["Tình hình nộp"]
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["Bản giấy", "Hồ sơ"]
    assert [sheet.cell(r, len(header)).value for r in (2, 3, 4)] == [
        "Thiếu bản giấy",
        "Chưa nộp",
        "Chỉ có bản giấy",
    ]
    summary = {r[0].value: r[1].value for r in book["Tổng hợp"].iter_rows(min_row=2)}
    assert summary["Đơn vị bắt buộc — hồ sơ: chỉ có bản giấy"] == 1
    plain = load_workbook(io.BytesIO(compliance_xlsx(units, CAMPAIGN)))
    assert [c.value for c in plain["Tình hình nộp"][1]][-1] == "Nhận lần đầu"
