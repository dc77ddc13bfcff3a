"""`cchc-inbox digest` and `cchc-inbox remind`: the morning digest and the reminders."""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import click

from app.config import Config, ConfigError, load_roster
from app.root import utc_now
from ingest.commands.campaigns import CAMPAIGN, chosen_campaign
from ingest.commands.context import Context, emit, pass_context
from outbound.notify import (
    NotConfigured,
    deliver,
    digest_mail,
    enqueue_digest,
    enqueue_reminders,
    prepare_digest,
    reminders_due,
    unit_addresses,
)
from outbound.outbox import DeliveryReport
from parsers.campaign import PAPER_COPY
from reports.digest import render_html, render_text
from store.db import make_session_factory

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.command()
@click.option(
    "--date",
    "day",
    type=DAY,
    default=None,
    metavar="YYYY-MM-DD",
    help="Ngày của bản tin (mặc định hôm nay).",
)
@click.option("--send", is_flag=True, help="Gửi tới [digest] to qua hộp thư đi.")
@click.option("--dry-run", is_flag=True, help="Với --send: chỉ hiện thư, không gửi.")
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="TỆP",
    help="Ghi vào TỆP (đuôi .html: bản HTML).",
)
@CAMPAIGN
@pass_context
def digest(
    context: Context,
    day: datetime | None,
    send: bool,
    dry_run: bool,
    output: Path | None,
    campaign_code: str | None,
) -> None:
    """Bản tin hằng ngày: tình hình đến hết ngày trước --date (giờ của đợt).

    \b
    Ví dụ:
      cchc-inbox digest --date 2024-06-26
      cchc-inbox digest --output ban-tin.html
      cchc-inbox digest --send --dry-run
    """
    config = context.config
    roster = load_roster(config.units_file, config.addresses_file)
    sessions = make_session_factory(context.engine())
    for_date = day.date() if day else today(config)
    # The digest covers the day before its date: by default, the campaign of that day.
    campaign = chosen_campaign(config, campaign_code, for_date - timedelta(days=1))
    result = prepare_digest(sessions, config, roster, for_date, campaign)
    if not send:
        html = output is not None and output.suffix.lower() in (".html", ".htm")
        emit(render_html(result) if html else render_text(result), output)
        return
    try:
        if dry_run:
            mail = digest_mail(config, result, utc_now())
            click.echo(f"Từ: {mail.sender}\nĐến: {', '.join(mail.recipients)}")
            click.echo(f"Tiêu đề: {mail.subject}\nMessage-ID: {mail.rfc_message_id}\n")
            click.echo(render_text(result), nl=False)
            click.echo(f"(thử: chưa gửi gì; thư {len(mail.raw)} byte, có bản HTML)", err=True)
            return
        if output is not None:
            emit(render_text(result), output)
        queued = enqueue_digest(sessions, config, result, utc_now())
        if queued is None:
            click.echo(f"Báo cáo ngày {for_date:%d/%m/%Y} đã có trong hộp thư đi.", err=True)
        report = deliver(config, sessions, utc_now)
    except NotConfigured as missing:
        raise ConfigError(
            config.path, str(missing), "bắt buộc để gửi thư, chưa có trong tệp"
        ) from None
    describe_delivery(report)


@click.command()
@click.option(
    "--date",
    "day",
    type=DAY,
    default=None,
    metavar="YYYY-MM-DD",
    help="Tính đến ngày này (mặc định hôm nay).",
)
@click.option("--dry-run", is_flag=True, help="Chỉ liệt kê đơn vị sẽ được nhắc, không gửi.")
@CAMPAIGN
@pass_context
def remind(
    context: Context, day: datetime | None, dry_run: bool, campaign_code: str | None
) -> None:
    """Nhắc đơn vị bắt buộc chưa nộp, vào các ngày nhắc (reminder_days_before).

    \b
    Ví dụ:
      cchc-inbox remind --dry-run
      cchc-inbox remind --date 2024-06-18
    """
    config = context.config
    roster = load_roster(config.units_file, config.addresses_file)
    sessions = make_session_factory(context.engine())
    for_date = day.date() if day else today(config)
    campaign = chosen_campaign(config, campaign_code, for_date)
    days_left = (campaign.closes - for_date).days
    if days_left not in config.reminder_days(campaign):
        click.echo(f"Ngày {for_date:%d/%m/%Y} (còn {days_left} ngày) không phải ngày nhắc.")
        return
    if dry_run:
        for unit, lacking in reminders_due(sessions, roster, campaign):
            to = ", ".join(unit_addresses(roster, unit.code)) or "(chưa có địa chỉ thư)"
            only_paper = " (thiếu bản giấy)" if lacking == (PAPER_COPY,) else ""
            click.echo(f"{unit.name}{only_paper}: {to}")
        return
    try:
        queued = enqueue_reminders(sessions, config, roster, for_date, utc_now(), campaign)
        click.echo(f"Đã đưa {queued} thư nhắc vào hộp thư đi.")
        report = deliver(config, sessions, utc_now)
    except NotConfigured as missing:
        raise ConfigError(
            config.path, str(missing), "bắt buộc để gửi thư, chưa có trong tệp"
        ) from None
    describe_delivery(report)


def today(config: Config) -> date:
    return utc_now().astimezone(config.campaign.zone).date()


def describe_delivery(report: DeliveryReport) -> None:
    click.echo(
        f"Hộp thư đi: đã gửi {report.sent}, sẽ thử lại {report.retried}, "
        f"thất bại {report.failed}, chưa rõ {report.uncertain}"
    )
    if report.failed or report.uncertain:
        sys.exit(1)
