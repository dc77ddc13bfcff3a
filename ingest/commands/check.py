"""`cchc-inbox check-config`: try everything the worker needs, change nothing."""

from __future__ import annotations

import importlib
import logging
import os
import shutil
import smtplib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click
from imapclient.exceptions import IMAPClientError

from app.config import Config, ConfigError, MailboxConfig, SmtpConfig, load_config, load_roster
from ingest.commands.context import Context, pass_context
from ingest.explain import explain_mail_error
from ingest.imap import (
    PasswordMissing,
    ResponseTimedOut,
    connect,
    describe,
    disconnect,
    read_password,
)
from ingest.worker import permission_warnings
from outbound.smtp import SmtpPasswordMissing, read_smtp_password, tls_context
from parsers.ocr import missing_tool
from store.db import SchemaOutdated, make_engine, require_current_schema
from store.health import DatabaseUnavailable, describe_database_error

log = logging.getLogger(__name__)

OK, WARN, FAIL = "[ OK ]", "[CẢNH BÁO]", "[ LỖI ]"

#: One finding: (mark, what was checked and what was found).
Finding = tuple[str, str]


@click.command("check-config")
@pass_context
def check_config(context: Context) -> None:
    """Kiểm tra cấu hình, đơn vị, cơ sở dữ liệu, IMAP, SMTP; không thay đổi gì.

    In một dòng cho mỗi mục ([ OK ], [CẢNH BÁO], [ LỖI ]) và thoát 1 khi có lỗi.

    \b
    Ví dụ:
      CCHC_IMAP_PASSWORD=… cchc-inbox --config /etc/cchc-inbox/config.toml check-config
    """
    failed = False
    for mark, text in run_checks(context.config_path, context.config_origin):
        click.echo(f"{mark} {text}")
        failed = failed or mark == FAIL
    if failed:
        click.echo("Cấu hình CHƯA dùng được: sửa các mục [ LỖI ] ở trên.")
        sys.exit(1)
    click.echo("Cấu hình dùng được.")


def run_checks(config_path: Path, origin: str = "") -> Iterator[Finding]:
    chosen = f" ({origin})" if origin else ""
    try:
        config = load_config(config_path)
    except ConfigError as error:
        yield FAIL, f"Tệp cấu hình{chosen}: {error}"
        return
    yield OK, f"Tệp cấu hình {config.path}{chosen} hợp lệ: {len(config.mailboxes)} hộp thư"
    for warning in permission_warnings(config):
        yield WARN, warning
    yield _roster(config)
    yield from _readers(config)
    yield from _storage(config)
    yield _database(config)
    for mailbox in config.mailboxes:
        yield _guarded(f"Hộp thư {mailbox.name}", lambda m=mailbox: _imap(m))  # type: ignore[misc]
    if config.smtp is None:
        yield OK, "Không cấu hình [smtp]: dịch vụ sẽ không gửi thư nào"
    else:
        smtp = config.smtp
        yield _guarded(f"Máy chủ gửi thư {smtp.host}:{smtp.port}", lambda: _smtp(smtp))


def _guarded(label: str, check: Callable[[], str]) -> Finding:
    try:
        return OK, f"{label}: {check()}"
    except SmtpPasswordMissing as error:
        return FAIL, f"{label}: thiếu mật khẩu ({error})"
    except (
        PasswordMissing,
        IMAPClientError,
        smtplib.SMTPException,
        OSError,
        ResponseTimedOut,
    ) as error:
        log.debug("%s: %s", label, describe(error))
        return FAIL, f"{label}: {explain_mail_error(describe(error))}"


def _roster(config: Config) -> Finding:
    try:
        roster = load_roster(config.units_file, config.addresses_file)
    except ConfigError as error:
        return FAIL, f"Danh sách đơn vị: {error}"
    required = sum(1 for u in roster.units if u.required)
    return OK, (
        f"Danh sách đơn vị {config.units_file}: {len(roster.units)} đơn vị "
        f"({required} bắt buộc nộp), {len(roster.addresses)} địa chỉ trong sổ địa chỉ"
    )


