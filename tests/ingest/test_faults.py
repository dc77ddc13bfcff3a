"""Which failures are the machine's (retried by the next run) and which are not."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from ingest.faults import EnvironmentFailure, Fault, environment_fault


def raised_from(cause: BaseException) -> BaseException:
    try:
        try:
            raise cause
        except BaseException as error:
            raise RuntimeError("while storing a message") from error
    except RuntimeError as outer:
        return outer


@pytest.mark.parametrize(
    ("code", "kind"),
    [(errno.ENOSPC, "disk_full"), (errno.EDQUOT, "quota_exceeded"), (errno.EROFS, "read_only")],
)
def test_a_disk_that_refuses_writes_is_the_machines_fault(code: int, kind: str) -> None:
    fault = environment_fault(raised_from(OSError(code, "refused", "/var/lib/x")))
    assert fault is not None and fault.kind == kind
    assert "/var/lib/x" in fault.detail  # for the log; the line itself stays short


def test_an_ordinary_error_is_not_the_machines_fault() -> None:
    assert environment_fault(ValueError("bad header")) is None
    assert environment_fault(OSError(errno.ECONNRESET, "reset")) is None  # the network's


def sqlite_error(tmp_path: Path, statement: str, *, locked: bool = False) -> DBAPIError:
    path = tmp_path / "register.db"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY)")
        setup.execute("INSERT OR IGNORE INTO t VALUES (1)")
    holder = sqlite3.connect(path, isolation_level=None)
    if locked:
        holder.execute("BEGIN IMMEDIATE")
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.05})
    try:
        with pytest.raises(DBAPIError) as caught, engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        holder.close()
        engine.dispose()
    return caught.value


def test_a_sqlite_database_locked_past_its_busy_timeout_is_the_machines_fault(
    tmp_path: Path,
) -> None:
    error = sqlite_error(tmp_path, "INSERT INTO t VALUES (2)", locked=True)
    fault = environment_fault(error)
    assert fault == Fault("database_locked", "OperationalError: database is locked")
    assert fault.describe() == "cơ sở dữ liệu đang bị tiến trình khác khóa quá lâu"


def test_a_broken_constraint_is_not_the_machines_fault(tmp_path: Path) -> None:
    assert environment_fault(sqlite_error(tmp_path, "INSERT INTO t VALUES (1)")) is None


def test_an_unreachable_postgresql_is_the_machines_fault_and_says_which() -> None:
    engine = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none")
    with pytest.raises(DBAPIError) as caught:
        engine.connect()
    fault = environment_fault(caught.value)
    assert fault is not None and fault.kind == "database_unavailable"
    assert fault.describe().startswith("không kết nối được cơ sở dữ liệu (OperationalError: ")


def test_a_failure_already_named_keeps_its_fault() -> None:
    fault = Fault("disk_full", "OSError: [Errno 28] No space left on device")
    assert environment_fault(raised_from(EnvironmentFailure(fault))) == fault
