"""`cchc-inbox reprocess`: analyse stored raw messages again, without IMAP."""

from __future__ import annotations

import logging
import sys

import click

from ingest.assembly import open_services
from ingest.commands.context import Context, pass_context
from ingest.poll import analyse_stored
from store.read import list_stored

log = logging.getLogger(__name__)


@click.command()
@click.option("--all", "everything", is_flag=True, help="Mọi thư đã lưu.")
@click.option("--failed", is_flag=True, help="Chỉ các thư phân tích bị lỗi.")
@click.argument("ids", nargs=-1, type=int)
@pass_context
def reprocess(context: Context, everything: bool, failed: bool, ids: tuple[int, ...]) -> None:
    """Phân tích lại thư đã lưu (sau khi nâng cấp hay sửa danh sách đơn vị).

    Đọc bản gốc đã lưu, không đọc hộp thư. Quyết định cán bộ đã ghi (review) được
    giữ nguyên. Chọn đúng một: --all, --failed hoặc các số thư (cột id của
    `report submissions`).

    \b
    Ví dụ:
      cchc-inbox reprocess --failed
      cchc-inbox reprocess 12 15
    """
    if sum((everything, failed, bool(ids))) != 1:
        raise click.UsageError(
            "chọn đúng một trong --all, --failed hoặc các số thư (ID), "
            "ví dụ `cchc-inbox reprocess --failed`"
        )
    with open_services(context.config, context.engine()) as services:
        with services.sessions() as session:
            targets = list_stored(session, ids or None, failed_only=failed)
        missing = sorted(set(ids) - {t[0] for t in targets})
        done = failures = unreadable = 0
        for message_id, digest, received_at in targets:
            try:
                raw = services.blobs.get(digest)
            except OSError as error:
                log.error("message %s: raw copy unreadable: %s", message_id, error)
                unreadable += 1
                continue
            if analyse_stored(message_id, raw, received_at, services):
                done += 1
            else:
                failures += 1
    line = f"Đã phân tích lại {len(targets)} thư: {done} thành công, {failures} thư lỗi"
    if unreadable:
        line += f", {unreadable} thư mất bản gốc"
    click.echo(line)
    if missing:
        click.echo(f"Không tìm thấy thư số: {', '.join(map(str, missing))}", err=True)
    if missing or unreadable:
        sys.exit(1)
