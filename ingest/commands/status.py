"""`cchc-inbox status`: health of the mailboxes and the register (also a health check)."""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import click

from app.config import parse_duration
from ingest.commands.context import Context, pass_context
from ingest.explain import explain_mail_error
from reports.health import FolderHealth, assess_folders, default_stale_after, register_problems
from reports.moments import local_iso, local_text
from store.glance import (
    DigestRow,
    Glance,
    describe_database_error,
    glance_at,
    postgres_conninfo,
    postgres_revisions,
    postgres_rows,
    sqlite_path,
    sqlite_revisions,
    sqlite_rows,
)
from store.schema import missing_database, require_revisions

QUEUE_WORDS = {
    "pending": "chưa phân tích",
    "failed": "lỗi phân tích",
    "needs_review": "cần xem xét",
    "accepted": "đã nhận",
    "ignored": "bỏ qua",
}
OUTBOX_WORDS = {
    "pending": "chờ gửi",
    "sending": "đang gửi",
    "sent": "đã gửi",
    "failed": "gửi thất bại",
    "uncertain": "không rõ đã gửi chưa",
}


def _duration(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    help="Dạng kết quả: bảng chữ (table) hoặc JSON.",
)
@click.option(
    "--max-age",
    callback=_duration,
    default=None,
    metavar="THỜI_GIAN",
    help="Có vấn đề khi lần đọc được gần nhất cũ hơn khoảng này (30s, 5m, 1h); "
    "mặc định [schedule] stale_after, nếu không thì 3 lần poll_every (ít nhất 15m).",
)
@pass_context
def status(context: Context, fmt: str, max_age: timedelta | None) -> None:
    """Tình trạng hộp thư, hàng chờ, hộp thư đi, bản tin; thoát 1 khi có vấn đề.

    \b
    Ví dụ:
      cchc-inbox status
      cchc-inbox status --format json --max-age 30m
    """
    config = context.config
    schedule = config.schedule
    age = max_age or schedule.stale_after or default_stale_after(schedule.poll_every)
    now = datetime.now(UTC)
    try:
        seen = _glance(context)
    except _Unreadable as error:  # a health check must say so, not print a traceback
        click.echo(f"Không kết nối được cơ sở dữ liệu: {error}", err=True)
        sys.exit(1)
    queues, outbox, digest, undecided = seen.queues, seen.outbox, seen.digest, seen.undecided
    folders = assess_folders(
        [(m.name, m.folder) for m in config.mailboxes], seen.mailboxes, now, age
    )
    problems = register_problems(undecided)
    healthy = all(f.healthy for f in folders) and not problems
    zone = config.campaign.zone
    if fmt == "json":
        data = _as_json(folders, queues, outbox, digest, now, zone, age, healthy)
        data["problems"] = problems
        click.echo(json.dumps({**data, "config": str(config.path)}, ensure_ascii=False, indent=2))
    else:
        origin = f" ({context.config_origin})" if context.config_origin else ""
        click.echo(f"Cấu hình: {config.path}{origin}")
        click.echo(_as_text(folders, queues, outbox, digest, zone, age, undecided))
    if not healthy:
        sys.exit(1)


class _Unreadable(Exception):
    """The register could not be read (the driver's words)."""


def _glance(context: Context) -> Glance:
    """Read what `status` shows; a SQLite register through the standard library alone,
    a PostgreSQL one through psycopg alone.

    SQLAlchemy's import is most of the time of a health check that monitoring
    starts every minute; neither database needs it here (store/glance.py).
    """
    url = context.config.database_url
    conninfo = postgres_conninfo(url)
    if conninfo is not None:
        return _glance_on_postgres(conninfo)
    path = sqlite_path(url)
    if path is None:
        return _glance_through_engine(context)
    if not path.exists():
        raise missing_database(path)
    try:
        with sqlite_rows(path) as rows:
            require_revisions(sqlite_revisions(rows))
            return glance_at(rows)
    except sqlite3.Error as error:
        raise _Unreadable(describe_database_error(error)) from error


def _glance_on_postgres(conninfo: str) -> Glance:
    import psycopg

    try:
        with postgres_rows(conninfo) as rows:
            require_revisions(postgres_revisions(rows))
            return glance_at(rows)
    except psycopg.Error as error:
        raise _Unreadable(describe_database_error(error)) from error


def _glance_through_engine(context: Context) -> Glance:
    from store.db import make_session_factory
    from store.health import DatabaseUnavailable, session_rows

    try:
        with make_session_factory(context.engine())() as session:
            return glance_at(session_rows(session))
    except DatabaseUnavailable as error:
        raise _Unreadable(describe_database_error(error)) from error