def _readers(config: Config) -> Iterator[Finding]:
    """The external readers some formats need: a missing one leaves those files unread."""
    if shutil.which("antiword"):
        yield OK, "Đọc tệp .doc (Word 97): có antiword"
    else:
        yield WARN, "Đọc tệp .doc (Word 97): chưa cài antiword, tệp .doc sẽ không đọc được"
    if _libarchive_loads():
        yield OK, "Giải nén tệp .rar: có libarchive"
    else:
        yield WARN, "Giải nén tệp .rar: chưa cài libarchive13, tệp .rar sẽ không giải nén được"
    if not config.limits.ocr:
        yield OK, 'Đọc bản quét PDF (OCR): tắt theo cấu hình ([limits] ocr = "off")'
        return
    missing = missing_tool()
    if missing is None:
        yield OK, "Đọc bản quét PDF (OCR): có tesseract với dữ liệu tiếng Việt"
    else:
        yield WARN, f"Đọc bản quét PDF (OCR): không dùng được ({missing}), bản quét sẽ để trống"


def _libarchive_loads() -> bool:
    try:
        importlib.import_module("libarchive")
    except (ImportError, OSError):  # the Python package without the C library
        return False
    return True


def _storage(config: Config) -> Iterator[Finding]:
    folder = config.storage_dir
    if folder.is_dir():
        if os.access(folder, os.W_OK | os.X_OK):
            yield OK, f"Thư mục lưu trữ {folder} ghi được"
        else:
            yield FAIL, f"Thư mục lưu trữ {folder}: người dùng này không ghi được"
        return
    parent = next((p for p in folder.parents if p.exists()), None)
    if parent is not None and os.access(parent, os.W_OK | os.X_OK):
        yield OK, f"Thư mục lưu trữ {folder} chưa có, sẽ được tạo khi chạy"
    else:
        yield FAIL, f"Thư mục lưu trữ {folder} chưa có và không tạo được"


def _database(config: Config) -> Finding:
    url = config.database_url
    shown = _hide_password(url)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        path = Path(url[len("sqlite:///") :].split("?", 1)[0])
        if not path.exists():  # connecting would create it: this command changes nothing
            return FAIL, f"Cơ sở dữ liệu {shown}: chưa có, hãy chạy `cchc-inbox db upgrade`"
    engine = make_engine(url)
    try:
        require_current_schema(engine)
    except SchemaOutdated as error:
        log.debug("%s", error.detail())
        return FAIL, f"Cơ sở dữ liệu {shown}: {error}"
    except DatabaseUnavailable as error:
        reason = describe_database_error(error)
        return FAIL, f"Cơ sở dữ liệu {shown}: không kết nối được ({reason})"
    finally:
        engine.dispose()
    return OK, f"Cơ sở dữ liệu {shown}: kết nối được, lược đồ mới nhất"


def _hide_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}"


def _imap(mailbox: MailboxConfig) -> str:
    client = connect(mailbox, read_password(mailbox, os.environ))
    try:
        if not client.folder_exists(mailbox.folder):
            raise IMAPClientError(f"đăng nhập được nhưng không có thư mục {mailbox.folder!r}")
        if mailbox.move_to and not client.folder_exists(mailbox.move_to):
            raise IMAPClientError(f"không có thư mục move_to {mailbox.move_to!r}")
        status = client.folder_status(mailbox.folder, [b"MESSAGES"])
        idle = "có" if client.has_capability("IDLE") else "không có"
    finally:
        disconnect(client)
    return (
        f"đăng nhập {mailbox.username} tại {mailbox.host}:{mailbox.port} được, "
        f"thư mục {mailbox.folder} có {int(status[b'MESSAGES'])} thư (máy chủ {idle} IDLE)"
    )


def _smtp(smtp: SmtpConfig) -> str:
    password = read_smtp_password(smtp, os.environ)
    if smtp.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=smtp.timeout, context=tls_context()
        )
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    try:
        client.ehlo()
        if smtp.security == "starttls":
            client.starttls(context=tls_context())
            client.ehlo()
        if smtp.username and password is not None:
            client.login(smtp.username, password)
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()
    login = f", đăng nhập {smtp.username} được" if smtp.username else ""
    return f"kết nối và chào hỏi (EHLO) được{login}; không gửi thư nào"
