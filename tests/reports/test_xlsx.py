from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from reports.compliance import assess_compliance
from reports.initiatives import list_initiatives
from reports.render import COMPLIANCE_HEADINGS, SUBMISSION_HEADINGS
from reports.xlsx import compliance_xlsx, initiatives_xlsx, submissions_xlsx
from store.read import SubmissionRow
from tests.reports.rows import CAMPAIGN, ROSTER, submission

ICT = timezone(timedelta(hours=7))


def open_book(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def rows_of_demo() -> list[SubmissionRow]:
    return [
        submission(1, "xa-thai-binh", datetime(2024, 6, 20, 9, 15, tzinfo=ICT)),
        submission(2, "xa-an-co", datetime(2024, 6, 26, 8, 0, tzinfo=ICT), timing="late"),
        submission(3, None, datetime(2024, 6, 21, 10, 0, tzinfo=ICT), status="needs_review"),
    ]


def test_compliance_workbook_has_a_summary_and_a_unit_sheet_in_vietnamese() -> None:
    units = assess_compliance(ROSTER, CAMPAIGN, rows_of_demo())
    book = open_book(compliance_xlsx(units, CAMPAIGN))
    assert book.sheetnames == ["Tổng hợp", "Tình hình nộp"]
    sheet = book["Tình hình nộp"]
    assert [c.value for c in sheet[1]] == list(COMPLIANCE_HEADINGS)
    assert [c.value for c in sheet[2]] == [
        "xa-thai-binh",
        "UBND xã Thái Bình",
        "Xã",
        "Có",
        "Đã nộp đúng hạn",
        1,
        0,
        1,
        datetime(2024, 6, 20, 9, 15),
    ]
    assert sheet["E3"].value == "Nộp trễ"
    assert sheet["E4"].value == "Chưa nộp"
    assert sheet["I4"].value is None
    assert sheet.max_row == 1 + len(ROSTER.units)


def test_header_row_is_frozen_and_bold_and_columns_are_wide_enough() -> None:
    units = assess_compliance(ROSTER, CAMPAIGN, rows_of_demo())
    sheet = open_book(compliance_xlsx(units, CAMPAIGN))["Tình hình nộp"]
    assert sheet.freeze_panes == "A2"
    assert all(c.font.bold for c in sheet[1])
    assert sheet.column_dimensions["B"].width >= len("UBND xã Thái Bình")
    assert sheet.column_dimensions["I"].width >= 16


def test_times_are_real_excel_dates_in_the_campaign_zone() -> None:
    book = open_book(submissions_xlsx(rows_of_demo(), CAMPAIGN))
    sheet = book["Thư nhận được"]
    cell = sheet["C2"]
    assert cell.is_date
    assert cell.value == datetime(2024, 6, 20, 9, 15)
    assert cell.number_format == "dd/mm/yyyy hh:mm"


def test_submissions_workbook_lists_every_message_with_vietnamese_labels() -> None:
    book = open_book(submissions_xlsx(rows_of_demo(), CAMPAIGN))
    sheet = book["Thư nhận được"]
    assert [c.value for c in sheet[1]] == list(SUBMISSION_HEADINGS)
    assert sheet.max_row == 4
    assert [sheet.cell(r, 8).value for r in (2, 3, 4)] == ["Đã nhận", "Đã nhận", "Cần xem xét"]
    assert [sheet.cell(r, 7).value for r in (2, 3, 4)] == ["Đúng hạn", "Trễ hạn", "Đúng hạn"]
    assert sheet["D2"].value == "Văn thư <tb@tayninh.gov.vn>"
    assert sheet["K2"].value == "Số hóa hồ sơ một cửa"


def test_submissions_summary_counts_statuses() -> None:
    summary = open_book(submissions_xlsx(rows_of_demo(), CAMPAIGN))["Tổng hợp"]
    values = {
        summary.cell(r, 1).value: summary.cell(r, 2).value for r in range(2, summary.max_row + 1)
    }
    assert values["Tổng số thư"] == 3
    assert values["Đã nhận"] == 2
    assert values["Cần xem xét"] == 1
    assert values["Thư trễ hạn"] == 1


def test_compliance_summary_counts_required_units_by_status() -> None:
    units = assess_compliance(ROSTER, CAMPAIGN, rows_of_demo())
    summary = open_book(compliance_xlsx(units, CAMPAIGN))["Tổng hợp"]
    values = {
        summary.cell(r, 1).value: summary.cell(r, 2).value for r in range(2, summary.max_row + 1)
    }
    assert values["Đơn vị bắt buộc"] == 3
    assert values["Đơn vị bắt buộc — Đã nộp đúng hạn"] == 1
    assert values["Đơn vị bắt buộc — Nộp trễ"] == 1
    assert values["Đơn vị bắt buộc — Chưa nộp"] == 1
    assert summary["B4"].value == datetime(2024, 6, 25)


def test_initiatives_workbook_has_one_line_per_initiative() -> None:
    lines = list_initiatives(ROSTER, rows_of_demo())
    sheet = open_book(initiatives_xlsx(lines, CAMPAIGN))["Danh sách sáng kiến"]
    assert sheet.max_row == 3
    assert [c.value for c in sheet[2]] == [
        1,
        "UBND xã Thái Bình",
        "Số hóa hồ sơ một cửa",
        "Cải cách thủ tục hành chính",  # stored lower case: shown by its name
        "Nguyễn Văn A; Trần Thị Bé",
        datetime(2024, 6, 20, 9, 15),
        "Đúng hạn",
        "sang-kien.docx",
    ]
    assert sheet["G3"].value == "Trễ hạn"
