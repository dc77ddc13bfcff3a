"""Run the real `cchc-inbox` command line in-process (click's CliRunner), for what needs no IMAP."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner, Result

from ingest.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: Mapping[str, str | None] | None = None) -> Result:
    """Invoke ``cchc-inbox ARGS``; the logging set up by the command is undone afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        return CliRunner().invoke(
            main, list(args), env=env, catch_exceptions=False, prog_name="cchc-inbox"
        )
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)


def write_local_config(folder: Path, *replacements: tuple[str, str]) -> Path:
    """Write the shipped config.toml and roster into ``folder``, its mailbox on loopback.

    The mailbox points at a closed loopback port, so a check that connects fails at
    once instead of looking up the real server.
    """
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    for old, new in (
        ('host = "mail.tayninh.gov.vn"', 'host = "127.0.0.1"'),
        ("port = 993", "port = 9"),
        ('security = "ssl" ', 'security = "none"'),
        *replacements,
    ):
        assert old in text, old
        text = text.replace(old, new)
    (folder / "units.toml").write_text((ROOT / "units.toml").read_text(encoding="utf-8"))
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path
