"""What every command shares: the lazily loaded configuration, the engine, output."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click
from click.core import ParameterSource

from app.config import Config, load_config
from app.root import open_engine
from store.db import Engine, require_current_schema

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
    #: How config_path was chosen (one of CONFIG_ORIGINS' values), shown with it.
    config_origin: str = ""

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    def engine(self, *, require_schema: bool = True) -> Engine:
        """Return the engine; without ``require_schema`` (db upgrade) it may create the file."""
        engine = open_engine(self.config, create=not require_schema)
        if require_schema:
            require_current_schema(engine)
        return engine


pass_context = click.make_pass_decorator(Context)

FORMATS = click.Choice(["table", "json", "csv"])


def emit(text: str, output: Path | None) -> None:
    """Print ``text``, or write it to ``output`` and say so."""
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Đã ghi {output}", err=True)
