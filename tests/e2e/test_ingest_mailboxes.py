"""Several mailboxes and folders: one failing mailbox does not stop the others."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PASSWORD_ENV, Register
from tests.e2e.imap_tools import append_many, generated_message

pytestmark = pytest.mark.dovecot


def add_mailbox(register: Register, name: str, folder: str, password_env: str) -> None:
    dovecot = register.dovecot
    with register.config.open("a", encoding="utf-8") as config:
        config.write(
            f"""
[[mailboxes]]
name = "{name}"
host = "{dovecot.host}"
port = {dovecot.port}
security = "none"
username = "{dovecot.user}"
password_env = "{password_env}"
folder = "{folder}"
"""
        )


def test_a_mailbox_that_cannot_be_read_does_not_stop_the_next_one(register: Register) -> None:
    second = register.folder + "-b"
    add_mailbox(register, "thieu-mat-khau", second, "CCHC_TEST_UNSET_PASSWORD")
    add_mailbox(register, "vanthu", second, PASSWORD_ENV)
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(3)])
    append_many(register.dovecot, second, [generated_message(i, "b") for i in range(2)])

    result = register.run("poll", check=False)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "Hộp thư phongnv: 3 thư mới, 0 thư trùng, 0 thư lỗi" in lines
    assert any(
        line.startswith("Hộp thư thieu-mat-khau:") and "KHÔNG ĐỌC ĐƯỢC HỘP THƯ" in line
        for line in lines
    )
    assert "Hộp thư vanthu: 2 thư mới, 0 thư trùng, 0 thư lỗi" in lines
    rows = register.json("report", "submissions")["submissions"]
    assert sorted(r["mailbox"] for r in rows) == ["phongnv"] * 3 + ["vanthu"] * 2  # type: ignore[index, union-attr]
