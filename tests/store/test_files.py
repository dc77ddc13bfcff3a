"""What the register writes is readable by its owner only, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.blobs import BlobStore
from store.db import make_engine, upgrade_schema
from store.files import copy_private, write_private


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """Run as a person at a shell does: umask 022, files 0644 unless we say otherwise."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_storage_tree_is_owner_only(tmp_path: Path) -> None:
    root = tmp_path / "var" / "files"
    digest = BlobStore(root).put(b"Return-Path: <tb@tayninh.gov.vn>\r\n\r\nhello")
    folder = root / digest[:2]
    assert (mode(root), mode(folder), mode(folder / digest)) == (0o700, 0o700, 0o600)


def test_a_staged_file_takes_its_name_only_when_settled_and_owner_only(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "files")
    staged = blobs.stage(b"%PDF-1.7 bao cao")
    assert staged is not None
    assert not blobs.path_of(staged.digest).exists()
    blobs.settle(staged)
    assert blobs.get(staged.digest) == b"%PDF-1.7 bao cao"
    assert mode(blobs.path_of(staged.digest)) == 0o600
    assert not Path(staged.tmp).exists()
    assert blobs.stage(b"%PDF-1.7 bao cao") is None  # already stored


def test_the_sqlite_database_and_its_wal_and_shm_files_are_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "register.db"
    engine = make_engine(f"sqlite:///{database}")
    try:
        upgrade_schema(engine)
        files = [database, tmp_path / "register.db-wal", tmp_path / "register.db-shm"]
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    finally:
        engine.dispose()


def test_a_report_written_over_an_existing_shared_file_becomes_owner_only(tmp_path: Path) -> None:
    report = tmp_path / "tinh-hinh-nop.csv"
    report.write_text("old", encoding="utf-8")
    report.chmod(0o644)
    write_private(report, b"new")
    assert (report.read_bytes(), mode(report)) == (b"new", 0o600)
    copy = tmp_path / "copy.pdf"
    copy_private(report, copy)
    assert (copy.read_bytes(), mode(copy)) == (b"new", 0o600)


def test_a_report_sent_to_a_pipe_leaves_the_pipe_alone() -> None:
    read, write = os.pipe()
    try:
        before = os.fstat(write).st_mode
        write_private(Path(f"/proc/self/fd/{write}"), b"x")
        assert os.read(read, 1) == b"x"
        assert os.fstat(write).st_mode == before
    finally:
        os.close(read)
        os.close(write)
