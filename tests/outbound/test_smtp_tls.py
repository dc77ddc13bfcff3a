"""SMTP over TLS (implicit and STARTTLS) with login, against a real aiosmtpd server.

The certificates come from a throwaway certificate authority made for each test
module; the client trusts it only through ``CCHC_SMTP_CAFILE``, as an
administrator with a private CA would configure it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from app.config import SmtpConfig
from outbound.mailing import OutgoingMail, build_message, new_message_id, parse_address
from outbound.smtp import SmtpPermanent, SmtpTemporary, send_via_smtp
from store.outbox import ClaimedMail
from tests.smtp_sandbox import SmtpSandbox, free_port

SENDER = "Phòng Nội vụ huyện Châu Thành <phongnv-cth@tayninh.gov.vn>"
# aiosmtpd does not count implicit TLS as encryption (see _start) and warns about it.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

USER = "phongnv-cth"
PASSWORDS = ("s3cret-ascii", "mật-khẩu-thử")  # smtplib alone cannot send the second


@dataclass(frozen=True)
class Pki:
    ca_file: Path
    server_context: ssl.SSLContext


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _make_pki(folder: Path) -> Pki:
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("cchc-inbox test CA")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file = folder / "ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file = folder / "server.pem"
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file = folder / "server.key"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return Pki(ca_file, context)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return _make_pki(tmp_path_factory.mktemp("pki"))


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
