"""`cchc-inbox report …`: reports read from the register."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn

import click

from app.config import load_roster
from ingest.commands.context import Context, emit, pass_context, write_output
from reports.compliance import assess_tallies
from reports.initiatives import INITIATIVE_HEADINGS, initiative_cells, list_initiatives
from reports.render import (
    COMPLIANCE_HEADINGS,
    SUBMISSION_HEADINGS,
    as_csv,
    as_table,
    compliance_cells,
    compliance_json,
    local_iso,
    submission_cells,
    submission_table,
    submissions_json,
)
from store.db import make_session_factory
from store.read import list_submissions
from store.tallies import compliance_tallies

OUTPUT = click.Path(path_type=Path, dir_okay=False)
# XLSX_IMPORT: reports.xlsx is imported where a workbook is written: openpyxl
# takes a fifth of a second to import, which every other command would pay.
FORMATS = click.Choice(["table", "json", "csv", "xlsx"])
#: The format an output file's extension asks for; any other extension is a table.
EXTENSIONS = {".xlsx": "xlsx", ".csv": "csv", ".json": "json"}
FORMAT_HELP = (
    "Định dạng: table (bảng), json, csv hoặc xlsx. "
    "Mặc định theo đuôi tệp của --output (.xlsx, .csv, .json), còn lại là bảng."
)
NEEDS_OUTPUT = "Định dạng xlsx cần --output TỆP (ví dụ --output baocao.xlsx)."
OUTPUT_HELP = "Ghi vào TỆP thay vì in ra màn hình (chỉ người chạy lệnh đọc được: quyền 0600)."


@click.group()
def report() -> None:
    """Báo cáo đọc từ sổ theo dõi: tình hình nộp, thư nhận được, danh sách sáng kiến.

    \b
    Ví dụ:
      cchc-inbox report compliance
    """


def output_format(fmt: str | None, output: Path | None) -> str:
    """Return the format to write: ``--format``, else the output's extension, else a table.

    A format that contradicts the extension, or a workbook with no file to go
    to, ends the command (exit 2) before anything is read or written.
    """
    if output is None:
        chosen = fmt or "table"
    else:
        implied = EXTENSIONS.get(output.suffix.lower())
        if fmt is not None and implied is not None and fmt != implied:
            _refuse(
                f"--format {fmt} không khớp với tệp {output}: đuôi {output.suffix} là định dạng "
                f"{implied}. Bỏ --format hoặc đổi tên tệp; chưa ghi gì."
            )
        chosen = fmt or implied or "table"
    if chosen == "xlsx" and output is None:
        _refuse(NEEDS_OUTPUT)
    return chosen


def _refuse(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(2)


@report.command("compliance")
@click.option("--format", "fmt", type=FORMATS, default=None, help=FORMAT_HELP)
@click.option("--output", type=OUTPUT, default=None, metavar="TỆP", help=OUTPUT_HELP)
@pass_context
def report_compliance(context: Context, fmt: str | None, output: Path | None) -> None:
    """Tình hình nộp của từng đơn vị: đúng hạn, trễ hạn hay chưa nộp.

    Có trang Tổng hợp khi ghi ra tệp .xlsx.

    \b
    Ví dụ:
      cchc-inbox report compliance --output tinh-hinh-nop.xlsx
    """
    fmt = output_format(fmt, output)
    config = context.config
    roster = load_roster(config.units_file, config.addresses_file)
    with make_session_factory(context.engine())() as session:
        # Grouped by the database: a few rows per unit, not every message.
        tallies = compliance_tallies(session)
    units = assess_tallies(roster, config.campaign, tallies)
    if fmt == "xlsx":
        from reports.xlsx import compliance_xlsx  # see XLSX_IMPORT

        emit_binary(compliance_xlsx(units, config.campaign), output)
        return
    if fmt == "json":
        text = compliance_json(units, config.campaign)
    else:
        cells = compliance_cells(units, config.campaign)
        text = (as_csv if fmt == "csv" else as_table)(COMPLIANCE_HEADINGS, cells)
        if fmt == "table":
            text = f"{config.campaign.name}\n\n{text}"
    emit(text, output)


@report.command("submissions")
@click.option("--format", "fmt", type=FORMATS, default=None, help=FORMAT_HELP)
@click.option("--output", type=OUTPUT, default=None, metavar="TỆP", help=OUTPUT_HELP)
@pass_context
def report_submissions(context: Context, fmt: str | None, output: Path | None) -> None:
    """Mọi thư đã nhận: đơn vị, thời hạn, trạng thái, lý do, tệp và tên sáng kiến.

    Bảng trên màn hình vừa 160 cột (tiêu đề dài bị cắt); csv và xlsx giữ đủ mọi cột.
    Cột "Mã thư" là mã dùng cho `review` và `reprocess`.

    \b
    Ví dụ:
      cchc-inbox report submissions --output thu-nhan-duoc.csv
    """
    fmt = output_format(fmt, output)
    config = context.config
    with make_session_factory(context.engine())() as session:
        rows = list_submissions(session)
    if fmt == "xlsx":
        from reports.xlsx import submissions_xlsx  # see XLSX_IMPORT

        emit_binary(submissions_xlsx(rows, config.campaign), output)
        return
    if fmt == "json":
        text = submissions_json(rows, config.campaign)
    elif fmt == "csv":
        text = as_csv(SUBMISSION_HEADINGS, submission_cells(rows, config.campaign))
    else:
        text = submission_table(rows, config.campaign)
    emit(text, output)


@report.command("initiatives")
@click.option("--format", "fmt", type=FORMATS, default=None, help=FORMAT_HELP)
@click.option("--output", type=OUTPUT, default=None, metavar="TỆP", help=OUTPUT_HELP)
@pass_context
def report_initiatives(context: Context, fmt: str | None, output: Path | None) -> None:
    """Danh sách sáng kiến cho hội đồng: đơn vị, tên, lĩnh vực, tác giả, thời điểm, tệp.

    Một sáng kiến gửi lại (bản sửa) là một dòng.

    \b
    Ví dụ:
      cchc-inbox report initiatives --output danh-sach-sang-kien.xlsx
    """
    fmt = output_format(fmt, output)
    config = context.config
    roster = load_roster(config.units_file, config.addresses_file)
    with make_session_factory(context.engine())() as session:
        rows = list_submissions(session, status="accepted")
    lines = list_initiatives(roster, rows)
    if fmt == "xlsx":
        from reports.xlsx import initiatives_xlsx  # see XLSX_IMPORT

        emit_binary(initiatives_xlsx(lines, config.campaign), output)
        return
    if fmt == "json":
        zone = config.campaign.zone
        data = [
            {
                "unit": line.unit_code,
                "unit_name": line.unit_name,
                "title": line.title,
                "field": line.field,
                "authors": list(line.authors),
                "received_at": local_iso(line.received_at, zone),
                "timing": line.timing,
                "files": list(line.filenames),
            }
            for line in lines
        ]
        emit(json.dumps({"initiatives": data}, ensure_ascii=False, indent=2) + "\n", output)
        return
    cells = initiative_cells(lines, config.campaign.timezone)
    emit((as_csv if fmt == "csv" else as_table)(INITIATIVE_HEADINGS, cells), output)


def emit_binary(data: bytes, output: Path | None) -> None:
    """Write a binary report to ``output``; a terminal cannot show a workbook."""
    if output is None:
        _refuse(NEEDS_OUTPUT)
    write_output(output, data)
