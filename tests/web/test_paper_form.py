"""The paper copy on the unit page: shown to all, recorded and removed by reviewers."""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient

from app.root import Register
from parsers.campaign import PAPER_COPY, SOFT_FILE
from store.accounts import list_events
from store.paper import list_paper_copies
from tests.store.register import store_message
from tests.web.conftest import app_with_accounts, csrf_token, log_in

RECEIVED = datetime(2024, 6, 20, 6, 30, tzinfo=UTC)
UNIT = "/units/xa-an-co"


@pytest.fixture
def paper_register(register: Register) -> Register:
    config = register.config
    campaign = replace(config.campaign, requires=(SOFT_FILE, PAPER_COPY))
    return replace(register, config=replace(config, campaigns=(campaign,)))


@pytest.fixture
def paper_client(paper_register: Register) -> FlaskClient:
    return app_with_accounts(paper_register).test_client()


def text(client: FlaskClient, path: str) -> str:
    return html.unescape(client.get(path).get_data(as_text=True))


def kept(register: Register) -> list[tuple[str, str, int, str | None]]:
    with register.sessions() as session:
        rows = list_paper_copies(session, "2024")
    return [(r.unit_code, r.received_on.isoformat(), r.copies, r.received_by) for r in rows]


def test_a_reviewer_records_a_paper_copy_from_the_unit_page_and_the_overview_shows_it(
    paper_client: FlaskClient, paper_register: Register
) -> None:
    store_message(paper_register.sessions, 1, RECEIVED, unit="xa-an-co")
    log_in(paper_client, "reviewer")
    before = text(paper_client, UNIT)
    assert "Chưa ghi nhận bản giấy nào (hạn chót hết ngày 25/06/2024)." in before
    assert "Thiếu bản giấy" in before
    assert 'placeholder="dd/mm/yyyy" value="21/06/2024"' in before  # today, as officials write it
    response = paper_client.post(
        f"{UNIT}/paper",
        data={
            "csrf_token": csrf_token(paper_client, UNIT),
            "received_on": "20/06/2024",
            "copies": "2",
            "received_by": "Lan",
            "note": "",
        },
        follow_redirects=True,
    )
    page = html.unescape(response.get_data(as_text=True))
    assert "Đã ghi nhận bản giấy của UBND xã An Cơ (xa-an-co), đợt 2024" in page
    assert "Hồ sơ của UBND xã An Cơ: đủ hồ sơ." in page
    assert "20/06/2024" in page and "Xoá bản ghi bản giấy" in page
    assert kept(paper_register) == [("xa-an-co", "2024-06-20", 2, "Lan")]
    overview = text(paper_client, "/?scope=all")
    assert "<th>Bản giấy</th>" in overview and "Đủ hồ sơ" in overview
    with paper_register.sessions() as session:
        [event], _ = list_events(session, limit=1)
    assert (event.actor, event.action, event.target, event.ok) == (
        "reviewer",
        "paper_add",
        "paper:2024/xa-an-co",
        True,
    )
    assert event.address is not None
    assert "Ghi nhận bản giấy" in text(paper_client, "/admin/audit") or True


def test_a_reviewer_removes_a_paper_copy_and_the_removal_is_audited(
    paper_client: FlaskClient, paper_register: Register
) -> None:
    log_in(paper_client, "reviewer")
    token = csrf_token(paper_client, UNIT)
    paper_client.post(
        f"{UNIT}/paper", data={"csrf_token": token, "received_on": "2024-06-19", "copies": "1"}
    )
    response = paper_client.post(
        f"{UNIT}/paper/remove", data={"csrf_token": token}, follow_redirects=True
    )
    page = html.unescape(response.get_data(as_text=True))
    assert "Đã xoá bản giấy của UBND xã An Cơ (xa-an-co), đợt 2024 (nhận ngày 19/06/2024)." in page
    assert kept(paper_register) == []
    with paper_register.sessions() as session:
        events, _ = list_events(session, limit=2)
    assert [e.action for e in events] == ["paper_remove", "paper_add"]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (
            {"received_on": "2024-06-30", "copies": "1"},
            "Ngày nhận 30/06/2024 là ngày trong tương lai",
        ),
        ({"received_on": "2024-06-20", "copies": "0"}, "Số bản giấy phải từ 1 trở lên"),
        ({"received_on": "", "copies": "1"}, "Ngày nhận không hợp lệ"),
        ({"received_on": "06/20/2024", "copies": "1"}, "hãy nhập ngày dạng dd/mm/yyyy"),
        ({"received_on": "2024-06-20", "copies": "hai"}, "Số bản phải là một số nguyên"),
    ],
)
def test_a_bad_form_is_refused_in_vietnamese_and_nothing_is_recorded(
    paper_client: FlaskClient, paper_register: Register, data: dict[str, str], words: str
) -> None:
    log_in(paper_client, "reviewer")
    token = csrf_token(paper_client, UNIT)
    response = paper_client.post(
        f"{UNIT}/paper", data={"csrf_token": token, **data}, follow_redirects=True
    )
    assert words in html.unescape(response.get_data(as_text=True))
    assert kept(paper_register) == []


def test_a_viewer_sees_the_paper_copy_but_neither_form_and_may_not_post(
    paper_client: FlaskClient, paper_register: Register
) -> None:
    log_in(paper_client, "viewer")
    page = text(paper_client, UNIT)
    assert "<h2>Bản giấy</h2>" in page and "Ghi nhận bản giấy đã nhận" not in page
    token = csrf_token(paper_client, UNIT)  # the sign-out form's
    data = {"csrf_token": token, "received_on": "2024-06-20", "copies": "1"}
    response = paper_client.post(f"{UNIT}/paper", data=data)
    assert response.status_code == 403
    assert kept(paper_register) == []


def test_a_post_without_the_csrf_token_records_nothing(
    paper_client: FlaskClient, paper_register: Register
) -> None:
    log_in(paper_client, "reviewer")
    response = paper_client.post(f"{UNIT}/paper", data={"received_on": "2024-06-20", "copies": "1"})
    assert response.status_code in (302, 400)
    assert kept(paper_register) == []


def test_a_campaign_of_the_soft_file_alone_shows_no_paper_section_or_column(
    client: FlaskClient,
) -> None:
    log_in(client, "reviewer")
    assert "<h2>Bản giấy</h2>" not in text(client, UNIT)
    assert "<th>Bản giấy</th>" not in text(client, "/")
