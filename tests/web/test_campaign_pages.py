"""Several campaigns on the web: each page shows one (``?campaign=``, else today's), and a
reviewer puts a message that fits two into one."""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from flask.testing import FlaskClient

from app.root import Register
from store.models import Message
from tests.store.register import store_message
from tests.web.conftest import app_with_accounts, csrf_token, log_in

RECEIVED = datetime(2024, 6, 22, 2, 0, tzinfo=UTC)


@pytest.fixture
def several(register: Register) -> Register:
    """The 2024 campaign and a later round of its own that overlaps its last days."""
    first = register.config.campaign
    later = replace(
        first, code="bs", name="Đợt nhận bổ sung", opens=date(2024, 6, 20), closes=date(2024, 7, 10)
    )
    return replace(register, config=replace(register.config, campaigns=(first, later)))


@pytest.fixture
def client(several: Register) -> FlaskClient:
    return app_with_accounts(several).test_client()


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return html.unescape(response.get_data(as_text=True))


def test_each_page_shows_the_campaign_asked_for_and_counts_its_own_mail(
    client: FlaskClient, several: Register
) -> None:
    store_message(several.sessions, 1, RECEIVED, unit="xa-an-co", campaign="bs")
    log_in(client, "viewer")
    first = page(client, "/?campaign=2024")
    later = page(client, "/?campaign=bs")
    assert "hạn chót hết ngày 25/06/2024" in first
    assert "hạn chót hết ngày 10/07/2024" in later
    assert 'option value="bs" selected' in later  # the picker says which
    assert '<span class="number">0</span><span class="label">Đã nộp đúng hạn' in first
    assert '<span class="number">1</span><span class="label">Đã nộp đúng hạn' in later
    assert "/units/xa-an-co?campaign=bs" in later  # links keep the campaign
    unit = page(client, "/units/xa-an-co?campaign=bs")
    assert "Đã nộp đúng hạn" in unit
    # The clock says 21/06/2024: both are open, the one that opened last is today's.
    assert "hạn chót hết ngày 10/07/2024" in page(client, "/")
    assert client.get("/?campaign=2023").status_code == 404


def test_a_reviewer_puts_a_message_that_fits_two_campaigns_into_one(
    client: FlaskClient, several: Register
) -> None:
    waiting = store_message(
        several.sessions,
        1,
        RECEIVED,
        unit="xa-an-co",
        timing=None,
        status="needs_review",
        reasons=("ambiguous_campaign",),
    )
    with several.sessions.begin() as session:
        message = session.get_one(Message, waiting)
        message.campaign_candidates = ["2024", "bs"]
        message.campaign_timings = {"2024": "on_time", "bs": "on_time"}
    log_in(client, "reviewer")
    queue = page(client, "/review")
    assert (
        "Khớp nhiều đợt: Sáng kiến, giải pháp CCHC năm 2024 (2024), Đợt nhận bổ sung (bs)" in queue
    )
    token = csrf_token(client, "/review")
    response = client.post(
        f"/review/{waiting}/campaign", data={"campaign": "2024", "seen": "", "csrf_token": token}
    )
    assert response.status_code == 302
    assert "đã xếp vào đợt Sáng kiến, giải pháp CCHC năm 2024 (2024)" in page(client, "/review")
    assert '<span class="number">1</span><span class="label">Đã nộp đúng hạn' in page(
        client, "/?campaign=2024"
    )
    shown = page(client, f"/messages/{waiting}")
    assert "Sáng kiến, giải pháp CCHC năm 2024 (2024)" in shown
    assert "Xếp vào đợt: Sáng kiến, giải pháp CCHC năm 2024 (2024)" in shown


def test_the_message_list_shows_one_campaign_s_mail_when_asked(
    client: FlaskClient, several: Register
) -> None:
    store_message(
        several.sessions, 1, RECEIVED, unit="xa-an-co", subject="Thư đợt bổ sung", campaign="bs"
    )
    store_message(
        several.sessions, 2, RECEIVED, unit="xa-an-co", subject="Thư đợt 2024", campaign="2024"
    )
    log_in(client, "viewer")
    every = page(client, "/messages")
    assert "Thư đợt bổ sung" in every and "Thư đợt 2024" in every
    only = page(client, "/messages?campaign=bs")
    assert "Thư đợt bổ sung" in only and "Thư đợt 2024" not in only
    assert 'option value="bs" selected' in only
    assert client.get("/messages?campaign=2023").status_code == 404
