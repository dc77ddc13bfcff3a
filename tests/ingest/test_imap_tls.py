"""IMAP over TLS against the real Dovecot, through a TLS relay signed by a throwaway CA.

The client trusts that CA only through ``CCHC_IMAP_CAFILE``. The verifying context
is made once per process (loading the system's certificates was most of a poll
with nothing new), and a plain connection makes none.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import MailboxConfig
from ingest import imap
from scripts.dovecot_sandbox import DovecotSandbox
from tests.pki import Pki, make_pki


@pytest.fixture(scope="module")
def dovecot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DovecotSandbox]:
    with DovecotSandbox(tmp_path_factory.mktemp("dovecot")) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def _pump(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            target.sendall(data)
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)


@pytest.fixture
def tls_port(dovecot: DovecotSandbox, pki: Pki) -> Iterator[int]:
    """A port that speaks TLS (the PKI's server certificate) and relays to Dovecot."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                raw, _ = listener.accept()
            except OSError:
                return
            try:
                client = pki.server_context.wrap_socket(raw, server_side=True)
            except (OSError, ssl.SSLError):
                raw.close()
                continue
            upstream = socket.create_connection((dovecot.host, dovecot.port))
            threading.Thread(target=_pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=_pump, args=(upstream, client), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)


def _mailbox(dovecot: DovecotSandbox, port: int, security: str) -> MailboxConfig:
    return MailboxConfig(
        name="phongnv",
        host="127.0.0.1",
        port=port,
        security=security,
        username=dovecot.user,
        password_env=None,
        password_file=None,
        folder="INBOX",
        trusted_authserv_id=None,
        batch_size=10,
        timeout=10.0,
    )


@pytest.fixture
def contexts_made(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ssl.SSLContext]]:
    """The TLS contexts ssl made from here on, with the process's memo of them emptied."""
    made: list[ssl.SSLContext] = []
    real = ssl.create_default_context

    def counted(*args: object, **kwargs: object) -> ssl.SSLContext:
        context = real(*args, **kwargs)  # type: ignore[arg-type]
        made.append(context)
        return context

    monkeypatch.setattr(ssl, "create_default_context", counted)
    imap.tls_context.cache_clear()
    yield made
    imap.tls_context.cache_clear()


def test_two_tls_connections_log_in_through_one_verifying_context(
    dovecot: DovecotSandbox,
    tls_port: int,
    pki: Pki,
    contexts_made: list[ssl.SSLContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CCHC_IMAP_CAFILE", str(pki.ca_file))
    for _ in range(2):
        client = imap.connect(_mailbox(dovecot, tls_port, "ssl"), dovecot.password)
        try:
            assert client.folder_status("INBOX", [b"MESSAGES"])[b"MESSAGES"] >= 0
        finally:
            client.logout()
    [context] = contexts_made
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_a_server_the_ca_file_does_not_vouch_for_is_refused(
    dovecot: DovecotSandbox,
    tls_port: int,
    contexts_made: list[ssl.SSLContext],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    other = make_pki(tmp_path)
    monkeypatch.setenv("CCHC_IMAP_CAFILE", str(other.ca_file))
    with pytest.raises(ssl.SSLCertVerificationError):
        imap.connect(_mailbox(dovecot, tls_port, "ssl"), dovecot.password)
    # The other PKI's own server context aside: one client context, made for this connect.
    assert len([c for c in contexts_made if c.check_hostname]) == 1


def test_a_plain_connection_makes_no_tls_context(
    dovecot: DovecotSandbox, contexts_made: list[ssl.SSLContext]
) -> None:
    for _ in range(2):
        client = imap.connect(_mailbox(dovecot, dovecot.port, "none"), dovecot.password)
        client.logout()
    assert contexts_made == []
