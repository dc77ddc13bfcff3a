"""Engine, session factory and schema migrations."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine as Engine
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session as Session
from sqlalchemy.orm import sessionmaker

from store.files import create_private_file
from store.glance import sqlite_path
from store.schema import VERSION_TABLE, missing_database, require_revisions

# Re-exported: the commands and tests that check the schema import them from here.
from store.schema import SchemaOutdated as SchemaOutdated
from store.schema import newest_revisions as newest_revisions

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

SessionFactory = sessionmaker[Session]


def make_engine(url: str) -> Engine:
    """Build the engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout.

    A SQLite file is created owner-only (0600) before SQLite opens it; SQLite
    gives its -wal and -shm files the database file's mode.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        path = sqlite_file(url)
        if path is not None:
            event.listen(engine, "do_connect", lambda *_: _create_database_file(path))
        return engine
    return create_engine(url, pool_pre_ping=True)


def sqlite_file(url: str | URL) -> Path | None:
    """Return the database file of a SQLite ``url`` (an engine's ``.url`` too); None for
    another database or memory."""
    return sqlite_path(url if isinstance(url, str) else url.render_as_string(hide_password=False))


def _create_database_file(path: Path) -> None:
    if path.exists() or not path.parent.is_dir():
        return  # a missing folder is SQLite's error to report, as before
    with contextlib.suppress(OSError):
        create_private_file(path)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def make_session_factory(engine: Engine) -> SessionFactory:
    return sessionmaker(engine, expire_on_commit=False)


def upgrade_schema(engine: Engine, revision: str = "heads", *, campaign: str | None = None) -> None:
    """Create or migrate the schema to ``revision``, by default the newest (Alembic).

    ``campaign`` is the code of the campaign that mail stored before campaigns
    existed belongs to (migration 0011).
    """
    # Alembic is imported where it runs: loading it (and Mako, which it loads) costs
    # about half the start-up of a command that only reads the register.
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "store:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        config.attributes["campaign_code"] = campaign
        command.upgrade(config, revision)


def alembic_scripts() -> ScriptDirectory:
    from alembic.config import Config  # imported here: see upgrade_schema
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "store:migrations")
    return ScriptDirectory.from_config(config)


def schema_revisions(engine: Engine) -> tuple[str, ...]:
    """Return the Alembic revision(s) the database is at (empty before the first upgrade).

    Read as Alembic reads its table (MigrationContext.get_current_heads), without
    importing Alembic: see newest_revisions.
    """
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return ()
        rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
        return tuple(sorted(str(version) for (version,) in rows))


def require_current_schema(engine: Engine) -> None:
    """Raise SchemaOutdated unless the database is at the newest revision(s).

    A SQLite file that does not exist is not created (connecting would create it).
    """
    path = sqlite_file(engine.url)
    if path is not None and not path.exists():
        raise missing_database(path)
    require_revisions(schema_revisions(engine))
