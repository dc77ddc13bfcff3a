"""`cchc-inbox status`: health of the mailboxes and the register."""

from __future__ import annotations

import click

from ingest.commands.context import Context, pass_context
from reports.render import local_text
from store.db import make_session_factory
from store.read import list_mailboxes, list_submissions

STATUS_WORDS = {
    "accepted": "đã nhận",
    "needs_review": "cần xem xét",
    "ignored": "bỏ qua",
    "pending": "chưa phân tích",
}


@click.command()
@pass_context
def status(context: Context) -> None:
    """Last poll of each mailbox, message counts and last error."""
    config = context.config
    with make_session_factory(context.engine())() as session:
        mailboxes = list_mailboxes(session)
        rows = list_submissions(session)
    zone = config.campaign.zone
    if not mailboxes:
        click.echo("Chưa lần nào đọc hộp thư (chạy `cchc-inbox poll`).")
    for box in mailboxes:
        success = local_text(box.last_success_at, zone) or "chưa có"
        click.echo(
            f"Hộp thư {box.mailbox}/{box.folder}: {box.messages} thư, "
            f"UIDVALIDITY {box.uidvalidity}, UID cuối {box.last_uid}, "
            f"đọc thành công lần cuối {success}"
        )
        if box.last_error:
            attempt = local_text(box.last_attempt_at, zone)
            click.echo(f"  Lỗi lần cuối ({attempt}): {box.last_error}")
    counts: dict[str, int] = {}
    for row in rows:
        key = row.status or row.parse_status
        counts[key] = counts.get(key, 0) + 1
    summary = ", ".join(f"{n} {STATUS_WORDS.get(k, k)}" for k, n in sorted(counts.items()))
    click.echo(f"Tổng cộng {len(rows)} thư: {summary or 'chưa có thư'}.")
