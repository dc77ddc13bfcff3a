"""What every command shares: the lazily loaded configuration, the engine, output."""

from __future__ import annotations

import errno
import getpass
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from store.files import write_private

if TYPE_CHECKING:
    from app.config import Config
    from app.root import Register
    from store.db import Engine

#: How the configuration file was chosen, as `check-config` and `status` say it.
CONFIG_ORIGINS = {
    ParameterSource.COMMANDLINE: "theo --config",
    ParameterSource.ENVIRONMENT: "theo biến môi trường CCHC_INBOX_CONFIG",
    ParameterSource.DEFAULT: "mặc định: config.toml trong thư mục hiện tại",
}


@dataclass
class Context:
    config_path: Path
    _config: Config | None = None
    _register: Register | None = None
    #: How config_path was chosen (one of CONFIG_ORIGINS' values), shown with it.
    config_origin: str = ""

    @property
    def config(self) -> Config:
        if self._config is None:
            # Imported here, as below: every command builds this context, `--help` too,
            # and only the commands that run read the configuration or open the database.
            from app.config import load_config

            self._config = load_config(self.config_path)
        return self._config

    def engine(self, *, require_schema: bool = True) -> Engine:
        """Return the engine; without ``require_schema`` (db upgrade) it may create the file."""
        from app.root import open_engine
        from store.db import require_current_schema

        engine = open_engine(self.config, create=not require_schema)
        if require_schema:
            require_current_schema(engine)
        return engine

    def register(self) -> Register:
        """Return the register (roster read, schema checked), as the web application has it."""
        if self._register is None:
            from app.root import open_register

            self._register = open_register(self.config, self.engine())
        return self._register


pass_context = click.make_pass_decorator(Context)

FORMATS = click.Choice(["table", "json", "csv"])


#: What a person is told when the file system refuses a file.
OS_ERRORS = {
    errno.ENAMETOOLONG: "tên tệp quá dài cho hệ thống tệp",
    errno.ENOSPC: "đĩa đầy",
    errno.EDQUOT: "vượt hạn mức đĩa",
    errno.EACCES: "không có quyền ghi",
    errno.EPERM: "không có quyền ghi",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.ENOENT: "không tìm thấy tệp hoặc thư mục",
    errno.EEXIST: "đã có một tệp trùng tên thư mục",
    errno.ENOTDIR: "đã có một tệp trùng tên thư mục",
    errno.EISDIR: "đó là một thư mục",
}


def emit(text: str, output: Path | None) -> None:
    """Print ``text``, or write it to ``output`` (owner-only) and say so."""
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, text.encode("utf-8"))


def write_output(output: Path, data: bytes) -> None:
    """Write a report to ``output``, readable by its owner only; one line if that fails."""
    try:
        write_private(output, data)
    except OSError as error:
        click.echo(f"Không ghi được {output}: {describe_os_error(error)}", err=True)
        sys.exit(1)
    click.echo(f"Đã ghi {output}", err=True)


def describe_os_error(error: OSError) -> str:
    """Return what a file-system error means, in Vietnamese."""
    if error.errno in OS_ERRORS:
        return OS_ERRORS[error.errno]
    name = errno.errorcode.get(error.errno or 0, "không rõ")
    return f"lỗi hệ thống tệp ({name})"


def person(by: str | None) -> str:
    """Return who acts (``--by``, else the login name): what decisions and records keep."""
    return by or os.environ.get("USER") or getpass.getuser()