def _as_json(
    folders: list[FolderHealth],
    queues: dict[str, int],
    outbox: dict[str, int],
    digest: DigestRow | None,
    now: datetime,
    zone: ZoneInfo,
    max_age: timedelta,
    healthy: bool,
) -> dict[str, Any]:
    """Return the JSON health report; times are ISO 8601 with the campaign zone's offset."""

    def _iso(moment: datetime | None) -> str | None:
        return local_iso(moment, zone)

    return {
        "healthy": healthy,
        "checked_at": _iso(now),
        "max_age_seconds": int(max_age.total_seconds()),
        "mailboxes": [
            {
                "mailbox": f.mailbox,
                "folder": f.folder,
                "healthy": f.healthy,
                "problem": f.problem,
                "last_success_at": _iso(f.row.last_success_at if f.row else None),
                "last_attempt_at": _iso(f.row.last_attempt_at if f.row else None),
                "last_error": f.row.last_error if f.row else None,
                "uidvalidity": f.row.uidvalidity if f.row else None,
                "last_uid": f.row.last_uid if f.row else 0,
                "messages": f.row.messages if f.row else 0,
            }
            for f in folders
        ],
        "queues": queues,
        "outbox": {k: outbox.get(k, 0) for k in OUTBOX_WORDS},
        "last_digest": None
        if digest is None
        else {
            "for_date": digest.for_date.isoformat(),
            "queued_at": _iso(digest.queued_at),
            "status": digest.status,
            "sent_at": _iso(digest.sent_at),
        },
    }


def _as_text(
    folders: list[FolderHealth],
    queues: dict[str, int],
    outbox: dict[str, int],
    digest: DigestRow | None,
    zone: ZoneInfo,
    max_age: timedelta,
    undecided: int,
) -> str:
    lines = []
    for f in folders:
        row = f.row
        if row is None:
            lines.append(f"Hộp thư {f.mailbox}/{f.folder}: chưa lần nào đọc được")
            continue
        success = local_text(row.last_success_at, zone) or "chưa có"
        lines.append(
            f"Hộp thư {f.mailbox}/{f.folder}: {row.messages} thư, "
            f"UIDVALIDITY {row.uidvalidity}, UID cuối {row.last_uid}, "
            f"đọc thành công lần cuối {success}"
        )
        if row.last_error:
            attempt = local_text(row.last_attempt_at, zone)
            lines.append(f"  Lỗi lần cuối ({attempt}): {explain_mail_error(row.last_error)}")
    total = sum(queues[k] for k in ("pending", "needs_review", "accepted", "ignored"))
    summary = ", ".join(f"{queues[k]} {w}" for k, w in QUEUE_WORDS.items() if queues.get(k))
    lines.append(f"Tổng cộng {total} thư: {summary or 'chưa có thư'}.")
    waiting = ", ".join(f"{outbox[k]} {w}" for k, w in OUTBOX_WORDS.items() if outbox.get(k))
    lines.append(f"Hộp thư đi: {waiting or 'trống'}.")
    if digest is None:
        lines.append("Bản tin hằng ngày: chưa gửi lần nào.")
    else:
        sent = local_text(digest.sent_at, zone)
        state = f"đã gửi lúc {sent}" if sent else OUTBOX_WORDS.get(digest.status or "", "chưa gửi")
        lines.append(f"Bản tin hằng ngày gần nhất: ngày {digest.for_date:%d/%m/%Y}, {state}.")
    span = age_text(max_age)
    stale = ", ".join(f.mailbox for f in folders if not f.healthy)
    if stale:
        lines.append(f"Tình trạng: CÓ VẤN ĐỀ — không đọc được hộp thư {stale} trong {span} qua.")
    if undecided:
        lines.append(
            f"Tình trạng: CÓ VẤN ĐỀ — {undecided} thư phân tích lỗi chưa ai xử lý: chạy "
            "`cchc-inbox reprocess --failed`, hoặc xem `cchc-inbox review list`."
        )
    if not stale and not undecided:
        lines.append(f"Tình trạng: BÌNH THƯỜNG (mọi hộp thư đã đọc được trong {span} qua).")
    return "\n".join(lines)


#: Units of `age_text`, largest first: (seconds, Vietnamese word).
_AGE_UNITS = ((86400, "ngày"), (3600, "giờ"), (60, "phút"), (1, "giây"))


def age_text(age: timedelta) -> str:
    """Say ``age`` in the largest unit it is a whole number of: 1s, 90s, 30m, 2h, 1d."""
    seconds = int(age.total_seconds())
    for size, word in _AGE_UNITS:
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {word}"
    return f"{seconds} giây"
