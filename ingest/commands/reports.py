"""`cchc-inbox report …`: reports read from the register."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from app.campaigns import UnknownSeries, select_series, series_title
from app.exports import ReportFile, initiative_lines, periods_file, report_file
from app.queries import campaign_today, period_matrix, unit_standings
from app.root import Register
from ingest.commands.campaigns import CAMPAIGN, chosen_campaign
from ingest.commands.context import Context, emit, pass_context, write_output
from parsers.campaign import Campaign
from reports.initiatives import INITIATIVE_HEADINGS, initiative_cells, initiatives_json
from reports.periods import matrix_cells, matrix_headings, matrix_json
from reports.render import (
    as_table,
    compliance_cells,
    compliance_headings,
    compliance_json,
    submission_table,
    submissions_json,
)
from store.read import list_submissions

OUTPUT = click.Path(path_type=Path, dir_okay=False)
FORMATS = click.Choice(["table", "json", "csv", "xlsx"])
#: The formats made as files, the same bytes as the web's exports (app.exports).
FILE_FORMATS = ("xlsx", "csv")
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
@CAMPAIGN
@pass_context
def report_compliance(
    context: Context, fmt: str | None, output: Path | None, campaign_code: str | None
) -> None:
    """Tình hình nộp của từng đơn vị: đúng hạn, trễ hạn hay chưa nộp.

    Có trang Tổng hợp khi ghi ra tệp .xlsx.

    \b
    Ví dụ:
      cchc-inbox report compliance --output tinh-hinh-nop.xlsx
    """
    fmt = output_format(fmt, output)
    register = context.register()
    campaign = chosen(register, campaign_code)
    if fmt in FILE_FORMATS:
        emit_file(report_file(register, "compliance", fmt, campaign), output)
        return
    # Grouped by the database: a few rows per unit, not every message.
    units = unit_standings(register, campaign)
    if fmt == "json":
        emit(compliance_json(units, campaign), output)
        return
    table = as_table(compliance_headings(campaign), compliance_cells(units, campaign))
    emit(f"{campaign.name}\n\n{table}", output)


@report.command("submissions")
@click.option("--format", "fmt", type=FORMATS, default=None, help=FORMAT_HELP)
@click.option("--output", type=OUTPUT, default=None, metavar="TỆP", help=OUTPUT_HELP)
@CAMPAIGN
@pass_context
def report_submissions(
    context: Context, fmt: str | None, output: Path | None, campaign_code: str | None
) -> None:
    """Mọi thư đã nhận: đơn vị, thời hạn, trạng thái, lý do, tệp và tên sáng kiến.

    Bảng trên màn hình vừa 160 cột (tiêu đề dài bị cắt); csv và xlsx giữ đủ mọi cột.
    Cột "Mã thư" là mã dùng cho `review` và `reprocess`.

    \b
    Ví dụ:
      cchc-inbox report submissions --output thu-nhan-duoc.csv
    """
    fmt = output_format(fmt, output)
    register = context.register()
    campaign = chosen(register, campaign_code)
    if fmt in FILE_FORMATS:
        emit_file(report_file(register, "submissions", fmt, campaign), output)
        return
    with register.sessions() as session:
        rows = list_submissions(session, campaign=campaign.code)
    if fmt == "json":
        emit(submissions_json(rows, campaign), output)
    else:
        emit(submission_table(rows, campaign), output)


@report.command("initiatives")
@click.option("--format", "fmt", type=FORMATS, default=None, help=FORMAT_HELP)
@click.option("--output", type=OUTPUT, default=None, metavar="TỆP", help=OUTPUT_HELP)
@CAMPAIGN
@pass_context
def report_initiatives(
    context: Context, fmt: str | None, output: Path | None, campaign_code: str | None
) -> None:
    """Danh sách sáng kiến cho hội đồng: đơn vị, tên, lĩnh vực, tác giả, thời điểm, tệp.

    Một sáng kiến gửi lại (bản sửa) là một dòng. JSON có thêm mã sáng kiến (id), nhãn
    lĩnh vực và chỉ số kèm câu dẫn chứng (tags) và các sáng kiến gần trùng (similar);
    sáng kiến đã rút không có trong bảng, csv và xlsx (xem `cchc-inbox initiative`).

    \b
    Ví dụ:
      cchc-inbox report initiatives --output danh-sach-sang-kien.xlsx
    """
    fmt = output_format(fmt, output)
    register = context.register()
    campaign = chosen(register, campaign_code)
    if fmt in FILE_FORMATS:
        emit_file(report_file(register, "initiatives", fmt, campaign), output)
        return
    lines = initiative_lines(register, campaign)
    if fmt == "json":
        emit(initiatives_json(lines, campaign.zone), output)
    else:
        listed = [ln for ln in lines if not ln.withdrawn]
        emit(as_table(INITIATIVE_HEADINGS, initiative_cells(listed, campaign.timezone)), output)


@report.command("periods")
@click.option(
    "--series",
    "series",
    default=None,
    metavar="MÃ",
    help="Báo cáo định kỳ nào (mã của bảng [[campaigns]] có `every`); không cần khi chỉ có một.",
)
@click.option("--format", "fmt", type=FORMATS, default=None, help=FORMAT_HELP)
@click.option("--output", type=OUTPUT, default=None, metavar="TỆP", help=OUTPUT_HELP)
@pass_context
def report_periods(
    context: Context, series: str | None, fmt: str | None, output: Path | None
) -> None:
    """Báo cáo định kỳ theo kỳ: mỗi đơn vị, mỗi kỳ đúng hạn, trễ hạn hay chưa nộp.

    Mỗi dòng một đơn vị bắt buộc, mỗi cột một kỳ (quý, tháng, năm); cuối bảng là số
    đơn vị của từng tình trạng. Kỳ chưa bắt đầu ghi "Chưa đến kỳ".

    \b
    Ví dụ:
      cchc-inbox report periods --series bc-quy --output theo-ky.xlsx
    """
    fmt = output_format(fmt, output)
    register = context.register()
    try:
        periods = select_series(register.config, series)
    except UnknownSeries as error:
        _refuse(str(error))
    matrix = period_matrix(register, periods, campaign_today(register, register.clock()))
    if fmt in FILE_FORMATS:
        emit_file(periods_file(matrix, fmt), output)
    elif fmt == "json":
        emit(matrix_json(matrix), output)
    else:
        table = as_table(matrix_headings(matrix), matrix_cells(matrix))
        emit(f"{series_title(periods[0])}\n\n{table}", output)


def chosen(register: Register, code: str | None) -> Campaign:
    """Return the campaign a report is of: ``--campaign``, else the one open today."""
    return chosen_campaign(register.config, code, campaign_today(register, register.clock()))


def emit_file(made: ReportFile, output: Path | None) -> None:
    """Write a report made as a file (XLSX, CSV) to ``output``, or CSV to the terminal."""
    if output is not None:
        write_output(output, made.data)
    elif made.filename.endswith(".csv"):
        click.echo(made.data.decode("utf-8"), nl=False)
    else:
        _refuse(NEEDS_OUTPUT)
