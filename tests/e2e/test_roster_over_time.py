"""A roster that changes between two campaigns, through Dovecot and the real CLI: the past
campaign keeps the unit as it was, the later one asks for its successor, and mail from the
merged unit's address counts for the successor."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Register
from tests.e2e.test_campaigns import deliver, rows

pytestmark = pytest.mark.dovecot

ICT = timezone(timedelta(hours=7))
ROOT = Path(__file__).parents[2]
CAMPAIGNS = """[[campaigns]]
name = "Sáng kiến, giải pháp CCHC năm 2024"
opens = 2024-05-15
closes = 2024-06-25
timezone = "Asia/Ho_Chi_Minh"

[[campaigns]]
name = "Sáng kiến, giải pháp CCHC năm 2025 (sau sáp nhập)"
opens = 2025-08-01
closes = 2025-09-30
timezone = "Asia/Ho_Chi_Minh"
"""
# From 1/7/2025 xã Thái Bình is merged into a new commune: the roster says so as data.
MERGED = """code = "xa-thai-binh"
name = "UBND xã Thái Bình"
kind = "commune"
required = true
until = 2025-06-30
successor = "xa-thai-binh-moi"
"""
SUCCESSOR = """
[[unit]]
code = "xa-thai-binh-moi"
name = "UBND xã Thái Bình (sau sáp nhập)"
kind = "commune"
required = true
from = 2025-07-01
"""


@pytest.fixture
def merged(register: Register, tmp_path: Path) -> Register:
    units = (ROOT / "units.toml").read_text(encoding="utf-8")
    old = 'code = "xa-thai-binh"\nname = "UBND xã Thái Bình"\nkind = "commune"\nrequired = true\n'
    assert units.count(old) == 1
    roster = tmp_path / "units.toml"
    roster.write_text(units.replace(old, MERGED) + SUCCESSOR, encoding="utf-8")
    text = register.config.read_text(encoding="utf-8")
    text = text.replace(f'file = "{ROOT / "units.toml"}"', f'file = "{roster}"')
    head, rest = text.split("[campaign]\n", 1)
    register.config.write_text(head + CAMPAIGNS + rest[rest.index("[schedule]") :], "utf-8")
    return register


def units(register: Register, campaign: str) -> dict[str, dict[str, Any]]:
    found = register.json("report", "compliance", "--campaign", campaign)["units"]
    assert isinstance(found, list)
    return {u["code"]: u for u in found}


def test_each_campaign_keeps_the_roster_in_force_when_it_closed(merged: Register) -> None:
    deliver(merged, "Gửi sáng kiến CCHC năm 2024", datetime(2024, 6, 1, 9, tzinfo=ICT), "old")
    deliver(merged, "Gửi sáng kiến CCHC năm 2025", datetime(2025, 8, 12, 9, tzinfo=ICT), "new")
    merged.run("poll")

    by_id = {r["message_id"]: r for r in rows(merged, "--campaign", "2024")}
    assert by_id["<old@tayninh.gov.vn>"]["unit"] == "xa-thai-binh"
    later = {r["message_id"]: r for r in rows(merged, "--campaign", "2025")}
    # The old commune's address, after it merged: counted for its successor, and said so.
    moved = later["<new@tayninh.gov.vn>"]
    assert (moved["unit"], moved["status"]) == ("xa-thai-binh-moi", "accepted")
    assert "successor_unit" in moved["reasons"]

    past, now = units(merged, "2024"), units(merged, "2025")
    assert past["xa-thai-binh"]["status"] == "on_time"
    assert "xa-thai-binh-moi" not in past
    assert now["xa-thai-binh-moi"]["status"] == "on_time"
    assert "xa-thai-binh" not in now
    shown = merged.run("campaign", "show", "2025").stdout
    assert "27" in shown  # as many required units as before: one left, one came


def test_a_successor_the_roster_does_not_have_is_one_line_naming_the_file_and_key(
    merged: Register, tmp_path: Path
) -> None:
    roster = tmp_path / "units.toml"
    roster.write_text(roster.read_text(encoding="utf-8").replace(SUCCESSOR, ""), "utf-8")
    result = merged.run("report", "compliance", check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f'Lỗi cấu hình: {roster}: [[unit]] "xa-thai-binh".successor: '
        "đơn vị 'xa-thai-binh-moi' không có trong danh sách đơn vị"
    )
