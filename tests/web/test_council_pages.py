"""`/council`: a council member sees what is assigned to them, scores it, and submits it."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from app import accounts, council
from app.root import Register
from store.accounts import list_events
from tests.store.register import store_message
from tests.web.conftest import csrf_token, log_in

PASSWORD = "hoi-dong-mk-4"


def assigned(register: Register) -> int:
    """One initiative of xa-an-co, assigned to tam and lan (neither of that unit)."""
    store_message(
        register.sessions,
        1,
        datetime(2024, 6, 20, 2, tzinfo=UTC),
        "xa-an-co",
        files=(("sk.docx", "Số hóa <b>hồ sơ</b> một cửa"),),
    )
    for name in ("tam", "lan"):
        assert accounts.create(register, name, "council", PASSWORD, by="test").ok
    done = council.assign(register, register.config.campaign, by="test")
    assert len(done.added) == 2
    return done.added[0].record_id


def page(client: FlaskClient, path: str) -> str:
    return html.unescape(client.get(path).get_data(as_text=True))


def test_a_member_signs_in_to_their_assigned_initiatives_with_the_rubrics_bands(
    app: Flask, client: FlaskClient, register: Register
) -> None:
    record = assigned(register)
    log_in(client, "tam", PASSWORD)
    listing = client.get("/council").get_data(as_text=True)
    assert "Số hóa &lt;b&gt;hồ sơ&lt;/b&gt; một cửa" in listing  # mail-derived text escaped
    assert "Chưa chấm" in listing and "Chấm sáng kiến" in listing
    sheet = page(client, f"/council/{record}")
    assert "Tính mới, tính sáng tạo (tối đa 30 điểm)" in sheet
    assert "Hoàn toàn mới: 27–30 điểm" in sheet
    assert client.get("/").status_code == 403  # not the staff's pages


def test_a_member_saves_then_submits_and_the_sheet_is_locked_and_audited(
    client: FlaskClient, register: Register
) -> None:
    record = assigned(register)
    log_in(client, "tam", PASSWORD)
    path = f"/council/{record}"
    saved = client.post(
        path, data={"csrf_token": csrf_token(client, path), "moi": "27", "action": "save"}
    )
    assert saved.status_code == 302
    form = {"moi": "27", "ap-dung": "20", "hieu-qua": "30", "action": "submit"}
    submitted = client.post(path, data={"csrf_token": csrf_token(client, path), **form})
    assert submitted.status_code == 302
    after = page(client, path)
    assert "Đã nộp phiếu; phiếu đã khóa." in after and "Tổng cộng: 77/100" in after
    late = client.post(path, data={"csrf_token": csrf_token(client, path), **form})
    assert late.status_code == 400
    assert "đã nộp và bị khóa" in html.unescape(late.get_data(as_text=True))
    [result] = council.results(register, register.config.campaign)
    assert [(s.member, dict(s.scores), s.locked) for s in result.sheets if s.member == "tam"] == [
        ("tam", {"moi": 27, "ap-dung": 20, "hieu-qua": 30}, True)
    ]
    with register.sessions.begin() as session:
        events, _ = list_events(session, limit=20)
    assert [(e.actor, e.action) for e in events][:2] == [
        ("tam", "council_submit"),
        ("tam", "council_score"),
    ]


def test_a_score_above_the_maximum_is_shown_on_the_form_and_nothing_is_kept(
    client: FlaskClient, register: Register
) -> None:
    record = assigned(register)
    log_in(client, "tam", PASSWORD)
    path = f"/council/{record}"
    refused = client.post(
        path, data={"csrf_token": csrf_token(client, path), "moi": "31", "action": "save"}
    )
    assert refused.status_code == 400
    assert "ngoài khoảng 0–30" in html.unescape(refused.get_data(as_text=True))
    [result] = council.results(register, register.config.campaign)
    assert all(not s.scores for s in result.sheets)


def test_an_initiative_not_assigned_to_the_member_is_not_found(
    client: FlaskClient, register: Register
) -> None:
    record = assigned(register)
    assert accounts.create(register, "minh", "council", PASSWORD, by="test").ok
    log_in(client, "minh", PASSWORD)
    assert client.get(f"/council/{record}").status_code == 404
    assert client.get("/council/99999").status_code == 404


def test_a_member_signing_in_lands_on_their_sheets_and_may_sign_out(
    client: FlaskClient, register: Register
) -> None:
    assigned(register)
    response = client.post(
        "/login",
        data={"name": "tam", "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/council")
    out = client.post("/logout", data={"csrf_token": csrf_token(client, "/council")})
    assert out.status_code == 302 and client.get("/council").status_code == 302
