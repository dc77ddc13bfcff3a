"""Shared set-up for the ingest benchmarks: a Dovecot sandbox, a config, a register."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from imapclient import IMAPClient

from ingest.app import build_services, open_engine
from ingest.config import Config, load_config
from ingest.poll import Services
from scripts.dovecot_sandbox import DovecotSandbox
from store.db import upgrade_schema

ROOT = Path(__file__).resolve().parents[1]
PASSWORD_ENV = "CCHC_BENCH_IMAP_PASSWORD"


def fill(client: IMAPClient, folder: str, messages: Iterable[tuple[bytes, datetime]]) -> int:
    """APPEND every message to ``folder`` over one connection; return how many."""
    if not client.folder_exists(folder):
        client.create_folder(folder)
    count = 0
    for raw, received_at in messages:
        client.append(folder, raw, msg_time=received_at)
        count += 1
    return count


def write_config(
    folder: Path,
    database_url: str,
    dovecot: DovecotSandbox,
    mailbox_folder: str,
    batch_size: int = 100,
) -> Config:
    """Write a config for ``mailbox_folder`` on ``dovecot`` and return it, schema created."""
    path = folder / "config.toml"
    path.write_text(
        f"""
[database]
url = "{database_url}"
[storage]
dir = "files"
[units]
file = "{ROOT / "units.toml"}"
addresses_file = "{ROOT / "demo" / "addresses.toml"}"
[[mailboxes]]
name = "bench"
host = "{dovecot.host}"
port = {dovecot.port}
security = "none"
username = "{dovecot.user}"
password_env = "{PASSWORD_ENV}"
folder = "{mailbox_folder}"
batch_size = {batch_size}
[campaign]
name = "Benchmark"
opens = 2024-05-15
closes = 2024-06-25
timezone = "Asia/Ho_Chi_Minh"
[schedule]
poll_every = "5m"
digest_at = "07:00"
""",
        encoding="utf-8",
    )
    config = load_config(path)
    upgrade_schema(open_engine(config))
    return config


def services_for(config: Config) -> Services:
    return build_services(config, open_engine(config))


class CommandCounter(logging.Handler):
    """Count the IMAP commands a client sends (imaplib logs each as "> …")."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.commands = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("> "):
            self.commands += 1

    def __enter__(self) -> CommandCounter:
        logger = logging.getLogger("imapclient.imaplib")
        logger.setLevel(logging.DEBUG)
        logger.addHandler(self)
        return self

    def __exit__(self, *_: object) -> None:
        logging.getLogger("imapclient.imaplib").removeHandler(self)
