"""No export runs what a stranger wrote: text stays text in every CSV and workbook."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from parsers.roster import Roster
from reports.cells import csv_text
from reports.compliance import assess_tallies
from reports.export import index_csv, plan_export
from reports.initiatives import INITIATIVE_HEADINGS, initiative_cells, list_initiatives
from reports.render import (
    COMPLIANCE_HEADINGS,
    SUBMISSION_HEADINGS,
    as_csv,
    compliance_cells,
    submission_cells,
)
from reports.xlsx import compliance_xlsx, initiatives_xlsx, submissions_xlsx
from store.db import SessionFactory
from store.read import SubmissionRow, list_submissions
from store.tallies import compliance_tallies
from tests.reports.rows import CAMPAIGN, ROSTER, submission
from tests.store.register import store_message

ICT = timezone(timedelta(hours=7))
SUBJECT = '=HYPERLINK("http://x","y")'
SENDER = "+cmd@evil.example"
SENDER_NAME = "-2+3"
TITLE = "@SUM(1+1)*cmd|' /C calc'!A0"
AUTHOR = "=1+1"
FILENAME = "=x.docx"
UNIT_NAME = "=UBND xã Thái Bình"


@pytest.mark.parametrize(
    "text", ["=1+1", '=HYPERLINK("http://x","y")', "+84 90", "-2", "@SUM(A1)", "\tx", "\rx"]
)
def test_a_csv_cell_a_spreadsheet_would_run_gets_a_leading_apostrophe(text: str) -> None:
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("text", ["Số hóa hồ sơ", "1", "", "a=b", "25/06/2024 23:59", " =x"])
def test_any_other_csv_cell_is_kept_as_it_is(text: str) -> None:
    assert csv_text(text) == text


def formula_elements(data: bytes) -> list[str]:
    """Return the sheets of an .xlsx file that hold a formula element."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        return [n for n in sheets if b"<f>" in archive.read(n) or b"<f " in archive.read(n)]


def texts(book: Workbook) -> set[object]:
    return {cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row}


def hostile_register(sessions: SessionFactory) -> list[SubmissionRow]:
    received = datetime(2024, 6, 20, 9, 15, tzinfo=ICT)
    store_message(
        sessions,
        1,
        received,
        subject=SUBJECT,
        from_address=SENDER,
        from_name=SENDER_NAME,
        files=((FILENAME, TITLE),),
        authors=(AUTHOR,),
    )
    with sessions() as session:
        return list_submissions(session)


def hostile_roster() -> Roster:
    return replace(ROSTER, units=(replace(ROSTER.units[0], name=UNIT_NAME), *ROSTER.units[1:]))


def test_workbooks_hold_what_came_in_a_mail_as_text_never_as_a_formula(
    sessions: SessionFactory,
) -> None:
    rows = hostile_register(sessions)
    with sessions() as session:
        units = assess_tallies(hostile_roster(), CAMPAIGN, compliance_tallies(session, "2024"))
    workbooks = {
        "submissions": submissions_xlsx(rows, CAMPAIGN),
        "initiatives": initiatives_xlsx(list_initiatives(hostile_roster(), rows), CAMPAIGN),
        "compliance": compliance_xlsx(units, CAMPAIGN),
    }
    assert {name: formula_elements(data) for name, data in workbooks.items()} == {
        "submissions": [],
        "initiatives": [],
        "compliance": [],
    }
    submitted = texts(load_workbook(io.BytesIO(workbooks["submissions"])))
    assert {SUBJECT, f"{SENDER_NAME} <{SENDER}>", TITLE, FILENAME} <= submitted
    listed = texts(load_workbook(io.BytesIO(workbooks["initiatives"])))
    assert {UNIT_NAME, TITLE, AUTHOR, FILENAME} <= listed
    assert UNIT_NAME in texts(load_workbook(io.BytesIO(workbooks["compliance"])))


def test_numbers_and_dates_stay_typed_beside_hostile_text(sessions: SessionFactory) -> None:
    rows = hostile_register(sessions)
    sheet = load_workbook(io.BytesIO(submissions_xlsx(rows, CAMPAIGN)))["Thư nhận được"]
    assert sheet["A2"].value == 1 and sheet["A2"].data_type == "n"
    assert sheet["B2"].data_type == "n"
    assert sheet["C2"].is_date and sheet["C2"].value == datetime(2024, 6, 20, 9, 15)
    assert sheet["E2"].value == SUBJECT and sheet["E2"].data_type == "s"


def test_csv_exports_prefix_what_came_in_a_mail_so_no_spreadsheet_runs_it(
    sessions: SessionFactory,
) -> None:
    rows = hostile_register(sessions)
    with sessions() as session:
        units = assess_tallies(hostile_roster(), CAMPAIGN, compliance_tallies(session, "2024"))
    lines = list_initiatives(hostile_roster(), rows)
    outputs = {
        "submissions": as_csv(SUBMISSION_HEADINGS, submission_cells(rows, CAMPAIGN)),
        "initiatives": as_csv(INITIATIVE_HEADINGS, initiative_cells(lines, CAMPAIGN.timezone)),
        "compliance": as_csv(COMPLIANCE_HEADINGS, compliance_cells(units, CAMPAIGN)),
        "index": index_csv(plan_export(hostile_roster(), rows, CAMPAIGN.timezone)),
    }
    cells = {
        name: {c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row}
        for name, text in outputs.items()
    }
    assert {"'" + SUBJECT, f"'{SENDER_NAME} <{SENDER}>", "'" + TITLE, "'" + FILENAME} <= cells[
        "submissions"
    ]
    assert {"'" + UNIT_NAME, "'" + TITLE, "'" + AUTHOR, "'" + FILENAME} <= cells["initiatives"]
    assert "'" + UNIT_NAME in cells["compliance"]
    assert {"'" + UNIT_NAME, "'" + FILENAME, "'" + SENDER} <= cells["index"]
    dangerous = [
        (name, c) for name, found in cells.items() for c in found if c.startswith(("=", "+", "@"))
    ]
    assert dangerous == []


def test_a_subject_with_a_character_xml_cannot_hold_still_gives_a_workbook() -> None:
    row = submission(1, "xa-thai-binh", datetime(2024, 6, 20, 9, 15, tzinfo=ICT))
    row = replace(row, subject="Gửi\x07 sáng kiến\x1b")
    sheet = load_workbook(io.BytesIO(submissions_xlsx([row], CAMPAIGN)))["Thư nhận được"]
    assert sheet["E2"].value == "Gửi\ufffd sáng kiến\ufffd"
