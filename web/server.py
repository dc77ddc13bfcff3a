"""Serve the web application with waitress, a production WSGI server; stop on SIGTERM."""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from types import FrameType

from flask import Flask
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

log = logging.getLogger("web")


def serve(app: Flask, bind: str, *, threads: int, ready: Callable[[str], None]) -> None:
    """Serve ``app`` on ``bind`` ("HOST:PORT") until SIGTERM or Ctrl-C.

    ``ready`` is told the address once the socket listens (the port may be 0: any).
    """
    server = create_server(app, listen=bind, threads=threads, ident="cchc-inbox")

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    if isinstance(server, MultiSocketServer):
        host, port = server.effective_listen[0][:2]
    else:
        assert isinstance(server, BaseWSGIServer) and server.socket is not None
        host, port = server.socket.getsockname()[:2]
    ready(f"http://[{host}]:{port}" if ":" in str(host) else f"http://{host}:{port}")
    server.run()
    log.info("web server stopped")
