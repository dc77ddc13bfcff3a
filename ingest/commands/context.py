"""What every command shares: the lazily loaded configuration, the engine, output."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from app.config import Config, load_config
from app.root import Register, open_engine, open_register
from store.db import Engine, require_current_schema


@dataclass
class Context:
    config_path: Path
    _config: Config | None = None
    _register: Register | None = None

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

    def register(self) -> Register:
        """Return the register (roster read, schema checked), as the web application has it."""
        if self._register is None:
            self._register = open_register(self.config, self.engine())
        return self._register


pass_context = click.make_pass_decorator(Context)

FORMATS = click.Choice(["table", "json", "csv"])


def emit(text: str, output: Path | None) -> None:
    """Print ``text``, or write it to ``output`` and say so."""
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Đã ghi {output}", err=True)
