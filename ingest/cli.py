"""The command line: `cchc-inbox …`. Sub-commands live in ingest/commands/.

A sub-command is imported only when it runs (`COMMANDS`), so that `--help` and the
light commands do not load the web application, Alembic or the document readers.
A new command gets its line in `COMMANDS`; tests/ingest/test_cli_startup.py checks
that every command defined in ingest/commands/ is there, with its own summary.
"""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path
from typing import Any

import click
from click.exceptions import NoSuchCommand

from ingest.commands.context import CONFIG_ORIGINS, Context
from ingest.commands.usage import HelpContext, explain, use_vietnamese_help
from ingest.logs import setup_logging

log = logging.getLogger("ingest.cli")

#: Each sub-command: where it is defined (module:object), and its summary as
#: `cchc-inbox --help` lists it: the first paragraph of its help, which
#: tests/ingest/test_cli_startup.py keeps equal to the command's own.
COMMANDS = {
    "db": ("ingest.commands.database:db", "Cơ sở dữ liệu: tạo, nâng cấp, chép sang nơi khác."),
    "poll": ("ingest.commands.polling:poll", "Đọc mọi hộp thư một lần rồi thoát."),
    "import": (
        "ingest.commands.importing:import_mail",
        "Đăng ký thư từ tệp xuất ra: tệp mbox, thư mục Maildir, thư mục tệp .eml, tệp .pst.",
    ),
    "serve": (
        "ingest.commands.polling:serve",
        "Chạy dịch vụ: đọc hộp thư mỗi [schedule] poll_every, gửi thư hằng ngày.",
    ),
    "report": (
        "ingest.commands.reports:report",
        "Báo cáo đọc từ sổ theo dõi: tình hình nộp, thư nhận được, danh sách sáng kiến.",
    ),
    "status": (
        "ingest.commands.status:status",
        "Tình trạng hộp thư, hàng chờ, hộp thư đi, bản tin; thoát 1 khi có vấn đề.",
    ),
    "reprocess": (
        "ingest.commands.reprocess:reprocess",
        "Phân tích lại thư đã lưu (sau khi nâng cấp hay sửa danh sách đơn vị).",
    ),
    "review": (
        "ingest.commands.review:review",
        "Thư cần người xem xét: liệt kê, gán đơn vị, xếp đợt, chấp nhận hoặc bỏ qua.",
    ),
    "paper": (
        "ingest.commands.paper:paper",
        "Bản giấy hồ sơ đơn vị nộp tại Phòng Nội vụ: ghi nhận, liệt kê, xoá.",
    ),
    "initiative": (
        "ingest.commands.initiatives:initiative",
        "Sáng kiến của hội đồng: liệt kê, xem, sửa, gắn nhãn, gộp, đánh dấu rút.",
    ),
    "council": (
        "ingest.commands.council:council_group",
        "Hội đồng chấm sáng kiến: giao chấm, nhập phiếu điểm, xem kết quả theo thang điểm.",
    ),
    "campaign": (
        "ingest.commands.campaigns:campaign",
        "Các đợt đã cấu hình: thời hạn, múi giờ, hình thức hồ sơ phải nộp.",
    ),
    "digest": (
        "ingest.commands.digest:digest",
        "Bản tin hằng ngày: tình hình đến hết ngày trước --date (giờ của đợt).",
    ),
    "remind": (
        "ingest.commands.digest:remind",
        "Nhắc đơn vị bắt buộc chưa nộp, vào các ngày nhắc (reminder_days_before).",
    ),
    "outbox": ("ingest.commands.outbox:outbox", "Thư gửi đi: bản tin, thư xác nhận và thư nhắc."),
    "documents": (
        "ingest.commands.documents:documents",
        "Văn bản của hội đồng (Nghị định 30/2020/NĐ-CP), .docx: báo cáo, danh sách, phiếu chấm.",
    ),
    "export": (
        "ingest.commands.export:export",
        "Bản sao hồ sơ để in và gửi hội đồng sáng kiến.",
    ),
    "web": (
        "ingest.commands.web:web",
        "Chạy ứng dụng web cho cán bộ (waitress), trên cùng sổ đăng ký với worker.",
    ),
    "users": (
        "ingest.commands.web:users",
        "Tài khoản đăng nhập ứng dụng web: quyền viewer (xem), reviewer (xem xét), admin.",
    ),
    "check-config": (
        "ingest.commands.check:check_config",
        "Kiểm tra cấu hình, đơn vị, cơ sở dữ liệu, IMAP, SMTP; không thay đổi gì.",
    ),
}


def load_command(where: str) -> click.Command:
    """Import the command at ``where`` (module:object), with the Vietnamese help."""
    module, _, name = where.partition(":")
    command = getattr(importlib.import_module(module), name)
    assert isinstance(command, click.Command), where
    use_vietnamese_help(command)
    return command


class Cli(click.Group):
    """Load each sub-command when it is used (click's "LazyGroup"); `--help` lists them
    by their summary in `COMMANDS`, importing none.

    Turn expected failures into one clear line, never a traceback.

    A configuration that cannot work exits 2 (running again changes nothing); a
    fault of the machine (a full disk, a locked or unreachable database) exits 1
    (run the command again once it is fixed). The technical detail is logged at -v.
    """

    context_class = HelpContext

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(load_command(COMMANDS[cmd_name][0]), cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except NoSuchCommand as error:
            # click suggests a name from the commands loaded so far: from all of them.
            every = self.list_commands(ctx)
            raise NoSuchCommand(error.command_name, possibilities=every, ctx=ctx) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Click's own listing, over the commands loaded and stand-ins for the others
        # that carry their summary: it shortens it as it would the command's help.
        stand_ins: dict[str, click.Command] = {
            name: click.Command(name, help=summary) for name, (_, summary) in COMMANDS.items()
        }
        listing = click.Group(self.name, commands={**stand_ins, **self.commands})
        click.Group.format_commands(listing, ctx, formatter)

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
        except (click.exceptions.Exit, click.Abort):
            raise  # a sub-command's --help, or its exit code: nothing went wrong
        except Exception as error:
            _exit_on_expected_failure(error, ctx)
            raise


def _exit_on_expected_failure(error: Exception, ctx: click.Context) -> None:
    """Print the one line of an expected failure and exit; return if it is not one."""
    # Imported here: the configuration's reader, SQLAlchemy and the database's faults
    # are not needed by `--help`; whatever raised ``error`` has loaded them already.
    from app.config import ConfigError
    from ingest.faults import environment_fault
    from store.schema import SchemaOutdated

    if isinstance(error, ConfigError):
        click.echo(f"Lỗi cấu hình: {error}", err=True)
        sys.exit(2)
    if isinstance(error, SchemaOutdated):
        log.debug("%s", error.detail())
        click.echo(f"Lỗi cơ sở dữ liệu: {error} (cấu hình {_config_used(ctx)})", err=True)
        sys.exit(2)
    fault = environment_fault(error)
    if fault is None:
        return
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


use_vietnamese_help(main)


if __name__ == "__main__":
    main()
