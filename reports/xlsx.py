"""Excel workbooks of the reports (pure: rows in, bytes out).

Every sheet has a bold, frozen header row, column widths fitted to the content,
and real values: counts are numbers and times are Excel dates in the campaign
zone (Excel has no time zones, so the wall-clock time officials read is stored).
Text is always a string cell, never a formula (reports.cells).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as WorksheetCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from parsers.campaign import PAPER_COPY, Campaign
from reports.cells import put_text
from reports.compliance import UnitCompliance
from reports.initiatives import INITIATIVE_HEADINGS, InitiativeLine
from reports.periods import PeriodMatrix, matrix_cells, matrix_headings
from reports.render import (
    FORMS_LABELS,
    KIND_LABELS,
    REVIEW_LABELS,
    STATUS_LABELS,
    SUBMISSION_HEADINGS,
    TIMING_LABELS,
    compliance_headings,
    paper_cells,
    submission_fields,
)
from store.read import SubmissionRow

Cell = str | int | datetime | date | None
DATE_FORMAT = "dd/mm/yyyy hh:mm"
DAY_FORMAT = "dd/mm/yyyy"
MAX_WIDTH = 60


@dataclass(frozen=True)
class Sheet:
    title: str
    headings: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """Return an .xlsx file holding ``sheets`` in order."""
    book = Workbook()
    for default in list(book.worksheets):
        book.remove(default)
    for sheet in sheets:
        _write_sheet(book, sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def compliance_xlsx(units: Sequence[UnitCompliance], campaign: Campaign) -> bytes:
    zone = campaign.zone
    rows: list[list[Cell]] = [
        [
            c.unit.code,
            c.unit.name,
            KIND_LABELS[c.unit.kind.value],
            "Có" if c.unit.required else "Không",
            STATUS_LABELS[c.status.value],
            c.on_time,
            c.late,
            c.initiatives,
            local_naive(c.first_received_at, zone),
            *paper_cells(c, campaign),
        ]
        for c in units
    ]
    required = [c for c in units if c.unit.required]
    summary: list[list[Cell]] = [
        ["Đợt", campaign.name],
        ["Ngày bắt đầu", campaign.opens],
        ["Hạn chót (hết ngày)", campaign.closes],
        ["Số đơn vị", len(units)],
        ["Đơn vị bắt buộc", len(required)],
    ]
    for status, label in STATUS_LABELS.items():
        count = sum(1 for c in required if c.status.value == status)
        summary.append([f"Đơn vị bắt buộc — {label}", count])
    if PAPER_COPY in campaign.requires:
        for forms, label in FORMS_LABELS.items():
            count = sum(1 for c in required if c.forms.value == forms)
            summary.append([f"Đơn vị bắt buộc — hồ sơ: {label.lower()}", count])
    summary.append(["Tổng số sáng kiến", sum(c.initiatives for c in units)])
    return workbook_bytes(
        [
            Sheet("Tổng hợp", ("Mục", "Giá trị"), summary),
            Sheet("Tình hình nộp", compliance_headings(campaign), rows),
        ]
    )


def submissions_xlsx(rows: Sequence[SubmissionRow], campaign: Campaign) -> bytes:
    zone = campaign.zone
    cells: list[list[Cell]] = [
        [n, r.id, local_naive(r.received_at, zone), *submission_fields(r)]
        for n, r in enumerate(rows, start=1)
    ]
    summary: list[list[Cell]] = [["Đợt", campaign.name], ["Tổng số thư", len(rows)]]
    for status, label in REVIEW_LABELS.items():
        summary.append([label, sum(1 for r in rows if r.status == status)])
    for timing, label in TIMING_LABELS.items():
        summary.append([f"Thư {label.lower()}", sum(1 for r in rows if r.timing == timing)])
    return workbook_bytes(
        [
            Sheet("Tổng hợp", ("Mục", "Giá trị"), summary),
            Sheet("Thư nhận được", SUBMISSION_HEADINGS, cells),
        ]
    )


def initiatives_xlsx(lines: Sequence[InitiativeLine], campaign: Campaign) -> bytes:
    zone = campaign.zone
    cells: list[list[Cell]] = [
        [
            n,
            line.unit_name,
            line.title,
            line.field or "",
            "; ".join(line.authors),
            local_naive(line.received_at, zone),
            TIMING_LABELS.get(line.timing or "", ""),
            "; ".join(line.filenames),
        ]
        for n, line in enumerate(lines, start=1)
    ]
    units = {line.unit_code for line in lines}
    summary: list[list[Cell]] = [
        ["Đợt", campaign.name],
        ["Số sáng kiến", len(lines)],
        ["Số đơn vị có sáng kiến", len(units)],
    ]
    return workbook_bytes(
        [
            Sheet("Tổng hợp", ("Mục", "Giá trị"), summary),
            Sheet("Danh sách sáng kiến", INITIATIVE_HEADINGS, cells),
        ]
    )


def local_naive(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """Return the wall-clock time in ``zone`` without a zone (what Excel can store)."""
    return moment.astimezone(zone).replace(tzinfo=None) if moment else None


def _write_sheet(book: Workbook, sheet: Sheet) -> None:
    ws = book.create_sheet(sheet.title[:31])
    for column, heading in enumerate(sheet.headings, start=1):
        cell = ws.cell(1, column)
        put_text(cell, heading)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    widths = [len(h) for h in sheet.headings]
    for number, row in enumerate(sheet.rows, start=2):
        for column, value in enumerate(row, start=1):
            _write_cell(ws.cell(number, column), value)
            widths[column - 1] = max(widths[column - 1], _display_width(value))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(width + 2, MAX_WIDTH)
    ws.freeze_panes = "A2"


def _write_cell(cell: WorksheetCell, value: Cell) -> None:
    """Write text as text (reports.cells), numbers and dates typed."""
    if isinstance(value, str):
        put_text(cell, value)
        return
    cell.value = value
    if isinstance(value, datetime):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, date):
        cell.number_format = DAY_FORMAT


def _display_width(value: Cell) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def periods_xlsx(matrix: PeriodMatrix) -> bytes:
    """Return the unit × period matrix of a periodic report as one sheet."""
    return workbook_bytes([Sheet("Theo kỳ", matrix_headings(matrix), matrix_cells(matrix))])
