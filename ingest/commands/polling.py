"""`cchc-inbox poll` and `cchc-inbox serve`: reading the mailboxes."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from datetime import date, datetime

import click
from click._termui_impl import ProgressBar

from app.config import Config
from ingest.assembly import open_services
from ingest.commands.context import Context, pass_context
from ingest.explain import explain_mail_error
from ingest.faults import environment_fault
from ingest.imap import Interrupt
from ingest.locks import mailbox_lock
from ingest.logs import DropMessages
from ingest.poll import PollSummary, Progress, poll_mailbox, report_fault, resume_pending
from outbound.notify import after_poll
from store.db import Engine

log = logging.getLogger(__name__)


@click.command()
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Chỉ lấy thư máy chủ nhận từ ngày này trở đi.",
)
@pass_context
def poll(context: Context, since: datetime | None) -> None:
    """Đọc mọi hộp thư một lần rồi thoát.

    In một dòng cho mỗi hộp thư (thư mới, thư trùng, thư lỗi); thoát 1 khi có hộp
    thư không đọc được.

    \b
    Ví dụ:
      cchc-inbox poll
      cchc-inbox poll --since 2024-05-15
    """
    progress = BarProgress() if sys.stderr.isatty() else log_progress
    if not log.isEnabledFor(logging.DEBUG):  # the summary says it in Vietnamese; -v shows it
        logging.getLogger("ingest.poll").addFilter(DropMessages({"%s: poll failed: %s"}))
    try:
        summaries = run_poll(
            context.config,
            context.engine(),
            since=since.date() if since else None,
            progress=progress,
        )
    finally:
        if isinstance(progress, BarProgress):
            progress.close()
    for summary in summaries:
        click.echo(describe_poll(summary))
    if any(s.error for s in summaries):
        sys.exit(1)


def run_poll(
    config: Config,
    engine: Engine,
    *,
    since: date | None = None,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    interrupt: Interrupt | None = None,
) -> list[PollSummary]:
    """Poll each mailbox under its lock; one failing mailbox does not stop the others.

    ``should_stop`` is asked before each mailbox; when it says so the remaining
    mailboxes wait for the next run (the worker's stop request). ``interrupt``
    also cuts the IMAP command in flight (Interrupted propagates).
    """
    with open_services(config, engine) as services:
        summaries = []
        for mailbox in config.mailboxes:
            if should_stop is not None and should_stop():
                break
            with mailbox_lock(
                config.database_url, services.sessions, mailbox.name, mailbox.folder
            ) as lock:
                if not lock:
                    log.warning("%s: another poller holds the lock, skipping", mailbox.name)
                    summaries.append(PollSummary(mailbox.name, 0, 0, 0, skipped=True))
                    continue
                try:
                    resumed = resume_pending(services, mailbox.name)
                except Exception as failure:
                    fault = environment_fault(failure)
                    if fault is None:
                        raise
                    error = report_fault(mailbox.name, fault)
                    summaries.append(PollSummary(mailbox.name, 0, 0, 0, error=error))
                    continue
                if resumed:
                    log.info("analysed %d message(s) left pending by an earlier run", resumed)
                summaries.append(
                    poll_mailbox(
                        mailbox,
                        services,
                        os.environ,
                        since=since,
                        progress=progress,
                        lock=lock,
                        interrupt=interrupt,
                    )
                )
    after_poll(config, engine)  # receipts for newly accepted mail (issue 6)
    return summaries


def describe_poll(summary: PollSummary) -> str:
    if summary.skipped:
        return (
            f"Hộp thư {summary.mailbox}: một tiến trình khác đang đọc hộp thư này, bỏ qua lần này"
        )
    line = (
        f"Hộp thư {summary.mailbox}: {summary.new} thư mới, "
        f"{summary.duplicates} thư trùng, {summary.failed} thư lỗi"
    )
    if summary.matched:
        line += f"; UIDVALIDITY đã đổi, đồng bộ lại: khớp {summary.matched} thư đã có"
    if summary.lock_lost:
        return f"{line} — {summary.error}"
    if summary.error:
        line += f" — KHÔNG ĐỌC ĐƯỢC HỘP THƯ: {explain_mail_error(summary.error)}"
    return line


def log_progress(mailbox: str, done: int, total: int) -> None:
    """Progress as plain log lines (no terminal)."""
    log.info("Hộp thư %s: đã đọc %d/%d thư", mailbox, done, total)


class BarProgress:
    """Progress as a bar on the terminal, one bar per mailbox with mail to fetch."""

    def __init__(self) -> None:
        self._bar: ProgressBar[int] | None = None
        self._mailbox = ""
        self._done = 0

    def __call__(self, mailbox: str, done: int, total: int) -> None:
        if self._bar is None or mailbox != self._mailbox:
            self.close()
            self._bar = click.progressbar(length=total, label=f"Hộp thư {mailbox}", file=sys.stderr)
            self._bar.__enter__()
            self._mailbox, self._done = mailbox, 0
        self._bar.update(done - self._done)
        self._done = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


@click.command()
@pass_context
def serve(context: Context) -> None:
    """Chạy dịch vụ: đọc hộp thư mỗi [schedule] poll_every, gửi thư hằng ngày.

    Máy chủ thư hay cơ sở dữ liệu ngừng thì dịch vụ thử lại, không dừng. SIGTERM
    hoặc Ctrl-C: dừng sau lô thư đang xử lý (thoát 0). SIGHUP: đọc lại cấu hình.
    Cấu hình không dùng được: thoát 2.

    \b
    Ví dụ:
      cchc-inbox --config /etc/cchc-inbox/config.toml serve
    """
    from ingest.service import FatalConfig, Worker

    try:
        worker = Worker(context.config_path)
    except FatalConfig as error:
        click.echo(f"Lỗi cấu hình: {error}", err=True)
        sys.exit(2)
    sys.exit(worker.run())
