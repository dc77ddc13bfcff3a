"""Shared fixtures: a scratch database on each backend (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from app.config import load_config, load_roster
from app.root import Register
from store.blobs import BlobStore
from store.db import SessionFactory, make_engine, make_session_factory, upgrade_schema

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # for scripts.* (the Dovecot sandbox, the sample generator)

# The PostgreSQL server the suite creates scratch databases on (trust auth).
PG_ADMIN = os.environ.get("CCHC_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")


def _pg_url(database: str) -> str:
    head, _, _ = PG_ADMIN.rpartition("/")
    return head.replace("postgresql://", "postgresql+psycopg://", 1) + "/" + database


@contextmanager
def scratch_postgres() -> Iterator[str]:
    """Create an empty PostgreSQL database, yield its URL, drop it afterwards."""
    name = f"cchc_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_url(name)
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The empty folder tempfile makes its files and folders in, for this test: a tool
    that must clean up after itself (readpst's conversion, OCR's page images) is
    watched there."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of an empty database, on SQLite and on PostgreSQL in turn."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'register.db'}"
        return
    with scratch_postgres() as url:
        yield url


@pytest.fixture
def sessions(database_url: str) -> Iterator[SessionFactory]:
    """Yield a session factory on a migrated scratch database (each backend in turn)."""
    engine = make_engine(database_url)
    upgrade_schema(engine)
    yield make_session_factory(engine)
    engine.dispose()


@dataclass
class Clock:
    """A clock the test moves: what the shared root's ``clock`` says it is."""

    now: datetime = datetime(2024, 6, 21, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, span: timedelta) -> None:
        self.now += span


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def register(sessions: SessionFactory, tmp_path: Path, clock: Clock) -> Register:
    """The shipped 2024 configuration and roster over a scratch register (each backend),
    as the shells' composition root (app.root) builds it; ``clock`` is the test's."""
    config = replace(load_config(ROOT / "config.toml"), storage_dir=tmp_path / "files")
    return Register(
        config=config,
        roster=load_roster(config.units_file),
        sessions=sessions,
        blobs=BlobStore(config.storage_dir),
        clock=clock,
    )
