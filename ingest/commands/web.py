"""`cchc-inbox web` and `cchc-inbox users …`: the staff's web application and its accounts."""

from __future__ import annotations

import getpass
import os
import sys

import click

from app import accounts
from ingest.commands.context import Context, pass_context


@click.command("web")
@click.option(
    "--bind",
    default=None,
    help="Địa chỉ và cổng nghe, HOST:PORT (mặc định [web] bind, 127.0.0.1:8080).",
)
@pass_context
def web(context: Context, bind: str | None) -> None:
    """Chạy ứng dụng web cho cán bộ (waitress), trên cùng sổ đăng ký với worker.

    Dừng bằng Ctrl-C hoặc SIGTERM. Đặt sau nginx (TLS) khi mở ra ngoài máy.

    \b
    Ví dụ:
      cchc-inbox web --bind 127.0.0.1:8080
    """
    from web.factory import create_app  # Flask is imported by this command only
    from web.server import serve

    register = context.register()
    config = register.config
    app = create_app(register)

    def ready(address: str) -> None:
        click.echo(f"Ứng dụng web đang chạy tại {address} (dừng: Ctrl-C).", err=True)

    serve(app, bind or config.web.bind, threads=config.web.threads, ready=ready)


@click.group()
def users() -> None:
    """Tài khoản đăng nhập ứng dụng web: quyền viewer (xem), reviewer (xem xét), admin.

    \b
    Ví dụ:
      cchc-inbox users add lan --role reviewer
      cchc-inbox users list
    """


ROLE = click.Choice(list(accounts.ROLES))
PASSWORD_STDIN = click.option(
    "--password-stdin",
    is_flag=True,
    help="Đọc mật khẩu từ dòng đầu của đầu vào chuẩn (cho kịch bản), không hỏi.",
)


@users.command("add")
@click.argument("name")
@click.option(
    "--role", type=ROLE, required=True, help="viewer, reviewer, admin hoặc council (hội đồng)."
)
@click.option(
    "--unit",
    default=None,
    metavar="MÃ_ĐƠN_VỊ",
    help="Đơn vị của thành viên hội đồng: không được giao chấm sáng kiến của đơn vị mình.",
)
@PASSWORD_STDIN
@pass_context
def users_add(
    context: Context, name: str, role: str, unit: str | None, password_stdin: bool
) -> None:
    """Tạo tài khoản NAME; mật khẩu được hỏi hai lần (hoặc đọc từ --password-stdin).

    \b
    Ví dụ:
      cchc-inbox users add admin --role admin
      printf '%s\\n' "$MAT_KHAU" | cchc-inbox users add lan --role reviewer --password-stdin
      cchc-inbox users add tam --role council --unit xa-an-co
    """
    password = _password(password_stdin)
    _say(accounts.create(context.register(), name, role, password, by=_operator(), unit=unit))


@users.command("passwd")
@click.argument("name")
@PASSWORD_STDIN
@pass_context
def users_passwd(context: Context, name: str, password_stdin: bool) -> None:
    """Đặt mật khẩu mới cho NAME; các phiên đăng nhập cũ kết thúc.

    \b
    Ví dụ:
      cchc-inbox users passwd lan
    """
    password = _password(password_stdin)
    _say(accounts.change_password(context.register(), name, password, by=_operator()))


@users.command("disable")
@click.argument("name")
@pass_context
def users_disable(context: Context, name: str) -> None:
    """Khóa tài khoản NAME: không đăng nhập được, các phiên đang mở kết thúc.

    \b
    Ví dụ:
      cchc-inbox users disable lan
    """
    _say(accounts.set_disabled(context.register(), name, True, by=_operator()))


@users.command("enable")
@click.argument("name")
@pass_context
def users_enable(context: Context, name: str) -> None:
    """Mở khóa tài khoản NAME.

    \b
    Ví dụ:
      cchc-inbox users enable lan
    """
    _say(accounts.set_disabled(context.register(), name, False, by=_operator()))


@users.command("role")
@click.argument("name")
@click.argument("role", type=ROLE)
@pass_context
def users_role(context: Context, name: str, role: str) -> None:
    """Đổi quyền của NAME thành ROLE (viewer, reviewer, admin).

    \b
    Ví dụ:
      cchc-inbox users role lan admin
    """
    _say(accounts.set_role(context.register(), name, role, by=_operator()))


@users.command("list")
@pass_context
def users_list(context: Context) -> None:
    """Liệt kê các tài khoản.

    \b
    Ví dụ:
      cchc-inbox users list
    """
    rows = accounts.accounts(context.register())
    if not rows:
        click.echo(
            "Chưa có tài khoản nào. Tạo tài khoản đầu tiên: cchc-inbox users add admin --role admin"
        )
        return
    zone = context.config.campaign.zone
    for user in rows:
        state = "đã khóa" if user.disabled else "đang dùng"
        created = user.created_at.astimezone(zone).strftime("%d/%m/%Y %H:%M")
        unit = f"\tđơn vị {user.unit}" if user.unit else ""
        click.echo(f"{user.name}\t{user.role}\t{state}\ttạo lúc {created}{unit}")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Mật khẩu: ")
    second = getpass.getpass("Nhập lại mật khẩu: ")
    if first != second:
        click.echo("Hai lần nhập mật khẩu không giống nhau; không đổi gì.", err=True)
        sys.exit(2)
    return first


def _operator() -> str:
    """Who ran the command (the audit trail's actor): the login name on this machine."""
    return "cli:" + (os.environ.get("SUDO_USER") or os.environ.get("USER") or getpass.getuser())


def _say(outcome: accounts.AccountOutcome) -> None:
    click.echo(outcome.text, err=not outcome.ok)
    if not outcome.ok:
        sys.exit(2)
