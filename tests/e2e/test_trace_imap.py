"""`-v` never logs IMAP traffic (it holds whole messages); `--trace-imap` does, on request."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from tests.e2e.conftest import Register
from tests.e2e.imap_tools import append_many

pytestmark = [
    pytest.mark.dovecot,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def marked_message(marker: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Cán bộ <canbo@example.vn>"
    message["To"] = "phongnv-cth@tayninh.gov.vn"
    message["Subject"] = "Thư có nội dung riêng"
    message["Message-ID"] = "<marker@test.cchc>"
    message.set_content(f"{marker}\n", cte="7bit")
    return message.as_bytes()


def test_verbose_logs_no_imap_traffic_and_trace_imap_shows_the_protocol(
    register: Register,
) -> None:
    marker = "PRIVATE-BODY-7f3a9c"
    append_many(register.dovecot, register.folder, [marked_message(marker)])
    verbose = register.run("-v", "poll")
    assert "1 thư mới" in verbose.stdout
    assert marker not in verbose.stdout + verbose.stderr
    assert "FETCH" not in verbose.stderr

    traced = register.run("--trace-imap", "poll")
    assert "STATUS" in traced.stderr and "LOGIN **REDACTED**" in traced.stderr
    assert register.dovecot.password not in traced.stderr
