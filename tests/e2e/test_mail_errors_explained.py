"""A mail server's refusal reaches people as one Vietnamese line; the raw text only at -v."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Register
from tests.e2e.imap_tools import set_config_value

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
REFUSED = "máy chủ từ chối đăng nhập: kiểm tra username và mật khẩu của hộp thư"


def test_a_refused_login_is_explained_by_poll_check_config_and_status(register: Register) -> None:
    poll = register.run("poll", check=False, password="not-the-password")
    assert poll.returncode == 1
    assert poll.stdout.strip().splitlines() == [
        f"Hộp thư phongnv: 0 thư mới, 0 thư trùng, 0 thư lỗi — KHÔNG ĐỌC ĐƯỢC HỘP THƯ: {REFUSED}"
    ]
    checked = register.run("check-config", check=False, password="not-the-password")
    assert f"[ LỖI ] Hộp thư phongnv: {REFUSED}" in checked.stdout.splitlines()
    status = register.run("status", check=False).stdout
    assert f"): {REFUSED}" in status
    shown = poll.stdout + poll.stderr + checked.stdout + checked.stderr + status
    assert "LoginError" not in shown and "AUTHENTICATIONFAILED" not in shown


def test_the_raw_login_error_is_in_the_log_at_v(register: Register) -> None:
    poll = register.run("-v", "poll", check=False, password="not-the-password")
    assert "LoginError" in poll.stderr
    checked = register.run("-v", "check-config", check=False, password="not-the-password")
    assert "LoginError" in checked.stderr


def test_tls_against_a_plain_port_is_explained_as_a_security_or_port_mistake(
    register: Register,
) -> None:
    set_config_value(register.config, 'security = "none"', 'security = "ssl"')
    checked = register.run("check-config", check=False)
    assert checked.returncode == 1
    assert (
        "[ LỖI ] Hộp thư phongnv: không thiết lập được kết nối mã hóa TLS: "
        "kiểm tra security (ssl, starttls, none) và port của máy chủ"
    ) in checked.stdout.splitlines()
    assert "SSLError" not in checked.stdout
