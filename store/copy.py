"""Copy the whole register from one database to another (SQLite to PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import Engine, func, select, text

from store.models import Base

#: Rows read and written per round trip.
CHUNK = 500


class TargetNotEmpty(Exception):
    """The target database already holds data; copying would mix two registers."""


def copy_database(source: Engine, target: Engine) -> dict[str, int]:
    """Copy every table of the register, in one transaction on the target.

    The target must be at the current schema and empty. Primary keys are kept
    (reports, review decisions and the outbox refer to them), and PostgreSQL
    sequences are moved past the copied ids. Returns the rows copied per table.
    """
    tables = Base.metadata.sorted_tables
    copied: dict[str, int] = {}
    with source.connect() as reading, target.begin() as writing:
        for table in tables:
            if writing.scalar(select(func.count()).select_from(table)):
                raise TargetNotEmpty(f"table {table.name} of the target is not empty")
        for table in tables:
            count = 0
            result = reading.execute(select(table)).mappings()
            while rows := result.fetchmany(CHUNK):
                writing.execute(table.insert(), [dict(row) for row in rows])
                count += len(rows)
            copied[table.name] = count
        if target.dialect.name == "postgresql":
            for table in tables:
                if "id" in table.c and table.c.id.primary_key:
                    writing.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"
                        )
                    )
    return copied
