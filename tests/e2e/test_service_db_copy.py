"""Moving a register from SQLite to PostgreSQL with `db copy --to URL`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import scratch_postgres
from tests.e2e.conftest import ROOT, Register
from tests.e2e.imap_tools import generated_message, set_config_value

SAMPLES = ROOT / "tests" / "data" / "mail"
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with scratch_postgres() as url:
        yield url


def test_a_sqlite_register_copied_to_postgresql_reports_the_same_and_goes_on_polling(
    register: Register, database_url: str, postgres_url: str
) -> None:
    count = register.dovecot.seed(SAMPLES, folder=register.folder)
    register.run("poll")
    [first] = register.json("review", "list")["messages"][:1]  # type: ignore[misc]
    register.run("review", "ignore", str(first["id"]), "--reason", "thử", "--by", "admin")
    before = {
        what: register.run("report", what, "--format", "json").stdout
        for what in ("submissions", "compliance", "initiatives")
    }
    copied = register.run("db", "copy", "--to", postgres_url)
    assert f"messages: {count} dòng" in copied.stdout
    assert "review_decisions: 1 dòng" in copied.stdout

    set_config_value(register.config, f'url = "{database_url}"', f'url = "{postgres_url}"')
    after = {
        what: register.run("report", what, "--format", "json").stdout
        for what in ("submissions", "compliance", "initiatives")
    }
    assert after == before
    assert "Tình trạng: BÌNH THƯỜNG" in register.run("status").stdout

    received = datetime(2024, 6, 3, 9, 0, tzinfo=timezone(timedelta(hours=7)))
    register.dovecot.append(generated_message(1, tag="moved"), received, folder=register.folder)
    assert "1 thư mới, 0 thư trùng, 0 thư lỗi" in register.run("poll").stdout
    rows = register.json("report", "submissions")["submissions"]
    assert isinstance(rows, list) and len(rows) == count + 1
    [new] = [r for r in rows if r["message_id"] == "<moved-1@test.cchc>"]
    assert new["id"] == max(r["id"] for r in rows) > count  # the id sequence moved on


def test_copying_into_a_database_that_holds_data_is_refused(
    register: Register, database_url: str, postgres_url: str
) -> None:
    register.dovecot.seed(SAMPLES, folder=register.folder)
    register.run("poll")
    register.run("db", "copy", "--to", postgres_url)
    again = register.run("db", "copy", "--to", postgres_url, check=False)
    assert again.returncode == 1
    assert "Không chép: cơ sở dữ liệu đích đã có dữ liệu" in again.stderr
