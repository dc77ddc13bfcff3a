"""`cchc-inbox import`: register mail exported to files (mbox, Maildir, .eml, .pst)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from app.config import Config, MailboxConfig
from ingest.assembly import open_services
from ingest.commands.context import Context, pass_context
from ingest.importing import ImportSummary, import_files
from ingest.locks import LockLost, mailbox_lock
from ingest.mailfiles import KIND_LABELS, MailFiles, NotAnExport, shown
from ingest.poll import resume_pending
from outbound.notify import after_poll
from store.db import Engine

log = logging.getLogger(__name__)

#: At most this many skipped items are listed one per line; the rest are counted.
LISTED_SKIPS = 50


@click.command("import")
@click.argument("path", type=click.Path(path_type=Path), metavar="ĐƯỜNG_DẪN")
@click.option(
    "--mailbox",
    "mailbox_name",
    default=None,
    metavar="TÊN",
    help="Hộp thư ([[mailboxes]] name) mà thư thuộc về; mặc định: hộp thư đầu tiên.",
)
@pass_context
def import_mail(context: Context, path: Path, mailbox_name: str | None) -> None:
    """Đăng ký thư từ tệp xuất ra: tệp mbox, thư mục Maildir, thư mục tệp .eml, tệp .pst.

    Thư được lưu và phân loại như thư đọc qua IMAP; giờ nhận lấy từ dòng Received:
    trên cùng do máy chủ của cơ quan ghi ([[mailboxes]] receiving_hosts hoặc
    trusted_authserv_id), không bao giờ từ Date:. Thư không có dòng đó vẫn được
    đăng ký nhưng chờ người xem xét (no_receive_time). Tệp Outlook .pst được chuyển
    thành các tệp .eml bằng readpst (gói pst-utils). Chạy lại không đăng ký trùng
    (kể cả thư đã đọc qua IMAP) và làm tiếp lần nhập bị dừng. Thoát 1 khi có mục bị
    bỏ qua (liệt kê từng mục) hoặc hộp thư đang được đọc, 2 khi đường dẫn hay hộp
    thư không dùng được.

    \b
    Ví dụ:
      cchc-inbox import /srv/export/phongnv.mbox
      cchc-inbox import ~/Maildir --mailbox phongnv
      cchc-inbox import /srv/export/phongnv.pst
    """
    config = context.config
    mailbox = _mailbox(config, mailbox_name)
    try:
        files = MailFiles(path)
    except NotAnExport as error:
        click.echo(f"Không nhập được: {error}", err=True)
        sys.exit(2)
    engine = context.engine()
    try:
        summary = _run(config, engine, mailbox, files)
    finally:
        files.close()
    after_poll(config, engine)  # receipts for newly accepted mail, as after a poll
    click.echo(describe_import(summary, files))
    listed = summary.skipped[:LISTED_SKIPS]
    for item in listed:
        click.echo(f"  Bỏ qua {item.where}: {item.problem}")
    if len(summary.skipped) > len(listed):
        click.echo(f"  … và {len(summary.skipped) - len(listed)} mục bị bỏ qua khác (xem nhật ký)")
    if summary.skipped:
        sys.exit(1)


def _mailbox(config: Config, name: str | None) -> MailboxConfig:
    """Return the mailbox named ``name`` (the first one without it); exit 2 if none is."""
    if name is None:
        return config.mailboxes[0]
    for mailbox in config.mailboxes:
        if mailbox.name == name:
            return mailbox
    names = ", ".join(m.name for m in config.mailboxes)
    click.echo(f"Không có hộp thư “{name}” trong cấu hình (các hộp thư: {names})", err=True)
    sys.exit(2)


def _run(config: Config, engine: Engine, mailbox: MailboxConfig, files: MailFiles) -> ImportSummary:
    # The poller's lock of this mailbox: an import and a poll never store at once,
    # so a message both read from the file and fetched is stored once.
    with (
        open_services(config, engine) as services,
        mailbox_lock(config.database_url, services.sessions, mailbox.name, mailbox.folder) as lock,
    ):
        if not lock:
            click.echo(
                f"Hộp thư {mailbox.name}: một tiến trình khác đang đọc hộp thư này, "
                "hãy nhập lại sau",
                err=True,
            )
            sys.exit(1)
        resumed = resume_pending(services, mailbox.name)
        if resumed:
            log.info("analysed %d message(s) left pending by an earlier run", resumed)
        with _progress(files) as progress:
            try:
                return import_files(
                    files, mailbox, services, progress=progress, still_held=lock.still_held
                )
            except LockLost:
                click.echo(
                    f"Hộp thư {mailbox.name}: mất khóa hộp thư (kết nối tới cơ sở dữ liệu "
                    "bị ngắt); những thư đã lưu vẫn giữ, hãy chạy lại lệnh",
                    err=True,
                )
                sys.exit(1)


@contextmanager
def _progress(files: MailFiles) -> Iterator[Callable[[int], None] | None]:
    """Yield a progress bar's update on a terminal, nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(
        length=files.total, label=f"Nhập {shown(files.path.name)}", file=sys.stderr
    ) as bar:
        drawn = [0]

        def update(done: int) -> None:
            bar.update(done - drawn[0])
            drawn[0] = done

        yield update


def describe_import(summary: ImportSummary, files: MailFiles) -> str:
    """Return the one-line outcome of an import, in Vietnamese."""
    line = (
        f"Nhập {KIND_LABELS[summary.kind]} {shown(files.path)} vào hộp thư {summary.mailbox}: "
        f"{summary.read} thư đọc được, {summary.new} thư mới, "
        f"{summary.duplicates} thư trùng (đã có), {summary.failed} thư lỗi"
    )
    if summary.no_receive_time:
        line += (
            f"; {summary.no_receive_time} thư không có dòng Received: của máy chủ cơ quan, "
            "chờ xem xét"
        )
    if summary.skipped:
        line += f"; bỏ qua {len(summary.skipped)} mục không đọc được"
    return line
