"""The composition root both shells share: engine, storage and rules, built from the config.

`ingest/` (the worker and the command line) and `web/` (the staff's web application)
build their collaborators here, so a rule is wired the same way in both.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from app.config import Config, load_roster
from parsers.memo import Memo
from parsers.roster import Roster
from parsers.units import UnitNames
from store.blobs import BlobStore
from store.db import Engine, SessionFactory, make_engine, make_session_factory, sqlite_file

if TYPE_CHECKING:
    from parsers.analysis import Rules
    from parsers.similarity import Signature
    from parsers.tags import Tag


def utc_now() -> datetime:
    return datetime.now(UTC)


def open_engine(config: Config, *, create: bool = False) -> Engine:
    """Return the database engine; ``create`` makes the SQLite file's folder if needed.

    Only the commands that create the database (`db upgrade`) pass ``create``: any
    other command that fails to start leaves nothing behind.
    """
    engine = make_engine(config.database_url)
    path = sqlite_file(engine.url)
    if create and path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    return engine


def load_rules(config: Config, roster: Roster, learned: Mapping[str, str] | None = None) -> Rules:
    """Build the classification rules; ``learned`` addresses (staff decisions) win."""
    # Imported here: the analysis loads the mail and document readers, which only
    # the worker needs, not the commands that open the register to read it.
    from parsers.analysis import Rules

    book = roster.address_book()
    codes = {unit.code for unit in roster.units}
    # A learned address whose unit left the roster teaches nothing any more.
    book.update({a: c for a, c in (learned or {}).items() if c in codes})
    return Rules(
        campaigns=config.campaigns,
        address_book=book,
        own_addresses=frozenset(m.username.lower() for m in config.mailboxes),
        names=UnitNames.from_units(roster.units, roster.area),
        trusted_authserv_ids=frozenset(
            m.trusted_authserv_id.lower() for m in config.mailboxes if m.trusted_authserv_id
        ),
        limits=config.limits,
        successors=roster.successors(),
    )


@dataclass(frozen=True)
class Memos:
    """Values derived from document texts, kept for the life of the process (by a digest
    of their inputs, so never stale): the council's list, listed again, reads them here."""

    signatures: Memo[Signature] = field(default_factory=Memo)
    tags: Memo[tuple[Tag, ...]] = field(default_factory=Memo)


@dataclass(frozen=True)
class Register:
    """The register as both shells use it: configuration, roster, sessions and files."""

    config: Config
    roster: Roster
    sessions: SessionFactory
    blobs: BlobStore
    clock: Callable[[], datetime] = utc_now
    memos: Memos = field(default_factory=Memos)


def open_register(config: Config, engine: Engine) -> Register:
    """Return the register over ``engine`` with the roster read from the configuration."""
    return Register(
        config=config,
        roster=load_roster(config.units_file, config.addresses_file),
        sessions=make_session_factory(engine),
        blobs=BlobStore(config.storage_dir),
    )
