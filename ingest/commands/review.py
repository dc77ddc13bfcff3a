"""`cchc-inbox review …`: staff settle the messages the classifier could not.

The rules are app.review's, shared with the web application; this module reads
the arguments, says what app.review did and sets the exit code.
"""

from __future__ import annotations

import json
import sys

import click

from app import review as decisions
from app.review import Outcome
from app.root import Register
from ingest.commands.context import Context, pass_context, person
from reports.render import REASON_LABELS, as_table, local_iso, local_text
from store.decisions import Seen, UnknownMessage, list_for_review, seen_now

REVIEW_HEADINGS = (
    "Mã thư",
    "Nhận lúc",
    "Người gửi",
    "Tiêu đề",
    "Lý do",
    "Đơn vị đã biết",
    "Đơn vị có thể là",
)
#: Each column's width in the table; the reasons are read whole, so theirs is widest.
REVIEW_WIDTHS = (7, 16, 36, 36, 120, 20, 40)
#: Exit code when someone else decided on the message in the meantime.
CONFLICT_EXIT = 3
BY = click.option(
    "--by",
    default=None,
    help="Người quyết định (mặc định: tên người dùng $USER).",
)


@click.group()
def review() -> None:
    """Thư cần người xem xét: liệt kê, gán đơn vị, xếp đợt, chấp nhận hoặc bỏ qua.

    \b
    Ví dụ:
      cchc-inbox review list
      cchc-inbox review assign 14 xa-an-binh --remember-address
    """


@review.command("list")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Bảng để đọc, hoặc JSON cho chương trình khác.",
)
@pass_context
def review_list(context: Context, fmt: str) -> None:
    """Mọi thư cần xem xét, thư nhận trước lên trước.

    \b
    Ví dụ:
      cchc-inbox review list --format json
    """
    register = context.register()
    zone = register.config.campaign.zone
    with register.sessions() as session:
        rows = list_for_review(session)
    if fmt == "json":
        items = [
            {
                "id": r.id,
                "received_at": local_iso(r.received_at, zone),
                "from": r.from_address,
                "from_name": r.from_name,
                "sender": r.sender,
                "reply_to": list(r.reply_to),
                "subject": r.subject,
                "unit": r.unit,
                "timing": r.timing,
                "reasons": list(r.reasons),
                "candidates": list(r.candidates),
                "documents": r.documents,
                "campaign": r.campaign,
                "campaign_candidates": list(r.campaign_candidates),
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
            ", ".join(REASON_LABELS.get(x, x) for x in r.reasons),
            r.unit or "",
            ", ".join([*r.candidates, *(f"đợt {c}" for c in r.campaign_candidates)]),
        ]
        for r in rows
    ]
    click.echo(f"{len(rows)} thư cần xem xét:\n", nl=False)
    click.echo(as_table(REVIEW_HEADINGS, cells, widths=REVIEW_WIDTHS), nl=False)


@review.command("assign")
@click.argument("message_id", type=int)
@click.argument("unit_code")
@click.option(
    "--remember-address",
    is_flag=True,
    help="Ghi nhớ cả địa chỉ gửi: thư sau từ địa chỉ này được nhận diện tự động.",
)
@BY
@pass_context
def review_assign(
    context: Context, message_id: int, unit_code: str, remember_address: bool, by: str | None
) -> None:
    """Gán đơn vị đã gửi thư MESSAGE_ID (mã đơn vị như trong units.toml).

    \b
    Ví dụ:
      cchc-inbox review assign 14 xa-an-binh --remember-address --by lan
    """
    register = context.register()
    seen = _seen(register, message_id)
    outcome = decisions.assign(
        register,
        message_id,
        unit_code,
        by=person(by),
        remember_address=remember_address,
        seen=seen,
    )
    _report(outcome)


@review.command("accept")
@click.argument("message_id", type=int)
@BY
@pass_context
def review_accept(context: Context, message_id: int, by: str | None) -> None:
    """Chấp nhận thư MESSAGE_ID là hồ sơ của đơn vị đã gán cho thư.

    \b
    Ví dụ:
      cchc-inbox review accept 7 --by lan
    """
    register = context.register()
    seen = _seen(register, message_id)
    _report(decisions.accept(register, message_id, by=person(by), seen=seen))


@review.command("ignore")
@click.argument("message_id", type=int)
@click.option("--reason", default=None, help="Vì sao thư không tính là hồ sơ.")
@BY
@pass_context
def review_ignore(context: Context, message_id: int, reason: str | None, by: str | None) -> None:
    """Bỏ qua thư MESSAGE_ID: không tính là hồ sơ.

    \b
    Ví dụ:
      cchc-inbox review ignore 9 --reason "thư cá nhân"
    """
    register = context.register()
    seen = _seen(register, message_id)
    _report(decisions.ignore(register, message_id, by=person(by), reason=reason, seen=seen))


@review.command("campaign")
@click.argument("message_id", type=int)
@click.argument("campaign_code")
@BY
@pass_context
def review_campaign(context: Context, message_id: int, campaign_code: str, by: str | None) -> None:
    """Xếp thư MESSAGE_ID vào đợt CAMPAIGN_CODE (khi thư khớp nhiều đợt, hoặc xếp nhầm).

    Thời hạn của thư được tính theo đợt đó.

    \b
    Ví dụ:
      cchc-inbox review campaign 21 bc-quy-2-2024 --by lan
    """
    register = context.register()
    seen = _seen(register, message_id)
    _report(
        decisions.choose_campaign(register, message_id, campaign_code, by=person(by), seen=seen)
    )


def _seen(register: Register, message_id: int) -> Seen | None:
    """What the person saw when they typed the command: the message's latest decision.

    A decision someone else records between now and the write wins over this one.
    """
    with register.sessions() as session:
        try:
            return seen_now(session, message_id)
        except UnknownMessage:
            return None  # app.review says so, in its words


def _report(outcome: Outcome) -> None:
    if outcome.recorded:
        click.echo(outcome.text)
        return
    hints = {
        "unknown_message": " (xem `cchc-inbox review list`)",
        "unknown_campaign": " Xem `cchc-inbox campaign list`.",
    }
    hint = hints.get(outcome.refusal or "", "")
    click.echo(outcome.text + hint, err=True)
    sys.exit(CONFLICT_EXIT if outcome.refusal == "conflict" else 2)
