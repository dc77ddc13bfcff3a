"""A scratch PostgreSQL database for a benchmark, on the suite's server (CCHC_TEST_PG)."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import psycopg

PG_ADMIN = os.environ.get("CCHC_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


@contextlib.contextmanager
def scratch_postgres() -> Iterator[str]:
    """Create an empty database, yield its libpq URL (``postgresql://…``), drop it afterwards."""
    name = f"cchc_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rpartition("/")[0] + "/" + name
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlalchemy_url(libpq_url: str) -> str:
    """Return the URL the register's config names for a libpq URL (psycopg's dialect)."""
    return libpq_url.replace("postgresql://", "postgresql+psycopg://", 1)
