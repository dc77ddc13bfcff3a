"""Composition root: build the engine, storage and rules once, from the configuration."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ingest.config import Config, load_roster
from ingest.poll import Services
from parsers.analysis import Rules
from parsers.roster import Roster
from store.blobs import BlobStore
from store.db import Engine, make_engine, make_session_factory


def utc_now() -> datetime:
    return datetime.now(UTC)


def open_engine(config: Config) -> Engine:
    """Return the database engine, creating the SQLite file's folder if needed."""
    prefix = "sqlite:///"
    if config.database_url.startswith(prefix):
        path = config.database_url[len(prefix) :]
        if path and not path.startswith(":memory:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    return make_engine(config.database_url)


def load_rules(config: Config, roster: Roster) -> Rules:
    return Rules(
        campaign=config.campaign,
        address_book=roster.address_book(),
        own_addresses=frozenset(m.username.lower() for m in config.mailboxes),
    )


def build_services(config: Config, engine: Engine) -> Services:
    roster = load_roster(config.units_file, config.addresses_file)
    config.storage_dir.mkdir(parents=True, exist_ok=True)
    return Services(
        sessions=make_session_factory(engine),
        blobs=BlobStore(config.storage_dir),
        rules=load_rules(config, roster),
        clock=utc_now,
    )
