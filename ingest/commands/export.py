"""`cchc-inbox export files`: the accepted documents, one folder per unit, with an index."""

from __future__ import annotations

import contextlib
import errno
import shutil
import sys
from pathlib import Path

import click

from app.config import load_roster
from ingest.commands.context import Context, pass_context
from reports.export import ExportFile, index_csv, plan_export
from store.blobs import BlobStore
from store.db import make_session_factory
from store.read import list_submissions

#: What a person is told when the file system refuses a file.
OS_ERRORS = {
    errno.ENAMETOOLONG: "tên tệp quá dài cho hệ thống tệp",
    errno.ENOSPC: "đĩa đầy",
    errno.EDQUOT: "vượt hạn mức đĩa",
    errno.EACCES: "không có quyền ghi",
    errno.EPERM: "không có quyền ghi",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.ENOENT: "không tìm thấy tệp hoặc thư mục",
    errno.EEXIST: "đã có một tệp trùng tên thư mục",
    errno.ENOTDIR: "đã có một tệp trùng tên thư mục",
}


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
@pass_context
def export_files(context: Context, output: Path) -> None:
    """Chép mọi tệp văn bản đã nhận vào THƯ_MỤC/<đơn vị>/ và ghi THƯ_MỤC/index.csv.

    Tệp nào không chép được thì có một dòng báo lỗi, được ghi "Chưa xuất" trong
    cột Tình trạng của index.csv, và lệnh kết thúc với mã 1.

    \b
    Ví dụ:
      cchc-inbox export files --output /tmp/ho-so
    """
    config = context.config
    roster = load_roster(config.units_file, config.addresses_file)
    with make_session_factory(context.engine())() as session:
        rows = list_submissions(session, status="accepted")
    plan = plan_export(roster, rows, config.campaign.timezone)
    blobs = BlobStore(config.storage_dir)
    root = output.resolve()
    try:
        root.mkdir(parents=True, exist_ok=True)
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
        (root / "index.csv").write_text(index_csv(plan, problems), encoding="utf-8")
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
            return f"không còn trong kho lưu trữ (SHA-256 {item.sha256})"
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, target)
    except UnicodeEncodeError:
        return "tên tệp không viết được bằng bảng mã của hệ thống tệp"
    except OSError as error:
        with contextlib.suppress(OSError):  # never leave half a file behind a "Chưa xuất"
            target.unlink(missing_ok=True)
        return describe_os_error(error)
    return None


def describe_os_error(error: OSError) -> str:
    """Return what a file-system error means, in Vietnamese."""
    if error.errno in OS_ERRORS:
        return OS_ERRORS[error.errno]
    name = errno.errorcode.get(error.errno or 0, "không rõ")
    return f"lỗi hệ thống tệp ({name})"
