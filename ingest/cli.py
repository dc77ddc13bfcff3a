"""The command line: `cchc-inbox …`. Sub-commands live in ingest/commands/."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from app.config import ConfigError
from ingest.commands.check import check_config
from ingest.commands.context import CONFIG_ORIGINS, Context
from ingest.commands.database import db
from ingest.commands.digest import digest, remind
from ingest.commands.export import export
from ingest.commands.outbox import outbox
from ingest.commands.paper import campaign, paper
from ingest.commands.polling import poll, serve
from ingest.commands.reports import report
from ingest.commands.reprocess import reprocess
from ingest.commands.review import review
from ingest.commands.status import status
from ingest.commands.usage import HelpContext, explain, use_vietnamese_help
from ingest.commands.web import users, web
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

    context_class = HelpContext

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as error:  # the global options (--log-format …)
            raise explain(error) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as error:  # click's English, as one Vietnamese line
            raise explain(error, ctx) from None
        except ConfigError as error:
            click.echo(f"Lỗi cấu hình: {error}", err=True)
            sys.exit(2)
        except SchemaOutdated as error:
            log.debug("%s", error.detail())
            click.echo(f"Lỗi cơ sở dữ liệu: {error} (cấu hình {_config_used(ctx)})", err=True)
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


def _config_used(ctx: click.Context) -> Path:
    return ctx.obj.config_path.resolve() if isinstance(ctx.obj, Context) else Path("?")


@click.group(cls=Cli)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default="config.toml",
    show_default=True,
    envvar="CCHC_INBOX_CONFIG",
    metavar="TỆP",
    help="Tệp cấu hình (hoặc biến môi trường CCHC_INBOX_CONFIG).",
)
@click.option("-v", "--verbose", is_flag=True, help="Ghi cả chi tiết kỹ thuật vào nhật ký.")
@click.option(
    "--trace-imap",
    is_flag=True,
    help=(
        "Ghi mọi lệnh IMAP và câu trả lời vào nhật ký, kể cả nội dung thư "
        "(mật khẩu được che); chỉ để dò lỗi máy chủ thư."
    ),
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    envvar="CCHC_INBOX_LOG_FORMAT",
    help="Nhật ký trên stderr: dạng chữ (text) hoặc mỗi dòng một đối tượng JSON.",
)
@click.pass_context
def main(
    ctx: click.Context, config_path: Path, verbose: bool, trace_imap: bool, log_format: str
) -> None:
    """cchc-inbox: sổ theo dõi hồ sơ các đơn vị gửi qua thư điện tử.

    Đọc hộp thư, lưu mọi thư, nhận ra đơn vị gửi, hồ sơ đúng hạn hay trễ, rồi lập
    báo cáo. Cấu hình đọc từ --config, nếu không có thì từ biến CCHC_INBOX_CONFIG,
    nếu không nữa thì từ config.toml trong thư mục hiện tại.

    \b
    Ví dụ:
      cchc-inbox --config /etc/cchc-inbox/config.toml check-config
      cchc-inbox --config demo/config.toml report compliance
      cchc-inbox poll --help
    """
    setup_logging(verbose=verbose, fmt=log_format, trace_imap=trace_imap)
    source = ctx.get_parameter_source("config_path")
    ctx.obj = Context(config_path, config_origin=CONFIG_ORIGINS.get(source, "") if source else "")


for command in (
    db,
    poll,
    serve,
    report,
    status,
    reprocess,
    review,
    paper,
    campaign,
    digest,
    remind,
    outbox,
    export,
    web,
    users,
):
    main.add_command(command)
main.add_command(check_config)
use_vietnamese_help(main)


if __name__ == "__main__":
    main()
