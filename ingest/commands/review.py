"""`cchc-inbox review …`: staff settle the messages the classifier could not."""

from __future__ import annotations

import getpass
import json
import os
import sys
from typing import NoReturn

import click

from app.config import load_roster
from app.root import utc_now
from ingest.commands.context import Context, pass_context
from parsers.classify import Action, Decision
from reports.render import as_table, local_iso, local_text
from reports.senders import sender_keys
from store.db import make_session_factory
from store.decisions import UnknownMessage, current_verdict, list_for_review, record_decision
from store.read import sender_headers

REVIEW_HEADINGS = ("Mã thư", "Nhận lúc", "Người gửi", "Tiêu đề", "Lý do", "Đơn vị có thể là")
REASON_WORDS = {
    "unknown_unit": "chưa rõ đơn vị",
    "ambiguous_unit": "nhiều đơn vị",
    "ambiguous_sender": "nhiều người gửi",
    "new_sender_address": "địa chỉ mới của đơn vị",
    "reply_to_differs": "địa chỉ trả lời khác người gửi",
    "foreign_area": "đơn vị cùng tên ở địa bàn khác",
    "no_document": "không có tệp",
    "auth_failed": "nghi giả mạo",
    "unreadable_attachment": "tệp không đọc được",
    "parse_failed": "thư lỗi",
    "late": "trễ hạn",
    "early": "gửi sớm",
}
BY = click.option(
    "--by",
    default=None,
    help="Who decides (default: $USER).",
)


@click.group()
def review() -> None:
    """Messages waiting for a person: list them, assign a unit, accept or ignore."""


@review.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@pass_context
def review_list(context: Context, fmt: str) -> None:
    """Every message that needs review, oldest first."""
    zone = context.config.campaign.zone
    with make_session_factory(context.engine())() as session:
        rows = list_for_review(session)
        headers = sender_headers(session, [r.id for r in rows])
    if fmt == "json":
        items = [
            {
                "id": r.id,
                "received_at": local_iso(r.received_at, zone),
                "from": r.from_address,
                "from_name": r.from_name,
                **sender_keys(*headers.get(r.id, (None, ()))),
                "subject": r.subject,
                "unit": r.unit,
                "timing": r.timing,
                "reasons": list(r.reasons),
                "candidates": list(r.candidates),
                "documents": r.documents,
            }
            for r in rows
        ]
        click.echo(json.dumps({"messages": items}, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("Không có thư nào cần xem xét.")
        return
    cells = [
        [
            str(r.id),
            local_text(r.received_at, zone),
            r.from_address or r.from_name or "",
            r.subject or "",
            ", ".join(REASON_WORDS.get(x, x) for x in r.reasons),
            ", ".join(r.candidates),
        ]
        for r in rows
    ]
    click.echo(f"{len(rows)} thư cần xem xét:\n", nl=False)
    click.echo(as_table(REVIEW_HEADINGS, cells, width=48), nl=False)


@review.command("assign")
@click.argument("message_id", type=int)
@click.argument("unit_code")
@click.option(
    "--remember-address",
    is_flag=True,
    help="Also learn the sender address: its next mail is identified by address.",
)
@BY
@pass_context
def review_assign(
    context: Context, message_id: int, unit_code: str, remember_address: bool, by: str | None
) -> None:
    """Assign the unit that sent message MESSAGE_ID."""
    config = context.config
    roster = load_roster(config.units_file, config.addresses_file)
    unit = roster.by_code(unit_code)
    if unit is None:
        click.echo(f"Không có đơn vị mã {unit_code!r} trong danh sách đơn vị.", err=True)
        sys.exit(2)
    decision = Decision(Action.ASSIGN, unit.code)
    row = _decide(context, message_id, decision, by, remember_address=remember_address)
    click.echo(f"Thư {message_id}: đã gán cho {unit.name} ({unit.code}).")
    if row:
        click.echo(f"Đã ghi nhớ địa chỉ {row}: thư sau từ địa chỉ này được nhận diện tự động.")


@review.command("accept")
@click.argument("message_id", type=int)
@BY
@pass_context
def review_accept(context: Context, message_id: int, by: str | None) -> None:
    """Accept message MESSAGE_ID as a submission of its unit."""
    with make_session_factory(context.engine())() as session:
        try:
            verdict = current_verdict(session, message_id)
        except UnknownMessage:
            _no_such_message(message_id)
    if verdict.unit is None:
        click.echo(
            f"Thư {message_id} chưa có đơn vị: hãy gán đơn vị trước "
            f"(cchc-inbox review assign {message_id} MÃ_ĐƠN_VỊ).",
            err=True,
        )
        sys.exit(2)
    _decide(context, message_id, Decision(Action.ACCEPT), by)
    click.echo(f"Thư {message_id}: đã chấp nhận là hồ sơ của đơn vị {verdict.unit}.")


@review.command("ignore")
@click.argument("message_id", type=int)
@click.option("--reason", default=None, help="Why the message does not count.")
@BY
@pass_context
def review_ignore(context: Context, message_id: int, reason: str | None, by: str | None) -> None:
    """Mark message MESSAGE_ID as not a submission."""
    _decide(context, message_id, Decision(Action.IGNORE), by, reason=reason)
    click.echo(f"Thư {message_id}: đã bỏ qua, không tính là hồ sơ.")


def _decide(
    context: Context,
    message_id: int,
    decision: Decision,
    by: str | None,
    *,
    reason: str | None = None,
    remember_address: bool = False,
) -> str | None:
    """Record ``decision`` in one transaction; return the address learned, if any."""
    who = by or os.environ.get("USER") or getpass.getuser()
    with make_session_factory(context.engine()).begin() as session:
        try:
            row = record_decision(
                session,
                message_id,
                decision,
                by=who,
                now=utc_now(),
                reason=reason,
                remember_address=remember_address,
            )
        except UnknownMessage:
            _no_such_message(message_id)
        return row.remembered_address


def _no_such_message(message_id: int) -> NoReturn:
    click.echo(f"Không có thư mã {message_id} (xem `cchc-inbox review list`).", err=True)
    sys.exit(2)
