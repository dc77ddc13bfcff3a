"""Helpers for the ingest tests: generated mail, bulk APPEND, and a TCP relay to Dovecot.

The relay is a plain byte pipe between the poller and the real Dovecot: it sees
the commands the client really sends, and it can cut a connection after a given
number of bytes from the server, as a dropped network connection would.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

from scripts.dovecot_sandbox import DovecotSandbox

VN = timezone(timedelta(hours=7))
BASE_TIME = datetime(2024, 5, 20, 8, 0, tzinfo=VN)


def generated_message(index: int, tag: str = "gen") -> bytes:
    """Return a small, unique message (its Message-ID names ``tag`` and ``index``)."""
    message = EmailMessage()
    message["From"] = f"Cán bộ {index} <canbo{index}@example.vn>"
    message["To"] = "phongnv-cth@tayninh.gov.vn"
    message["Subject"] = f"Thư thử số {index}"
    message["Message-ID"] = f"<{tag}-{index}@test.cchc>"
    message["Date"] = "Mon, 20 May 2024 08:00:00 +0700"
    message.set_content(f"Nội dung thư số {index}.\n")
    return message.as_bytes()


def append_many(
    dovecot: DovecotSandbox, folder: str, messages: Sequence[bytes], start: datetime = BASE_TIME
) -> None:
    """APPEND ``messages`` in chunks over one connection (MULTIAPPEND), a minute apart."""
    client = dovecot.client()
    try:
        if not client.folder_exists(folder):
            client.create_folder(folder)
        for offset in range(0, len(messages), 200):
            chunk = messages[offset : offset + 200]
            client.multiappend(
                folder,
                [
                    {"msg": raw, "date": start + timedelta(minutes=offset + i)}
                    for i, raw in enumerate(chunk)
                ],
            )
    finally:
        client.logout()


def point_config_at(config: Path, dovecot: DovecotSandbox, port: int) -> None:
    """Make the register's config talk to ``port`` instead of Dovecot's own."""
    text = config.read_text(encoding="utf-8")
    old = f"port = {dovecot.port}\n"
    assert old in text
    config.write_text(text.replace(old, f"port = {port}\n"), encoding="utf-8")


def set_config_value(config: Path, line: str, new_line: str) -> None:
    text = config.read_text(encoding="utf-8")
    assert line in text, line
    config.write_text(text.replace(line, new_line), encoding="utf-8")


@dataclass
class Connection:
    commands: list[str] = field(default_factory=list)
    from_server: int = 0


class ImapRelay:
    """Relay 127.0.0.1:<port> to Dovecot, recording each connection's commands."""

    def __init__(self, target: DovecotSandbox) -> None:
        self.target = (target.host, target.port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.connections: list[Connection] = []
        #: connection index -> bytes from the server after which the relay cuts it.
        self.cut_after: dict[int, int] = {}
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.listener.close()
        with self._lock:
            for sock in self._sockets:
                _shut(sock)

    def __enter__(self) -> ImapRelay:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self._lock:
                index = len(self.connections)
                connection = Connection()
                self.connections.append(connection)
                self._sockets += [client, server]
            limit = self.cut_after.get(index)
            threading.Thread(
                target=self._upstream, args=(client, server, connection), daemon=True
            ).start()
            threading.Thread(
                target=self._downstream, args=(server, client, connection, limit), daemon=True
            ).start()

    def _upstream(self, client: socket.socket, server: socket.socket, conn: Connection) -> None:
        pending = b""
        while data := _recv(client):
            pending += data
            *lines, pending = pending.split(b"\r\n")
            for line in lines:
                words = line.split()
                if len(words) >= 2:
                    name = words[1].upper()
                    if name == b"UID" and len(words) >= 3:
                        name += b" " + words[2].upper()
                    conn.commands.append(name.decode("ascii", "replace"))
            if not _send(server, data):
                break
        _shut(server)
        _shut(client)

    def _downstream(
        self, server: socket.socket, client: socket.socket, conn: Connection, limit: int | None
    ) -> None:
        while data := _recv(server):
            if limit is not None and conn.from_server + len(data) > limit:
                _send(client, data[: max(0, limit - conn.from_server)])
                break
            conn.from_server += len(data)
            if not _send(client, data):
                break
        _shut(client)
        _shut(server)


def _recv(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except OSError:
        return b""


def _send(sock: socket.socket, data: bytes) -> bool:
    try:
        sock.sendall(data)
        return True
    except OSError:
        return False


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
