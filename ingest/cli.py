"""The command line: `cchc-inbox …`. Parses options, calls the shell, prints results."""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import click

from ingest.app import build_services, open_engine
from ingest.config import Config, ConfigError, load_config, load_roster
from ingest.poll import PollSummary, poll_mailbox, resume_pending
from reports.compliance import assess_compliance
from reports.render import (
    COMPLIANCE_HEADINGS,
    SUBMISSION_HEADINGS,
    as_csv,
    as_table,
    compliance_cells,
    compliance_json,
    local_text,
    submission_cells,
    submissions_json,
)
from store.db import (
    Engine,
    SchemaOutdated,
    make_session_factory,
    require_current_schema,
    upgrade_schema,
)
from store.read import list_mailboxes, list_submissions

log = logging.getLogger("cchc_inbox")

FORMATS = click.Choice(["table", "json", "csv"])


@dataclass
class Context:
    config_path: Path
    _config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    def engine(self, *, require_schema: bool = True) -> Engine:
        engine = open_engine(self.config)
        if require_schema:
            require_current_schema(engine)
        return engine


pass_context = click.make_pass_decorator(Context)


class Cli(click.Group):
    """Turn expected failures into one clear line and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as error:
            click.echo(f"Lỗi cấu hình: {error}", err=True)
            sys.exit(2)
        except SchemaOutdated as error:
            click.echo(f"Lỗi cơ sở dữ liệu: {error}", err=True)
            sys.exit(2)


@click.group(cls=Cli)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default="config.toml",
    show_default=True,
    envvar="CCHC_INBOX_CONFIG",
    help="Configuration file (or $CCHC_INBOX_CONFIG).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log debug details.")
@click.pass_context
def main(ctx: click.Context, config_path: Path, verbose: bool) -> None:
    """cchc-inbox: sổ theo dõi hồ sơ gửi qua thư điện tử (e-mail submission register)."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not verbose:
        # Alembic reports every migration context at INFO; only `db upgrade` wants that.
        logging.getLogger("alembic").setLevel(logging.WARNING)
    ctx.obj = Context(config_path)


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@pass_context
def db_upgrade(context: Context) -> None:
    """Create or migrate the schema to the newest version."""
    logging.getLogger("alembic").setLevel(logging.INFO)
    upgrade_schema(context.engine(require_schema=False))
    click.echo("Cơ sở dữ liệu đã được cập nhật.")


@main.command()
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


@main.command()
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

    scheduler.add_job(
        poll_job,
        "interval",
        seconds=config.schedule.poll_every.total_seconds(),
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=int(config.schedule.poll_every.total_seconds()),
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


@main.group()
def report() -> None:
    """Reports read from the register."""


@report.command("compliance")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), default=None)
@pass_context
def report_compliance(context: Context, fmt: str, output: Path | None) -> None:
    """Each unit's standing: on time, late or missing."""
    config = context.config
    roster = load_roster(config.units_file, config.addresses_file)
    with make_session_factory(context.engine())() as session:
        rows = list_submissions(session)
    units = assess_compliance(roster, config.campaign, rows)
    if fmt == "json":
        text = compliance_json(units, config.campaign)
    else:
        cells = compliance_cells(units, config.campaign)
        text = (as_csv if fmt == "csv" else as_table)(COMPLIANCE_HEADINGS, cells)
        if fmt == "table":
            text = f"{config.campaign.name}\n\n{text}"
    _emit(text, output)


@report.command("submissions")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), default=None)
@pass_context
def report_submissions(context: Context, fmt: str, output: Path | None) -> None:
    """Every stored message with its unit, timing and status."""
    config = context.config
    with make_session_factory(context.engine())() as session:
        rows = list_submissions(session)
    if fmt == "json":
        text = submissions_json(rows, config.campaign)
    else:
        cells = submission_cells(rows, config.campaign)
        text = (as_csv if fmt == "csv" else as_table)(SUBMISSION_HEADINGS, cells)
    _emit(text, output)


@main.command()
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
        click.echo(
            f"Hộp thư {box.mailbox}/{box.folder}: {box.messages} thư, "
            f"UIDVALIDITY {box.uidvalidity}, UID cuối {box.last_uid}, "
            f"đọc thành công lần cuối {local_text(box.last_success_at, zone) or 'chưa có'}"
        )
        if box.last_error:
            click.echo(
                f"  Lỗi lần cuối ({local_text(box.last_attempt_at, zone)}): {box.last_error}"
            )
    counts: dict[str, int] = {}
    for row in rows:
        key = row.status or row.parse_status
        counts[key] = counts.get(key, 0) + 1
    labels = {
        "accepted": "đã nhận",
        "needs_review": "cần xem xét",
        "ignored": "bỏ qua",
        "pending": "chưa phân tích",
    }
    summary = ", ".join(f"{n} {labels.get(k, k)}" for k, n in sorted(counts.items()))
    click.echo(f"Tổng cộng {len(rows)} thư: {summary or 'chưa có thư'}.")


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Đã ghi {output}", err=True)


if __name__ == "__main__":
    main()
