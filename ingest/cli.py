"""The command line: `cchc-inbox …`. Sub-commands live in ingest/commands/."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from app.config import ConfigError
from ingest.commands.check import check_config
from ingest.commands.context import Context
from ingest.commands.database import db
from ingest.commands.digest import digest, remind
from ingest.commands.export import export
from ingest.commands.outbox import outbox
from ingest.commands.polling import poll, serve
from ingest.commands.reports import report
from ingest.commands.reprocess import reprocess
from ingest.commands.review import review
from ingest.commands.status import status
from ingest.faults import environment_fault
from ingest.logs import setup_logging
from store.db import SchemaOutdated

log = logging.getLogger("ingest.cli")


class Cli(click.Group):
    """Turn expected failures into one clear line, never a traceback.

    A configuration that cannot work exits 2 (running again changes nothing); a
    fault of the machine (a full disk, a locked or unreachable database) exits 1
    (run the command again once it is fixed). The technical detail is logged at -v.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as error:
            click.echo(f"Lỗi cấu hình: {error}", err=True)
            sys.exit(2)
        except SchemaOutdated as error:
            click.echo(f"Lỗi cơ sở dữ liệu: {error}", err=True)
            sys.exit(2)
        except Exception as error:
            fault = environment_fault(error)
            if fault is None:
                raise
            log.debug("%s: %s", fault.kind, fault.detail)
            where = "Lỗi cơ sở dữ liệu" if fault.in_database else "Lỗi ổ đĩa"
            advice = "hãy chạy lại lệnh sau khi khắc phục"
            click.echo(f"{where}: {fault.describe()}; {advice}", err=True)
            sys.exit(1)


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
@click.option(
    "--trace-imap",
    is_flag=True,
    help="Log every IMAP command and answer, message bodies included (passwords are hidden).",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    envvar="CCHC_INBOX_LOG_FORMAT",
    help="Log lines on stderr as text or as one JSON object per line.",
)
@click.pass_context
def main(
    ctx: click.Context, config_path: Path, verbose: bool, trace_imap: bool, log_format: str
) -> None:
    """cchc-inbox: sổ theo dõi hồ sơ gửi qua thư điện tử (e-mail submission register)."""
    setup_logging(verbose=verbose, fmt=log_format, trace_imap=trace_imap)
    ctx.obj = Context(config_path)


for command in (db, poll, serve, report, status, reprocess, review, digest, remind, outbox, export):
    main.add_command(command)
main.add_command(check_config)


if __name__ == "__main__":
    main()
