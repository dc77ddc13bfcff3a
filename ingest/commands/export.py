"""`cchc-inbox export files`: the accepted documents, one folder per unit, with an index."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from app.exports import files_plan, missing_from_storage
from app.queries import campaign_today
from ingest.commands.campaigns import CAMPAIGN, chosen_campaign
from ingest.commands.context import Context, describe_os_error, pass_context
from reports.export import ExportFile, index_csv
from store.blobs import BlobStore
from store.files import DIR_MODE, copy_private, make_private_dir, write_private


@click.group()
def export() -> None:
    """Bản sao hồ sơ để in và gửi hội đồng sáng kiến.

    \b
    Ví dụ:
      cchc-inbox export files --output /tmp/ho-so
    """


@export.command("files")
@click.option(
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    metavar="THƯ_MỤC",
    help="Thư mục nhận bản sao (được tạo nếu chưa có).",
)
@CAMPAIGN
@pass_context
def export_files(context: Context, output: Path, campaign_code: str | None) -> None:
    """Chép mọi tệp văn bản đã nhận vào THƯ_MỤC/<đơn vị>/ và ghi THƯ_MỤC/index.csv.

    Tệp nào không chép được thì có một dòng báo lỗi, được ghi "Chưa xuất" trong
    cột Tình trạng của index.csv, và lệnh kết thúc với mã 1.

    \b
    Ví dụ:
      cchc-inbox export files --output /tmp/ho-so
    """
    register = context.register()
    campaign = chosen_campaign(
        register.config, campaign_code, campaign_today(register, register.clock())
    )
    plan = files_plan(register, campaign)
    blobs = register.blobs
    root = output.resolve()
    try:
        make_private_dir(root)
    except OSError as error:
        click.echo(f"Không tạo được thư mục {root}: {describe_os_error(error)}", err=True)
        sys.exit(1)
    problems: dict[ExportFile, str] = {}
    for item in plan.files:
        problem = copy_one(blobs, root, item)
        if problem is not None:
            problems[item] = problem
            click.echo(
                f"Không xuất được tệp {item.folder}/{item.name} "
                f"(tên gốc: {item.original}): {problem}",
                err=True,
            )
    try:
        write_private(root / "index.csv", index_csv(plan, problems).encode("utf-8"))
    except OSError as error:
        click.echo(f"Không ghi được {root / 'index.csv'}: {describe_os_error(error)}", err=True)
        sys.exit(1)
    folders = len({f.folder for f in plan.files})
    click.echo(
        f"Đã xuất {len(plan.files) - len(problems)} tệp của {folders} đơn vị vào {root} "
        f"(danh mục: index.csv)"
    )
    if problems:
        click.echo(
            f"CHƯA XUẤT được {len(problems)}/{len(plan.files)} tệp: xem các dòng trên và "
            f"cột Tình trạng trong index.csv.",
            err=True,
        )
        sys.exit(1)


def copy_one(blobs: BlobStore, root: Path, item: ExportFile) -> str | None:
    """Copy one planned file from storage; return why it could not be, or None."""
    target = root / item.folder / item.name
    try:
        if root not in target.resolve().parents:  # safe_name makes this impossible
            return "tên tệp không an toàn"
        source = blobs.path_of(item.sha256)
        if not source.is_file():
            return missing_from_storage(item)
        target.parent.mkdir(mode=DIR_MODE, exist_ok=True)
        copy_private(source, target)
    except UnicodeEncodeError:
        return "tên tệp không viết được bằng bảng mã của hệ thống tệp"
    except OSError as error:
        with contextlib.suppress(OSError):  # never leave half a file behind a "Chưa xuất"
            target.unlink(missing_ok=True)
        return describe_os_error(error)
    return None
