"""SMTP over TLS (implicit and STARTTLS) with login, against a real aiosmtpd server.

The certificates come from a throwaway certificate authority made for each test
module; the client trusts it only through ``CCHC_SMTP_CAFILE``, as an
administrator with a private CA would configure it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from app.config import SmtpConfig
from outbound.mailing import OutgoingMail, build_message, new_message_id, parse_address
from outbound.smtp import SmtpPermanent, SmtpTemporary, send_via_smtp
from store.outbox import ClaimedMail
from tests.pki import Pki, make_pki
from tests.smtp_sandbox import SmtpSandbox, free_port

SENDER = "Phòng Nội vụ huyện Châu Thành <phongnv-cth@tayninh.gov.vn>"
# aiosmtpd does not count implicit TLS as encryption (see _start) and warns about it.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

USER = "phongnv-cth"
PASSWORDS = ("s3cret-ascii", "mật-khẩu-thử")  # smtplib alone cannot send the second


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def _authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == USER
        and auth_data.password.decode() in PASSWORDS
    )
    return AuthResult(success=ok, handled=False)


def _start(sandbox: SmtpSandbox, pki: Pki, *, implicit: bool) -> Controller:
    options: dict[str, Any] = {"authenticator": _authenticate, "auth_required": True}
    if implicit:
        options["ssl_context"] = pki.server_context
        # aiosmtpd only counts STARTTLS as encryption; here the whole session is TLS.
        options["auth_require_tls"] = False
    else:
        options["tls_context"] = pki.server_context
        options["require_starttls"] = True
    controller = Controller(
        sandbox, hostname=sandbox.host, port=sandbox.port, server_hostname="localhost", **options
    )
    controller.start()
    return controller


@contextlib.contextmanager
def _serving(pki: Pki, *, implicit: bool) -> Iterator[SmtpSandbox]:
    sandbox = SmtpSandbox(port=free_port())
    controller = _start(sandbox, pki, implicit=implicit)
    try:
        yield sandbox
    finally:
        controller.stop()


@pytest.fixture
def starttls_server(pki: Pki) -> Iterator[SmtpSandbox]:
    with _serving(pki, implicit=False) as sandbox:
        yield sandbox


@pytest.fixture(params=["starttls", "ssl"])
def tls_server(request: pytest.FixtureRequest, pki: Pki) -> Iterator[tuple[str, SmtpSandbox]]:
    """A server of each kind of TLS, with the ``security`` setting that reaches it."""
    with _serving(pki, implicit=request.param == "ssl") as sandbox:
        yield request.param, sandbox


def _config(port: int, security: str) -> SmtpConfig:
    return SmtpConfig(
        host="127.0.0.1",
        port=port,
        security=security,
        username=USER,
        password_env="CCHC_SMTP_PASSWORD",
        password_file=None,
        sender=SENDER,
        timeout=10,
    )


def _mail() -> ClaimedMail:
    start = datetime(2024, 6, 26, 7, 0, tzinfo=UTC)
    message_id = new_message_id(parse_address(SENDER), "digest")
    raw = build_message(
        OutgoingMail(SENDER, ("vanthu@tayninh.gov.vn",), "Báo cáo ngày 25/06/2024", "Nội dung"),
        message_id,
        start,
    )
    return ClaimedMail(
        id=1,
        kind="digest",
        rfc_message_id=message_id,
        sender=SENDER,
        recipients=("vanthu@tayninh.gov.vn",),
        raw=raw,
        attempts=1,
    )


@pytest.mark.parametrize("password", PASSWORDS)
def test_tls_with_a_trusted_certificate_and_login_delivers(
    password: str,
    tls_server: tuple[str, SmtpSandbox],
    pki: Pki,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    security, server = tls_server
    monkeypatch.setenv("CCHC_SMTP_CAFILE", str(pki.ca_file))
    mail = _mail()
    send_via_smtp(_config(server.port, security), password, mail)
    [received] = server.received
    assert received.rcpt_tos == ["vanthu@tayninh.gov.vn"]
    assert received.message["Message-ID"] == mail.rfc_message_id


def test_an_untrusted_certificate_is_refused_before_anything_is_sent(
    tls_server: tuple[str, SmtpSandbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    security, server = tls_server
    monkeypatch.delenv("CCHC_SMTP_CAFILE", raising=False)
    with pytest.raises(SmtpTemporary, match="CERTIFICATE_VERIFY_FAILED"):
        send_via_smtp(_config(server.port, security), PASSWORDS[0], _mail())
    assert server.received == []


def test_a_wrong_password_is_refused_for_good(
    starttls_server: SmtpSandbox, pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CCHC_SMTP_CAFILE", str(pki.ca_file))
    with pytest.raises(SmtpPermanent, match="535"):
        send_via_smtp(_config(starttls_server.port, "starttls"), "sai mật khẩu", _mail())
    assert starttls_server.received == []


def test_a_server_that_demands_starttls_refuses_plain_mail(
    starttls_server: SmtpSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = replace(_config(starttls_server.port, "none"), username=None)
    with pytest.raises(SmtpPermanent, match="530"):
        send_via_smtp(plain, None, _mail())
    assert starttls_server.received == []
