from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from store.db import make_engine, upgrade_schema
from store.models import Base, is_modelled


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
