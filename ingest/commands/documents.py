"""`cchc-inbox documents …`: the council's official documents (Nghị định 30/2020/NĐ-CP) as DOCX."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import NoReturn

import click

from ingest.commands.campaigns import CAMPAIGN
from ingest.commands.context import Context, describe_os_error, pass_context

OUTPUT = click.Path(path_type=Path, dir_okay=False)
OUTPUT_OPTION = click.option(
    "--output",
    type=OUTPUT,
    required=True,
    metavar="TỆP",
    help="Tệp .docx sẽ ghi (chỉ người chạy lệnh đọc được: quyền 0600).",
)
NUMBER = click.option(
    "--number",
    default=None,
    metavar="SỐ",
    help="Số văn bản, ví dụ 125 (mặc định: để trống cho văn thư điền).",
)
DATE = click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Ngày ban hành (mặc định: để trống ngày, tháng cho văn thư điền).",
)


@click.group()
def documents() -> None:
    """Văn bản của hội đồng (Nghị định 30/2020/NĐ-CP), .docx: báo cáo, danh sách, phiếu chấm.

    Cơ quan ban hành, người ký và nơi nhận lấy từ bảng [documents] trong cấu hình;
    thang điểm của danh sách và phiếu chấm từ bảng [council].

    \b
    Ví dụ:
      cchc-inbox documents report --output bao-cao-ket-qua.docx
      cchc-inbox documents council-list --output to-trinh.docx
      cchc-inbox documents score-sheets --output phieu-danh-gia.docx --member tam
    """


@documents.command("report")
@OUTPUT_OPTION
@CAMPAIGN
@NUMBER
@DATE
@pass_context
def documents_report(
    context: Context,
    output: Path,
    campaign_code: str | None,
    number: str | None,
    day: datetime | None,
) -> None:
    """Báo cáo kết quả thực hiện Kế hoạch của một đợt, kèm phụ lục danh sách sáng kiến.

    Đơn vị gửi đúng hạn, trễ hạn, chưa gửi; số sáng kiến theo lĩnh vực.

    \b
    Ví dụ:
      cchc-inbox documents report --output bao-cao-ket-qua.docx --number 125 --date 2024-07-05
    """
    # Imported here: python-docx loads only for the command that writes a document.
    from app.documents import results_report_file
    from ingest.commands.reports import chosen

    _check_number(number)
    _check_folder(output)
    register = context.register()
    campaign = chosen(register, campaign_code)
    made = results_report_file(
        register,
        campaign,
        number=number.strip() if number else None,
        day=day.date() if day else None,
    )
    write_atomically(output, made.data)
    click.echo(f"Đã ghi {output}", err=True)


@documents.command("council-list")
@OUTPUT_OPTION
@CAMPAIGN
@NUMBER
@DATE
@pass_context
def documents_council_list(
    context: Context,
    output: Path,
    campaign_code: str | None,
    number: str | None,
    day: datetime | None,
) -> None:
    """Danh sách của hội đồng cho Tờ trình đề nghị công nhận: điểm, điểm TB, kết luận.

    Mỗi sáng kiến chưa rút một dòng: tên, tác giả, đơn vị, điểm từng thành viên đã
    nộp phiếu, điểm trung bình và kết luận (xem `cchc-inbox council results`).

    \b
    Ví dụ:
      cchc-inbox documents council-list --output to-trinh.docx --campaign 2024
    """
    from app.council import CouncilRefused
    from app.documents import council_list_file
    from ingest.commands.reports import chosen

    _check_number(number)
    _check_folder(output)
    register = context.register()
    campaign = chosen(register, campaign_code)
    try:
        made = council_list_file(
            register,
            campaign,
            number=number.strip() if number else None,
            day=day.date() if day else None,
        )
    except CouncilRefused as refusal:
        _refuse(refusal.text)
    write_atomically(output, made.data)
    click.echo(f"Đã ghi {output}", err=True)


@documents.command("score-sheets")
@OUTPUT_OPTION
@CAMPAIGN
@click.option(
    "--member", default=None, metavar="TÊN", help="Chỉ phiếu của thành viên này (mặc định: tất cả)."
)
@pass_context
def documents_score_sheets(
    context: Context, output: Path, campaign_code: str | None, member: str | None
) -> None:
    """Phiếu đánh giá giải pháp công nhận là sáng kiến, mỗi phiếu giao chấm một trang.

    Ghi sẵn tên giải pháp, đơn vị, tác giả, lĩnh vực, các tiêu chí với điểm tối đa
    và các mức điểm, điểm đã nhập (nếu có), tên thành viên và chỗ ký.

    \b
    Ví dụ:
      cchc-inbox documents score-sheets --output phieu-danh-gia.docx --member tam
    """
    from app.council import CouncilRefused
    from app.documents import score_sheets_file
    from ingest.commands.reports import chosen

    _check_folder(output)
    register = context.register()
    campaign = chosen(register, campaign_code)
    try:
        made = score_sheets_file(register, campaign, member=member)
    except CouncilRefused as refusal:
        _refuse(refusal.text)
    write_atomically(output, made.data)
    click.echo(f"Đã ghi {output}", err=True)


def _check_number(number: str | None) -> None:
    if number is not None and (not number.strip() or not number.isprintable()):
        _refuse("--number phải là một số văn bản trên một dòng, ví dụ 125; chưa ghi gì.")


def _check_folder(output: Path) -> None:
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        _refuse(f"Không ghi được {output}: không có thư mục {folder} hoặc không có quyền ghi.")


def write_atomically(output: Path, data: bytes) -> None:
    """Write ``data`` to ``output`` whole or not at all (owner-only): a temporary file in the
    same folder, renamed over it. A refusal of the file system is one line and exit 2."""
    folder = output.parent if str(output.parent) else Path(".")
    temporary: Path | None = None
    try:
        handle, name = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".tmp")
        temporary = Path(name)
        with os.fdopen(handle, "wb") as out:  # mkstemp's file is 0600 already
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, output)
    except OSError as error:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        _refuse(f"Không ghi được {output}: {describe_os_error(error)}; chưa ghi gì.")


def _refuse(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(2)
