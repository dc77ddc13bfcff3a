"""`cchc-inbox paper …`: the paper copy handed in at the office.

The rules are app.paper's, shared with the web application;
this module reads the arguments, says what they did and sets the exit code.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import NoReturn

import click

from app import paper as papers
from app.campaigns import UnknownCampaign
from app.paper import Outcome, day_text
from ingest.commands.campaigns import CAMPAIGN, FORMAT
from ingest.commands.context import Context, pass_context, person
from reports.render import as_table, local_iso

DAY = click.DateTime(formats=["%Y-%m-%d"])
PAPER_HEADINGS = (
    "Mã đơn vị",
    "Đơn vị",
    "Ngày nhận",
    "Thời hạn",
    "Số bản",
    "Người nhận",
    "Ghi chú",
)
# Who records, as `review --by` is who decides: kept with the record and in the audit trail.
BY = click.option(
    "--by",
    default=None,
    metavar="TÊN",
    help="Người ghi nhận (mặc định: tên người dùng $USER).",
)


@click.group()
def paper() -> None:
    """Bản giấy hồ sơ đơn vị nộp tại Phòng Nội vụ: ghi nhận, liệt kê, xoá.

    \b
    Ví dụ:
      cchc-inbox paper add xa-an-binh --date 2024-06-20 --copies 2
      cchc-inbox paper list
    """


@paper.command("add")
@click.argument("unit_code")
@CAMPAIGN
@click.option(
    "--date",
    "day",
    type=DAY,
    required=True,
    metavar="YYYY-MM-DD",
    help="Ngày nhận bản giấy (không sau hôm nay).",
)
@click.option(
    "--copies", type=int, default=1, show_default=True, metavar="SỐ", help="Số bản giấy nhận được."
)
@click.option("--received-by", default=None, metavar="TÊN", help="Người nhận bản giấy tại phòng.")
@click.option("--note", default=None, metavar="GHI_CHÚ", help="Ghi chú (ví dụ: thiếu chữ ký).")
@BY
@pass_context
def paper_add(
    context: Context,
    unit_code: str,
    campaign_code: str | None,
    day: datetime,
    copies: int,
    received_by: str | None,
    note: str | None,
    by: str | None,
) -> None:
    """Ghi nhận bản giấy của đơn vị UNIT_CODE (mã như trong units.toml).

    Mỗi đơn vị một bản ghi cho mỗi đợt; muốn sửa thì xoá (`paper remove`) rồi ghi lại.

    \b
    Ví dụ:
      cchc-inbox paper add xa-an-binh --date 2024-06-20
      cchc-inbox paper add tt-chau-thanh --date 2024-07-01 --copies 2 --received-by Lan
    """
    register = context.register()
    outcome = papers.add(
        register,
        unit_code,
        campaign_code=campaign_code,
        received_on=day.date(),
        copies=copies,
        received_by=received_by,
        note=note,
        by=person(by),
    )
    _report(outcome)


@paper.command("remove")
@click.argument("unit_code")
@CAMPAIGN
@BY
@pass_context
def paper_remove(
    context: Context, unit_code: str, campaign_code: str | None, by: str | None
) -> None:
    """Xoá bản ghi bản giấy của đơn vị UNIT_CODE (ghi nhầm, hoặc để ghi lại).

    \b
    Ví dụ:
      cchc-inbox paper remove xa-an-binh --by lan
    """
    register = context.register()
    _report(papers.remove(register, unit_code, campaign_code=campaign_code, by=person(by)))


@paper.command("list")
@CAMPAIGN
@FORMAT
@pass_context
def paper_list(context: Context, campaign_code: str | None, fmt: str) -> None:
    """Các bản giấy đã ghi nhận của một đợt, theo mã đơn vị.

    \b
    Ví dụ:
      cchc-inbox paper list --campaign 2024 --format json
    """
    register = context.register()
    try:
        found = papers.records(register, campaign_code)
    except UnknownCampaign as unknown:
        _refuse(str(unknown))
    campaign = found.campaign
    names = {u.code: u.name for u in register.roster.units}
    if fmt == "json":
        items = [
            {
                "unit": r.unit_code,
                "name": names.get(r.unit_code),
                "received_on": r.received_on.isoformat(),
                "on_time": r.received_on <= campaign.closes,
                "copies": r.copies,
                "received_by": r.received_by,
                "note": r.note,
                "recorded_by": r.recorded_by,
                "recorded_at": local_iso(r.recorded_at, campaign.zone),
            }
            for r in found.records
        ]
        payload = {"campaign": campaign.code, "paper_copies": items}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not found.records:
        click.echo(f"Đợt {campaign.code}: chưa ghi nhận bản giấy nào.")
        return
    cells = [
        [
            r.unit_code,
            names.get(r.unit_code, ""),
            day_text(r.received_on),
            "Đúng hạn" if r.received_on <= campaign.closes else "Trễ hạn",
            str(r.copies),
            r.received_by or "",
            r.note or "",
        ]
        for r in found.records
    ]
    click.echo(f"Đợt {campaign.code}: {len(cells)} bản giấy đã ghi nhận.\n", nl=False)
    click.echo(as_table(PAPER_HEADINGS, cells), nl=False)


def _report(outcome: Outcome) -> None:
    if outcome.recorded:
        click.echo(outcome.text)
        return
    hint = " Xem `cchc-inbox campaign list`." if outcome.refusal == "unknown_campaign" else ""
    click.echo(outcome.text + hint, err=True)
    sys.exit(2)


def _refuse(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(2)
