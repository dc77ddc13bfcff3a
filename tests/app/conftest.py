"""The shared root over a scratch database: what both shells hand to app/ functions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.config import load_config, load_roster
from app.root import Register
from store.blobs import BlobStore
from store.db import SessionFactory

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2024, 6, 21, 2, 0, tzinfo=UTC)


@pytest.fixture
def register(sessions: SessionFactory, tmp_path: Path) -> Register:
    """The shipped 2024 configuration and roster over a scratch register (each backend)."""
    config = replace(load_config(ROOT / "config.toml"), storage_dir=tmp_path / "files")
    return Register(
        config=config,
        roster=load_roster(config.units_file),
        sessions=sessions,
        blobs=BlobStore(config.storage_dir),
        clock=lambda: NOW,
    )
