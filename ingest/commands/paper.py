"""`cchc-inbox paper …` and `cchc-inbox campaign …`: the paper copy handed in at the office.

The rules are app.paper's and app.campaigns', shared with the web application;
this module reads the arguments, says what they did and sets the exit code.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any, NoReturn

import click

from app import paper as papers
from app.campaigns import UnknownCampaign, select_campaign, summarise
from app.config import load_roster
from app.paper import Outcome, day_text
from app.root import utc_now
from ingest.commands.context import Context, pass_context
from ingest.commands.review import _who
from parsers.campaign import Campaign
from parsers.roster import Roster
from reports.render import FORM_LABELS, as_table, local_iso

DAY = click.DateTime(formats=["%Y-%m-%d"])
CAMPAIGN = click.option(
    "--campaign",
    "campaign_code",
    default=None,
    metavar="MÃ",
    help="Mã đợt (mặc định: đợt đang mở hôm nay, nếu không thì đợt mở gần nhất).",
)
FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Bảng để đọc, hoặc JSON cho chương trình khác.",
)
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
        by=_who(by),
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
    _report(papers.remove(register, unit_code, campaign_code=campaign_code, by=_who(by)))


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


# ------------------------------------------------------------------ campaign

CAMPAIGN_HEADINGS = ("Mã đợt", "Tên đợt", "Bắt đầu", "Hạn chót", "Múi giờ", "Tối thiểu", "Yêu cầu")


@click.group()
def campaign() -> None:
    """Các đợt đã cấu hình: thời hạn, múi giờ, hình thức hồ sơ phải nộp.

    \b
    Ví dụ:
      cchc-inbox campaign list
      cchc-inbox campaign show 2024
    """


@campaign.command("list")
@FORMAT
@pass_context
def campaign_list(context: Context, fmt: str) -> None:
    """Mọi đợt trong cấu hình.

    \b
    Ví dụ:
      cchc-inbox campaign list --format json
    """
    config = context.config
    if fmt == "json":
        roster = _roster(context)
        items = [_campaign_dict(c, summarise(c, roster).required_units) for c in config.campaigns]
        click.echo(json.dumps({"campaigns": items}, ensure_ascii=False, indent=2))
        return
    cells = [_campaign_cells(c) for c in config.campaigns]
    click.echo(as_table(CAMPAIGN_HEADINGS, cells), nl=False)


@campaign.command("show")
@click.argument("code")
@FORMAT
@pass_context
def campaign_show(context: Context, code: str, fmt: str) -> None:
    """Chi tiết đợt mã CODE, và số đơn vị bắt buộc phải nộp.

    \b
    Ví dụ:
      cchc-inbox campaign show 2024
    """
    config = context.config
    try:
        found = select_campaign(config, code, utc_now().astimezone(config.campaign.zone).date())
    except UnknownCampaign as unknown:
        _refuse(f"{unknown} Xem `cchc-inbox campaign list`.")
    required = summarise(found, _roster(context)).required_units
    if fmt == "json":
        click.echo(json.dumps(_campaign_dict(found, required), ensure_ascii=False, indent=2))
        return
    lines = [
        ("Mã đợt", found.code),
        ("Tên đợt", found.name),
        ("Bắt đầu", day_text(found.opens)),
        ("Hạn chót (hết ngày)", day_text(found.closes)),
        ("Múi giờ", found.timezone),
        ("Số sáng kiến tối thiểu mỗi đơn vị", str(found.min_per_unit)),
        ("Hồ sơ phải nộp", _forms(found)),
        ("Số đơn vị bắt buộc", str(required)),
    ]
    click.echo(as_table(("Mục", "Giá trị"), [list(line) for line in lines]), nl=False)


def _roster(context: Context) -> Roster:
    """Read the roster alone: describing a campaign needs no database."""
    return load_roster(context.config.units_file, context.config.addresses_file)


def _forms(found: Campaign) -> str:
    return ", ".join(FORM_LABELS.get(f, f) for f in found.requires)


def _campaign_cells(found: Campaign) -> list[str]:
    return [
        found.code,
        found.name,
        day_text(found.opens),
        day_text(found.closes),
        found.timezone,
        str(found.min_per_unit),
        _forms(found),
    ]


def _campaign_dict(found: Campaign, required_units: int) -> dict[str, Any]:
    return {
        "code": found.code,
        "name": found.name,
        "opens": found.opens.isoformat(),
        "closes": found.closes.isoformat(),
        "timezone": found.timezone,
        "min_per_unit": found.min_per_unit,
        "requires": list(found.requires),
        "required_units": required_units,
    }
