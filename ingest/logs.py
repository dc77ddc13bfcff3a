"""Logging for a service: one line per event on stderr, as text or JSON (journald-friendly)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (and the traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class OneLineFormatter(logging.Formatter):
    """The text format, with a traceback folded onto the same line (one line per event)."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\n", " | ")


class DropMessages(logging.Filter):
    """Drop the records logged with one of ``templates`` (said elsewhere already)."""

    def __init__(self, templates: set[str]) -> None:
        super().__init__()
        self.templates = frozenset(templates)

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg not in self.templates


def setup_logging(*, verbose: bool, fmt: str, trace_imap: bool = False) -> None:
    """Log to stderr; ``verbose`` adds debug details, ``trace_imap`` the IMAP protocol.

    The protocol trace holds whole messages (every FETCH answer), so plain -v
    never shows it: only an explicit --trace-imap does.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else OneLineFormatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    imap = logging.getLogger("imapclient")
    imap.setLevel(logging.DEBUG if trace_imap else logging.INFO)
    if not verbose:
        # Alembic reports every migration context at INFO; only `db upgrade` wants that.
        logging.getLogger("alembic").setLevel(logging.WARNING)
        # APScheduler logs every job run at INFO; the worker logs what matters itself.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        # libarchive-c says at import which optional features its C library lacks.
        logging.getLogger("libarchive").setLevel(logging.WARNING)
