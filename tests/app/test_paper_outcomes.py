"""Recording the paper copy: what it tells the person, what it refuses, what it audits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from app import paper
from app.campaigns import UnknownCampaign, select_campaign
from app.root import Register
from parsers.campaign import PAPER_COPY, SOFT_FILE
from store.accounts import list_events
from store.paper import list_paper_copies
from tests.conftest import Clock
from tests.store.register import store_message

RECEIVED = datetime(2024, 6, 20, 6, 30, tzinfo=UTC)


def requiring_paper(register: Register) -> Register:
    config = register.config
    campaign = replace(config.campaign, requires=(SOFT_FILE, PAPER_COPY))
    return replace(register, config=replace(config, campaigns=(campaign,)))


def kept(register: Register) -> list[tuple[str, date, int]]:
    with register.sessions() as session:
        rows = list_paper_copies(session, "2024")
    return [(r.unit_code, r.received_on, r.copies) for r in rows]


def test_a_paper_copy_with_the_file_already_in_makes_the_unit_du_ho_so(
    register: Register,
) -> None:
    register = requiring_paper(register)
    store_message(register.sessions, 1, RECEIVED, unit="xa-an-co")
    outcome = paper.add(
        register, "xa-an-co", received_on=date(2024, 6, 20), copies=2, received_by="Lan", by="hoa"
    )
    assert outcome.recorded
    assert outcome.lines == (
        "Đã ghi nhận bản giấy của UBND xã An Cơ (xa-an-co), đợt 2024: nhận ngày 20/06/2024, "
        "2 bản, người nhận Lan.",
        "Hồ sơ của UBND xã An Cơ: đủ hồ sơ.",
    )
    assert kept(register) == [("xa-an-co", date(2024, 6, 20), 2)]


def test_a_paper_copy_that_arrives_before_the_email_makes_the_unit_chi_co_ban_giay(
    register: Register,
) -> None:
    register = requiring_paper(register)
    outcome = paper.add(register, "xa-an-co", received_on=date(2024, 6, 18), by="hoa")
    assert outcome.lines[-1] == "Hồ sơ của UBND xã An Cơ: chỉ có bản giấy."


def test_a_late_paper_copy_is_recorded_and_said_to_be_late(
    register: Register, clock: Clock
) -> None:
    register = requiring_paper(register)
    clock.now = datetime(2024, 7, 2, 3, 0, tzinfo=UTC)
    store_message(register.sessions, 1, RECEIVED, unit="xa-an-co")
    outcome = paper.add(register, "xa-an-co", received_on=date(2024, 7, 1), by="hoa")
    assert outcome.recorded
    assert outcome.lines[1:] == (
        "Bản giấy nộp trễ hạn (hạn chót 25/06/2024).",
        "Hồ sơ của UBND xã An Cơ: đủ hồ sơ.",
    )


@pytest.mark.parametrize(
    ("unit", "options", "refusal", "words"),
    [
        ("xa-khong-co", {}, "unknown_unit", "Không có đơn vị mã 'xa-khong-co'"),
        ("xa-an-co", {"campaign_code": "2023"}, "unknown_campaign", "Không có đợt mã '2023'"),
        ("xa-an-co", {"copies": 0}, "bad_copies", "Số bản giấy phải từ 1 trở lên"),
        (
            "xa-an-co",
            {"received_on": date(2024, 6, 22)},
            "future_date",
            "Ngày nhận 22/06/2024 là ngày trong tương lai",
        ),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_recorded(
    register: Register, unit: str, options: dict[str, object], refusal: str, words: str
) -> None:
    arguments: dict[str, object] = {"received_on": date(2024, 6, 20), **options}
    outcome = paper.add(register, unit, by="hoa", **arguments)  # type: ignore[arg-type]
    assert (outcome.recorded, outcome.refusal) == (False, refusal)
    assert words in outcome.text
    assert kept(register) == []


def test_a_second_paper_copy_is_refused_saying_to_remove_the_first(register: Register) -> None:
    paper.add(register, "xa-an-co", received_on=date(2024, 6, 20), by="hoa")
    again = paper.add(register, "xa-an-co", received_on=date(2024, 6, 21), copies=3, by="lan")
    assert (again.recorded, again.refusal) == (False, "exists")
    assert "cchc-inbox paper remove xa-an-co" in again.text and "20/06/2024" in again.text
    assert kept(register) == [("xa-an-co", date(2024, 6, 20), 1)]


def test_removing_a_paper_copy_says_where_the_unit_now_stands(register: Register) -> None:
    register = requiring_paper(register)
    store_message(register.sessions, 1, RECEIVED, unit="xa-an-co")
    paper.add(register, "xa-an-co", received_on=date(2024, 6, 20), by="hoa")
    outcome = paper.remove(register, "xa-an-co", by="hoa")
    assert outcome.lines == (
        "Đã xoá bản giấy của UBND xã An Cơ (xa-an-co), đợt 2024 (nhận ngày 20/06/2024).",
        "Hồ sơ của UBND xã An Cơ: thiếu bản giấy.",
    )
    again = paper.remove(register, "xa-an-co", by="hoa")
    assert (again.recorded, again.refusal) == (False, "not_recorded")
    assert kept(register) == []


def test_every_add_remove_and_refusal_is_in_the_audit_trail(register: Register) -> None:
    paper.add(register, "xa-an-co", received_on=date(2024, 6, 20), by="hoa", address="10.0.0.5")
    paper.add(register, "xa-khong-co", received_on=date(2024, 6, 20), by="lan")
    paper.remove(register, "xa-an-co", by="minh")
    with register.sessions() as session:
        events, total = list_events(session, limit=10)
    assert total == 3
    assert [(e.actor, e.action, e.target, e.detail, e.address, e.ok) for e in events] == [
        (
            "minh",
            "paper_remove",
            "paper:2024/xa-an-co",
            "đã xoá: ngày nhận 2024-06-20, 1 bản",
            None,
            True,
        ),
        (
            "lan",
            "paper_add",
            "paper:-/xa-khong-co",
            "unknown_unit: ngày nhận 2024-06-20, 1 bản",
            None,
            False,
        ),
        (
            "hoa",
            "paper_add",
            "paper:2024/xa-an-co",
            "ngày nhận 2024-06-20, 1 bản",
            "10.0.0.5",
            True,
        ),
    ]
    assert {e.at for e in events} == {datetime(2024, 6, 21, 2, 0, tzinfo=UTC)}


def test_a_campaign_is_chosen_by_its_code_else_the_one_open_today_else_the_latest(
    register: Register,
) -> None:
    config = register.config
    older = replace(config.campaign, code="2023", opens=date(2023, 5, 1), closes=date(2023, 6, 1))
    several = replace(config, campaigns=(older, config.campaign))
    assert select_campaign(several, "2023", date(2024, 6, 1)) is older
    assert select_campaign(several, None, date(2023, 5, 20)) is older
    assert select_campaign(several, None, date(2024, 6, 1)).code == "2024"
    assert select_campaign(several, None, date(2025, 1, 1)).code == "2024"
    with pytest.raises(UnknownCampaign, match="các đợt đã cấu hình: 2023, 2024"):
        select_campaign(several, "2022", date(2024, 6, 1))
