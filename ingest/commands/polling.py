"""`cchc-inbox poll` and `cchc-inbox serve`: reading the mailboxes."""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from types import FrameType

import click

from ingest.app import build_services
from ingest.commands.context import Context, pass_context
from ingest.config import Config
from ingest.poll import PollSummary, poll_mailbox, resume_pending
from store.db import Engine

log = logging.getLogger(__name__)


@click.command()
@pass_context
def poll(context: Context) -> None:
    """Poll every mailbox once, then exit."""
    summaries = run_poll(context.config, context.engine())
    for summary in summaries:
        click.echo(describe_poll(summary))
    if any(s.error for s in summaries):
        sys.exit(1)


def run_poll(config: Config, engine: Engine) -> list[PollSummary]:
    services = build_services(config, engine)
    resumed = resume_pending(services)
    if resumed:
        log.info("analysed %d message(s) left pending by an earlier run", resumed)
    return [poll_mailbox(m, services, os.environ) for m in config.mailboxes]


def describe_poll(summary: PollSummary) -> str:
    line = (
        f"Hộp thư {summary.mailbox}: {summary.new} thư mới, "
        f"{summary.duplicates} thư trùng, {summary.failed} thư lỗi"
    )
    return line + (f" — KHÔNG ĐỌC ĐƯỢC HỘP THƯ: {summary.error}" if summary.error else "")


@click.command()
@pass_context
def serve(context: Context) -> None:
    """Run the scheduled worker in the foreground (poll every [schedule].poll_every)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    config = context.config
    engine = context.engine()
    scheduler = BlockingScheduler(timezone=config.campaign.timezone)

    def poll_job() -> None:
        for summary in run_poll(config, engine):
            log.info("%s", describe_poll(summary))

    every = config.schedule.poll_every.total_seconds()
    scheduler.add_job(
        poll_job,
        "interval",
        seconds=every,
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=int(every),
        id="poll",
    )
    _on_signals(lambda: scheduler.shutdown(wait=True))
    log.info("worker started: polling every %s", config.schedule.poll_every)
    scheduler.start()
    log.info("worker stopped")


def _on_signals(stop: Callable[[], None]) -> None:
    def handler(_signum: int, _frame: FrameType | None) -> None:
        stop()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
