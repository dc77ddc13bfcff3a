"""Click in Vietnamese: its errors as one line saying what to do, its help's headings.

Click writes its own messages in English ("Error: Invalid value for '--date' …",
"Usage:", "Show this message and exit."). The `Cli` group (ingest/cli.py) passes
every click error through `explain` and gives every command `HelpContext`, so a
person reads one Vietnamese line, and the English original goes to the log at -v.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

import click
from click.exceptions import NoArgsIsHelpError, NoSuchCommand

log = logging.getLogger(__name__)


class Explained(click.ClickException):
    """A failure already put in Vietnamese: one line on stderr, exit code 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Lỗi: {self.message}", err=True)


class ExplainedUsage(click.UsageError):
    """A command line that cannot work, put in Vietnamese: one line, exit code 2."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Lỗi dòng lệnh: {self.message}", err=True)


def explain(error: click.ClickException, ctx: click.Context | None = None) -> click.ClickException:
    """Return ``error`` as one Vietnamese line (the English original is logged at -v).

    ``ctx`` is the group's context, for the help hint of an error click raised
    without its own (a badly used option).
    """
    if isinstance(error, Explained | ExplainedUsage | NoArgsIsHelpError):
        return error
    log.debug("click: %s", error.format_message())
    if isinstance(error, click.UsageError):
        problem = _usage_problem(error)
        end = "" if problem.endswith(("?", ".")) else "."
        hint = _help_hint(error.ctx) if error.ctx is not None else _group_hint(ctx)
        return ExplainedUsage(f"{problem}{end}{hint}", error.ctx or ctx)
    if isinstance(error, click.FileError):
        return Explained(f"không mở được tệp {error.ui_filename}: kiểm tra đường dẫn và quyền")
    return Explained(error.message)


def _help_hint(ctx: click.Context | None) -> str:
    return f" Xem `{ctx.command_path} --help`." if ctx is not None else ""


def _group_hint(ctx: click.Context | None) -> str:
    if ctx is None:
        return ""
    sub = f" {ctx.invoked_subcommand}" if ctx.invoked_subcommand else ""
    return f" Xem `{ctx.command_path}{sub} --help`."


def _usage_problem(error: click.UsageError) -> str:
    if isinstance(error, NoSuchCommand):
        return f"không có lệnh `{error.command_name}`{_did_you_mean(error.possibilities)}"
    if isinstance(error, click.NoSuchOption):
        return f"không có tùy chọn `{error.option_name}`{_did_you_mean(error.possibilities)}"
    if isinstance(error, click.MissingParameter):
        if isinstance(error.param, click.Argument):
            return f"thiếu đối số {_hint(error)}"
        return f"thiếu tùy chọn {_hint(error)}"
    if isinstance(error, click.BadParameter):
        return f"{_hint(error)} {_bad_value(error)}"
    if isinstance(error, click.BadOptionUsage):
        if "does not take" in error.message:
            return f"tùy chọn `{error.option_name}` không nhận giá trị"
        return f"tùy chọn `{error.option_name}` cần một giá trị"
    extra = re.fullmatch(r"Got unexpected extra arguments? \((.*)\)", error.message)
    if extra:
        return f"thừa đối số: {extra.group(1)}"
    return error.message.rstrip(".")  # our own commands' usage errors are Vietnamese


def _did_you_mean(possibilities: Iterable[str] | None) -> str:
    names = list(possibilities or ())
    return f" — có phải ý bạn là `{names[0]}`?" if names else ""


def _hint(error: click.BadParameter) -> str:
    if error.param_hint is not None:
        hint = error.param_hint
        names = [hint] if isinstance(hint, str) else list(hint)
    elif error.param is not None:
        names = list(error.param.opts) if isinstance(error.param, click.Option) else []
        names = names or [error.param.human_readable_name]
    else:
        return "giá trị"
    return " / ".join(f"`{name.strip(chr(39) + chr(34))}`" for name in names)


def _bad_value(error: click.BadParameter) -> str:
    kind = error.param.type if error.param is not None else None
    if isinstance(kind, click.DateTime):
        shown = " hoặc ".join(_date_format(f) for f in kind.formats)
        return f"phải là một ngày dạng {shown}, ví dụ 2024-06-26"
    if isinstance(kind, click.Choice):
        return f"phải là một trong: {', '.join(str(c) for c in kind.choices)}"
    if isinstance(kind, click.types.IntParamType):
        return "phải là một số nguyên"
    if isinstance(kind, click.types.FloatParamType):
        return "phải là một số"
    if isinstance(kind, click.Path):
        return _bad_path(error.message)
    return error.message.rstrip(".")  # a callback of ours: already Vietnamese


def _date_format(pattern: str) -> str:
    return pattern.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD")


def _bad_path(message: str) -> str:
    for english, vietnamese in (
        ("does not exist", "không tồn tại"),
        ("is a directory", "là một thư mục, cần một tệp"),
        ("is a file", "là một tệp, cần một thư mục"),
        ("not writable", "không ghi được"),
        ("not readable", "không đọc được"),
    ):
        if english in message:
            return vietnamese
    return "không dùng được"


# ------------------------------------------------------------------ help


_HEADINGS = {
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Đối số",
}
_HELP_TEXT = (
    ("Show this message and exit.", "Hiện hướng dẫn này rồi thoát."),
    ("[default: ", "[mặc định: "),
    ("default: ", "mặc định: "),
    ("env var: ", "biến môi trường: "),
    ("[required]", "[bắt buộc]"),
    ("; required]", "; bắt buộc]"),
)


class HelpFormatter(click.HelpFormatter):
    """Click's help layout with its own words in Vietnamese."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "Cách dùng: " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(_HEADINGS.get(heading, heading))

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        super().write_dl([(term, _translate(text)) for term, text in rows], col_max, col_spacing)


def _translate(text: str) -> str:
    for english, vietnamese in _HELP_TEXT:
        text = text.replace(english, vietnamese)
    return text


class HelpContext(click.Context):
    formatter_class = HelpFormatter


def commands_under(command: click.Command) -> Iterator[click.Command]:
    """Yield ``command`` and every sub-command below it."""
    yield command
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from commands_under(sub)


def use_vietnamese_help(root: click.Command) -> None:
    """Give ``root`` and every command below it the Vietnamese help formatter."""
    for command in commands_under(root):
        command.context_class = HelpContext
        command.options_metavar = "[TÙY_CHỌN]"
        if isinstance(command, click.Group):
            command.subcommand_metavar = "LỆNH [ĐỐI_SỐ]..."
