"""`cchc-inbox campaign …`, and the `--campaign` option every command that reads one shares.

Which campaign a command means is app.campaigns' rule, shared with the web
application; this module reads the arguments and says what they found.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any, NoReturn

import click

from app.campaigns import UnknownCampaign, select_campaign, summarise
from app.config import Config, load_roster
from app.paper import day_text
from app.root import utc_now
from ingest.commands.context import Context, pass_context
from parsers.campaign import Campaign
from parsers.roster import Roster
from reports.render import FORM_LABELS, as_table

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


def chosen_campaign(config: Config, code: str | None, today: date) -> Campaign:
    """Return the campaign a command means (``--campaign``, else by ``today``); an unknown
    code is one Vietnamese line and exit 2, before anything is read or written."""
    try:
        return select_campaign(config, code, today)
    except UnknownCampaign as unknown:
        _refuse(f"{unknown} Xem `cchc-inbox campaign list`.")


def _refuse(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(2)


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
    found = chosen_campaign(config, code, utc_now().astimezone(config.campaign.zone).date())
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
        ("Từ khóa nhận biết thư của đợt", ", ".join(found.keywords) or "(không có: theo thời hạn)"),
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
        "keywords": list(found.keywords),
        "required_units": required_units,
    }
