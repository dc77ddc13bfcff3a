"""The schema's revisions: which this code needs, and whether a database is at them.

No SQLAlchemy and no Alembic here: `status`, a health check started every minute,
checks the schema of a SQLite register through the standard library alone
(store/glance.py). Alembic is imported only when a migration file does not state
its revisions as plain literals (then it reads them itself).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

#: The migration files, as `script_location = store:migrations` finds them.
MIGRATIONS = Path(__file__).resolve().parent / "migrations" / "versions"
#: Alembic's table of the revision(s) a database is at (its default name).
VERSION_TABLE = "alembic_version"
_IDENTIFIER = re.compile(r"^(revision|down_revision)\b[^=\n]*=(.*)$", re.MULTILINE)
_UPGRADE = "hãy chạy `cchc-inbox db upgrade`"


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


def newest_revisions() -> tuple[str, ...]:
    """Return the revision(s) this version of the code migrates to (Alembic's heads).

    Every command checks the schema before it starts, so the heads are read from the
    `revision` and `down_revision` lines of the migration files, without Alembic
    (which would import every migration, and itself); Alembic answers if a file
    says it otherwise. tests/store/test_schema_check.py compares both answers.
    """
    graph = _revision_graph(MIGRATIONS)
    if graph is None:
        from store.db import alembic_scripts

        return tuple(sorted(alembic_scripts().get_heads()))
    return tuple(sorted(set(graph) - {down for downs in graph.values() for down in downs}))


def missing_database(path: Path) -> SchemaOutdated:
    """Return the refusal for a SQLite register whose file does not exist."""
    return SchemaOutdated(f"chưa có cơ sở dữ liệu {path}: {_UPGRADE}", (), newest_revisions())


def require_revisions(current: tuple[str, ...]) -> None:
    """Raise SchemaOutdated unless ``current`` (the database's revisions) are the newest."""
    heads = newest_revisions()
    if current == heads:
        return
    if not current:
        raise SchemaOutdated(f"cơ sở dữ liệu chưa được khởi tạo: {_UPGRADE}", current, heads)
    if not set(current) <= _known_revisions():
        raise SchemaOutdated(
            "cơ sở dữ liệu do một phiên bản cchc-inbox mới hơn tạo ra: "
            "hãy cài lại phiên bản đó (không hạ cấp cơ sở dữ liệu)",
            current,
            heads,
        )
    raise SchemaOutdated(f"cơ sở dữ liệu là của phiên bản cũ hơn: {_UPGRADE}", current, heads)


def _known_revisions() -> set[str]:
    graph = _revision_graph(MIGRATIONS)
    if graph is None:
        from store.db import alembic_scripts

        return {revision.revision for revision in alembic_scripts().walk_revisions()}
    return set(graph)


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
