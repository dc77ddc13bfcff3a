from __future__ import annotations

import ast
import importlib.util
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine.reflection import Inspector

from parsers.text import normalise_title
from store.db import make_engine, make_session_factory, upgrade_schema
from store.models import Base, Message, is_modelled
from store.tallies import compliance_tallies
from tests.store.register import store_message

VERSIONS = Path(__file__).parents[2] / "store" / "migrations" / "versions"
PROJECT_PACKAGES = {"app", "ingest", "outbound", "parsers", "reports", "store"}
TITLES = [
    "Ứng dụng mã QR để tra cứu thủ tục hành chính",
    "  ỨNG DỤNG   mã QR để tra cứu thủ tục hành chính. ",
    "Số hoá hồ sơ một cửa xã Hoà Hội",
    "Số hóa hồ sơ một cửa xã Hòa Hội",
    "Nâng cao chất lượng phục vụ của Uỷ ban nhân dân",
    "Kế hoạch khoẻ mạnh; “thủy lợi”:",
    unicodedata.normalize("NFD", "Cải cách thủ tục hành chính tại Thanh Điền"),
    "Hoàn thiện quy hoạch đoàn thể",
    "Đề án 06: xây dựng chính quyền số\tnăm 2024",
    "",
]


def migration(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, VERSIONS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade_schema(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"include_name": lambda name, _type, _parents: is_modelled(name)},
        )
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


@pytest.mark.parametrize("path", sorted(VERSIONS.glob("*.py")), ids=lambda p: p.stem)
def test_a_migration_imports_none_of_the_project_code(path: Path) -> None:
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported & PROJECT_PACKAGES == set()


@pytest.mark.parametrize("title", TITLES)
def test_the_title_key_frozen_in_migration_0007_is_todays_normalise_title(title: str) -> None:
    frozen = migration("0007_unit_tallies")._normalise_title
    assert frozen(title) == normalise_title(title)


def test_the_migrations_have_one_head_and_it_is_the_newest_file() -> None:
    from store.db import newest_revisions

    newest = sorted(path.stem for path in VERSIONS.glob("0*.py"))[-1]
    assert newest_revisions() == (newest,)


def downgrade(engine: Engine, revision: str) -> Inspector:
    """Take the register down to ``revision``; return what its schema then holds."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "store:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
    return inspect(engine)


def test_the_paper_copies_migration_goes_down_and_up_again(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade_schema(engine)
    assert "paper_copies" not in downgrade(engine, "0009_web_accounts").get_table_names()
    upgrade_schema(engine)
    assert "paper_copies" in inspect(engine).get_table_names()
    engine.dispose()


def test_the_campaigns_migration_goes_down_and_up_again_keeping_the_tallies(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    upgrade_schema(engine)
    sessions = make_session_factory(engine)
    moment = datetime(2024, 6, 2, 2, 0, tzinfo=UTC)
    store_message(sessions, 1, moment, campaign="2024")
    store_message(sessions, 2, moment + timedelta(days=1), campaign="bs")
    columns = downgrade(engine, "0010_paper_copies").get_columns("unit_tallies")
    assert [c["name"] for c in columns] == ["unit_code", "first_at"]
    with engine.connect() as connection:
        units = connection.execute(text("SELECT unit_code FROM unit_tallies")).scalars().all()
    assert units == ["xa-thai-binh"]  # one unit, its first mail of every campaign
    upgrade_schema(engine, campaign="2024")
    with sessions() as session:
        assert set(compliance_tallies(session, "2024")) == {"xa-thai-binh"}
        assert session.get_one(Message, 2).campaign_code == "2024"  # one campaign again
    engine.dispose()


def test_the_council_migration_goes_down_and_up_again_keeping_the_accounts(
    database_url: str,
) -> None:
    from store.accounts import add_user, find_user

    engine = make_engine(database_url)
    upgrade_schema(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        add_user(session, "lan", "reviewer", "x", "t", datetime(2024, 6, 1, tzinfo=UTC))
    schema = downgrade(engine, "0013_message_source")
    assert "council_sheets" not in schema.get_table_names()
    assert "unit_code" not in [c["name"] for c in schema.get_columns("users")]
    upgrade_schema(engine)
    assert {"council_sheets", "council_decisions"} <= set(inspect(engine).get_table_names())
    with sessions() as session:
        found = find_user(session, "lan")
        assert found is not None and found.unit is None
    engine.dispose()


def test_the_initiative_split_migration_goes_down_and_up_again(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade_schema(engine)
    schema = downgrade(engine, "0014_council")
    columns = [c["name"] for c in schema.get_columns("initiative_records")]
    assert "split_from" not in columns and "split_files" not in columns
    upgrade_schema(engine)
    columns = [c["name"] for c in inspect(engine).get_columns("initiative_records")]
    assert {"split_from", "split_files"} <= set(columns)
    engine.dispose()
