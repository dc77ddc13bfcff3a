"""Engine, session factory and schema migrations."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine as Engine
from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session as Session
from sqlalchemy.orm import sessionmaker

from store.files import create_private_file

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


def sqlite_file(url: str) -> Path | None:
    """Return the database file of a SQLite ``url``; None for another database or memory."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:") or "uri" in parsed.query:
        return None  # an SQLite URI says itself how to open the file
    return Path(database)


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


def upgrade_schema(engine: Engine, revision: str = "heads") -> None:
    """Create or migrate the schema to ``revision``, by default the newest (Alembic)."""
    config = Config()
    config.set_main_option("script_location", "store:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


class SchemaOutdated(Exception):
    """The database schema is missing or older than this version of the code."""


def require_current_schema(engine: Engine) -> None:
    """Raise SchemaOutdated unless the database is at the newest revision(s)."""
    config = Config()
    config.set_main_option("script_location", "store:migrations")
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current != heads:
        raise SchemaOutdated(
            f"database schema is at {', '.join(sorted(current)) or 'nothing'}, "
            f"this version needs {', '.join(sorted(heads))}: run `cchc-inbox db upgrade`"
        )
