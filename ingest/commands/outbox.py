"""`cchc-inbox outbox …`: what is waiting to be sent, sending it, retrying by hand."""

from __future__ import annotations

import click

from app.config import ConfigError
from app.root import utc_now
from ingest.commands.context import Context, pass_context
from ingest.commands.digest import describe_delivery
from outbound.notify import NotConfigured, deliver
from reports.render import local_text
from store.db import make_session_factory
from store.outbox import PENDING, list_outbox, requeue

STATUS_WORDS = {
    "pending": "chờ gửi",
    "sending": "đang gửi",
    "sent": "đã gửi",
    "failed": "thất bại",
    "uncertain": "chưa rõ đã gửi chưa",
}
KIND_WORDS = {"digest": "báo cáo ngày", "receipt": "xác nhận", "reminder": "nhắc nộp"}


@click.group()
def outbox() -> None:
    """Thư gửi đi: bản tin, thư xác nhận và thư nhắc.

    \b
    Ví dụ:
      cchc-inbox outbox list
    """


@outbox.command("list")
@click.option("--all", "show_all", is_flag=True, help="Hiện cả thư đã gửi.")
@pass_context
def outbox_list(context: Context, show_all: bool) -> None:
    """Thư trong hộp thư đi (thư chưa gửi; --all: cả thư đã gửi).

    \b
    Ví dụ:
      cchc-inbox outbox list --all
    """
    zone = context.config.campaign.zone
    with make_session_factory(context.engine())() as session:
        rows = list_outbox(session)
    shown = [r for r in rows if show_all or r.status != "sent"]
    if not shown:
        click.echo("Hộp thư đi trống.")
    for r in shown:
        click.echo(
            f"#{r.id} {KIND_WORDS.get(r.kind, r.kind)} → {', '.join(r.recipients)}: "
            f"{STATUS_WORDS.get(r.status, r.status)}, {r.attempts} lần thử, "
            f"tạo {local_text(r.created_at, zone)}; {r.rfc_message_id}"
        )
        if r.last_error:
            click.echo(f"   lỗi: {r.last_error}")


@outbox.command("send")
@click.option("--dry-run", is_flag=True, help="Chỉ hiện thư đến hạn gửi, không gửi.")
@pass_context
def outbox_send(context: Context, dry_run: bool) -> None:
    """Gửi ngay mọi thư đến hạn.

    \b
    Ví dụ:
      cchc-inbox outbox send --dry-run
    """
    config = context.config
    sessions = make_session_factory(context.engine())
    if dry_run:
        now = utc_now()
        with sessions() as session:
            due = [r for r in list_outbox(session, [PENDING]) if r.next_attempt_at <= now]
        for r in due:
            click.echo(f"#{r.id} → {', '.join(r.recipients)}: {r.subject}")
        click.echo(f"(thử: {len(due)} thư sẽ được gửi, chưa gửi gì)", err=True)
        return
    try:
        report = deliver(config, sessions, utc_now)
    except NotConfigured as missing:
        raise ConfigError(
            config.path, str(missing), "bắt buộc để gửi thư, chưa có trong tệp"
        ) from None
    describe_delivery(report)


@outbox.command("retry")
@click.argument("mail_id", type=int)
@pass_context
def outbox_retry(context: Context, mail_id: int) -> None:
    """Gửi lại một thư thất bại hoặc chưa rõ (xem nhật ký máy chủ thư trước).

    \b
    Ví dụ:
      cchc-inbox outbox retry 7
    """
    with make_session_factory(context.engine()).begin() as session:
        done = requeue(session, mail_id, utc_now())
    if not done:
        raise click.ClickException(f"thư #{mail_id} không ở trạng thái thất bại hoặc chưa rõ")
    click.echo(f"Đã đưa thư #{mail_id} vào hàng chờ gửi lại.")
