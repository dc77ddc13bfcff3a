"""Engine, session factory and schema migrations."""

from __future__ import annotations

import ast
import contextlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine as Engine
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session as Session
from sqlalchemy.orm import sessionmaker

from store.files import create_private_file

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

SessionFactory = sessionmaker[Session]

#: The migration files, as `script_location = store:migrations` finds them.
MIGRATIONS = Path(__file__).resolve().parent / "migrations" / "versions"
#: Alembic's table of the revision(s) a database is at (its default name).
VERSION_TABLE = "alembic_version"
_IDENTIFIER = re.compile(r"^(revision|down_revision)\b[^=\n]*=(.*)$", re.MULTILINE)


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


def _scripts() -> ScriptDirectory:
    from alembic.config import Config  # imported here: see upgrade_schema
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "store:migrations")
    return ScriptDirectory.from_config(config)


def newest_revisions() -> tuple[str, ...]:
    """Return the revision(s) this version of the code migrates to (Alembic's heads).

    Every command checks the schema before it starts, so the heads are read from the
    `revision` and `down_revision` lines of the migration files, without Alembic
    (which would import every migration, and itself); Alembic answers if a file
    says it otherwise. tests/store/test_schema_check.py compares both answers.
    """
    graph = _revision_graph(MIGRATIONS)
    if graph is None:
        return tuple(sorted(_scripts().get_heads()))
    return tuple(sorted(set(graph) - {down for downs in graph.values() for down in downs}))


def _revision_graph(folder: Path) -> dict[str, tuple[str, ...]] | None:
    """Return each revision in ``folder`` with the revisions it follows; None if a file
    does not state them as one plain literal each (Alembic will read it)."""
    graph: dict[str, tuple[str, ...]] = {}
    files = [f for f in folder.glob("*.py") if not f.name.startswith(("__init__", ".#"))]
    for path in files:
        found: dict[str, list[object]] = {"revision": [], "down_revision": []}
        for name, value in _IDENTIFIER.findall(path.read_text(encoding="utf-8")):
            try:
                found[name].append(ast.literal_eval(value.strip()))
            except (ValueError, SyntaxError):
                return None
        if len(found["revision"]) != 1 or len(found["down_revision"]) != 1:
            return None
        [revision], [down] = found["revision"], found["down_revision"]
        downs = (down,) if isinstance(down, str) else () if down is None else down
        if (
            not isinstance(revision, str)
            or not isinstance(downs, tuple | list)
            or not all(isinstance(d, str) for d in downs)
            or revision in graph
        ):
            return None
        graph[revision] = tuple(downs)
    return graph or None


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


class SchemaOutdated(Exception):
    """The database schema is missing or older than this version of the code.

    The message is the line an administrator reads (what is wrong, what to run);
    ``current`` and ``needed`` are the Alembic revisions, for the log.
    """

    def __init__(self, message: str, current: tuple[str, ...], needed: tuple[str, ...]) -> None:
        super().__init__(message)
        self.current = current
        self.needed = needed

    def detail(self) -> str:
        """Return the revisions in English, for the log at -v."""
        return (
            f"database schema is at {', '.join(self.current) or 'nothing'}, "
            f"this version needs {', '.join(self.needed)}"
        )


def require_current_schema(engine: Engine) -> None:
    """Raise SchemaOutdated unless the database is at the newest revision(s).

    A SQLite file that does not exist is not created (connecting would create it).
    """
    heads = newest_revisions()
    upgrade = "hãy chạy `cchc-inbox db upgrade`"
    path = sqlite_file(engine.url)
    if path is not None and not path.exists():
        raise SchemaOutdated(f"chưa có cơ sở dữ liệu {path}: {upgrade}", (), heads)
    current = schema_revisions(engine)
    if current == heads:
        return
    if not current:
        raise SchemaOutdated(f"cơ sở dữ liệu chưa được khởi tạo: {upgrade}", current, heads)
    known = {revision.revision for revision in _scripts().walk_revisions()}
    if not set(current) <= known:
        raise SchemaOutdated(
            "cơ sở dữ liệu do một phiên bản cchc-inbox mới hơn tạo ra: "
            "hãy cài lại phiên bản đó (không hạ cấp cơ sở dữ liệu)",
            current,
            heads,
        )
    raise SchemaOutdated(f"cơ sở dữ liệu là của phiên bản cũ hơn: {upgrade}", current, heads)
