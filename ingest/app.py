"""Composition root: build the engine, storage and rules once, from the configuration."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ingest.config import Config, load_roster
from ingest.extraction import TimedExtractor
from ingest.poll import Services
from parsers.analysis import Rules
from parsers.roster import Roster
from parsers.units import UnitNames
from store.blobs import BlobStore
from store.db import Engine, make_engine, make_session_factory
from store.decisions import learned_addresses


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


def load_rules(config: Config, roster: Roster, learned: Mapping[str, str] | None = None) -> Rules:
    """Build the classification rules; ``learned`` addresses (staff decisions) win."""
    book = roster.address_book()
    codes = {unit.code for unit in roster.units}
    # A learned address whose unit left the roster teaches nothing any more.
    book.update({a: c for a, c in (learned or {}).items() if c in codes})
    return Rules(
        campaign=config.campaign,
        address_book=book,
        own_addresses=frozenset(m.username.lower() for m in config.mailboxes),
        names=UnitNames.from_units(roster.units, roster.area),
        trusted_authserv_ids=frozenset(
            m.trusted_authserv_id.lower() for m in config.mailboxes if m.trusted_authserv_id
        ),
        limits=config.limits,
    )


@contextmanager
def open_services(config: Config, engine: Engine) -> Iterator[Services]:
    """Yield the shell's collaborators; the extraction worker processes stop on exit."""
    roster = load_roster(config.units_file, config.addresses_file)
    config.storage_dir.mkdir(parents=True, exist_ok=True)
    sessions = make_session_factory(engine)
    with sessions() as session:
        learned = learned_addresses(session)
    with TimedExtractor() as extractor:
        yield Services(
            sessions=sessions,
            blobs=BlobStore(config.storage_dir),
            rules=load_rules(config, roster, learned),
            clock=utc_now,
            extract=extractor,
            workers=extractor,
        )
