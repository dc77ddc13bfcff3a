"""A TCP relay in front of a real server that a test can take down and bring back.

Stopped, it closes its listening socket and every relayed connection, so a
client sees exactly what it sees when the server is down: connection refused.
Started again, it listens on the same port.

With ``drip_seconds`` set it misbehaves as a hostile or broken server does: it
passes the server's answers on one byte at a time, that many seconds apart, so
the client never waits long for a byte but never gets a whole answer either.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable


class TcpRelay:
    def __init__(self, host: str, port: int, *, drip_seconds: float | None = None) -> None:
        self.target = (host, port)
        #: Seconds between the bytes passed from the server (None: at full speed).
        self.drip_seconds = drip_seconds
        #: Bytes passed on from the server to clients so far.
        self.delivered = 0
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.start()

    def start(self) -> None:
        listener = socket.create_server(("127.0.0.1", self.port))
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        """Refuse new connections and cut the open ones."""
        if self._listener is not None:
            _close(self._listener)
            self._listener = None
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _close(sock)

    def __enter__(self) -> TcpRelay:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
                server.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._sockets += [client, server]
            threading.Thread(target=_pipe, args=(client, server), daemon=True).start()
            threading.Thread(
                target=self._answers, args=(server, client, self.drip_seconds), daemon=True
            ).start()

    def _answers(self, server: socket.socket, client: socket.socket, drip: float | None) -> None:
        """Pass the server's answers on, at full speed or a byte at a time."""

        def count(size: int) -> None:
            with self._lock:
                self.delivered += size

        _pipe(server, client, drip, count)


def _pipe(
    source: socket.socket,
    sink: socket.socket,
    drip: float | None = None,
    count: Callable[[int], None] | None = None,
) -> None:
    while True:
        try:
            data = source.recv(65536)
            if not data:
                break
            if drip is None:
                sink.sendall(data)
            else:
                for byte in data:
                    time.sleep(drip)
                    sink.sendall(bytes([byte]))
                    if count is not None:
                        count(1)
                continue
            if count is not None:
                count(len(data))
        except OSError:
            break
    _close(source)
    _close(sink)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
