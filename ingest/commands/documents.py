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


@click.group()
def documents() -> None:
    """Văn bản của hội đồng (Nghị định 30/2020/NĐ-CP), tệp .docx: báo cáo kết quả.

    Cơ quan ban hành, người ký và nơi nhận lấy từ bảng [documents] trong cấu hình.

    \b
    Ví dụ:
      cchc-inbox documents report --output bao-cao-ket-qua.docx
    """


@documents.command("report")
@click.option(
    "--output",
    type=OUTPUT,
    required=True,
    metavar="TỆP",
    help="Tệp .docx sẽ ghi (chỉ người chạy lệnh đọc được: quyền 0600).",
)
@CAMPAIGN
@click.option(
    "--number",
    default=None,
    metavar="SỐ",
    help="Số văn bản, ví dụ 125 (mặc định: để trống cho văn thư điền).",
)
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Ngày ban hành (mặc định: để trống ngày, tháng cho văn thư điền).",
)
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

    if number is not None and (not number.strip() or not number.isprintable()):
        _refuse("--number phải là một số văn bản trên một dòng, ví dụ 125; chưa ghi gì.")
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        _refuse(f"Không ghi được {output}: không có thư mục {folder} hoặc không có quyền ghi.")
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
