"""The schema check reads the migrations and the database as Alembic would, without it."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from store.db import make_engine, newest_revisions, schema_revisions, upgrade_schema
from store.schema import MIGRATIONS, _revision_graph


def alembic_scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", "store:migrations")
    return ScriptDirectory.from_config(config)


def alembic_current(url: str) -> tuple[str, ...]:
    engine = make_engine(url)
    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    engine.dispose()
    return tuple(sorted(heads))


def test_the_newest_revisions_are_alembics_heads() -> None:
    assert _revision_graph(MIGRATIONS) is not None  # read from the files, not by Alembic
    assert newest_revisions() == tuple(sorted(alembic_scripts().get_heads()))


def test_every_migration_is_read_with_the_revisions_it_follows() -> None:
    graph = _revision_graph(MIGRATIONS)
    assert graph is not None
    for script in alembic_scripts().walk_revisions():
        down = script.down_revision
        downs = () if down is None else (down,) if isinstance(down, str) else tuple(down)
        assert graph[script.revision] == downs, script.revision
    assert len(graph) == len(list(alembic_scripts().walk_revisions()))


# ("0003", "0004"): the two branches below the merge revision 0005, two heads.
@pytest.mark.parametrize("upgrades", [(), ("0001",), ("0003",), ("0003", "0004"), ("heads",)])
def test_the_database_revisions_are_read_as_alembic_reads_them(
    database_url: str, upgrades: tuple[str, ...]
) -> None:
    engine = make_engine(database_url)
    for revision in upgrades:
        upgrade_schema(engine, revision)
    assert schema_revisions(engine) == alembic_current(database_url)
    if upgrades == ("0003", "0004"):
        assert schema_revisions(engine) == ("0003", "0004")
    engine.dispose()


@pytest.mark.parametrize(
    "text",
    [
        'revision = "0010"\n',  # no down_revision
        'revision = "0010"\ndown_revision = make("0009")\n',  # not a literal
        'revision = "0010"\nrevision = "0011"\ndown_revision = None\n',
        "revision = 10\ndown_revision = None\n",
        'revision = "0010"\ndown_revision = ("0009", 9)\n',
    ],
)
def test_a_migration_stated_otherwise_is_left_to_alembic(tmp_path: Path, text: str) -> None:
    (tmp_path / "0009_plain.py").write_text('revision = "0009"\ndown_revision = None\n')
    (tmp_path / "0010_odd.py").write_text(text)
    assert _revision_graph(tmp_path) is None


def test_annotated_and_merging_revisions_are_read(tmp_path: Path) -> None:
    (tmp_path / "__init__.py").write_text('revision = "not a migration"\n')
    (tmp_path / "a.py").write_text(
        '"""Revision ID: a\nRevises:\n"""\nrevision: str = "a"\ndown_revision: str | None = None\n'
        "def upgrade() -> None:\n    revision = 'inside'\n"
    )
    (tmp_path / "b.py").write_text('revision = "b"\ndown_revision = "a"\n')
    (tmp_path / "c.py").write_text("revision = 'c'\ndown_revision = 'a'\n")
    (tmp_path / "d.py").write_text('revision = "d"\ndown_revision = ("b", "c")  # merge\n')
    assert _revision_graph(tmp_path) == {"a": (), "b": ("a",), "c": ("a",), "d": ("b", "c")}
