"""Who may see and do what: checked on the server for every route, whatever the browser sends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import accounts
from app.root import Register
from tests.conftest import Clock
from tests.store.register import store_message
from tests.web.conftest import PASSWORDS, csrf_token, log_in

RECEIVED = datetime(2024, 6, 20, 6, 30, tzinfo=UTC)
PAGES = ["/", "/messages", "/messages/1", "/review", "/units/xa-an-co", "/exports"]
ADMIN_PAGES = ["/admin/audit", "/admin/users"]


def waiting_message(register: Register) -> int:
    return store_message(
        register.sessions, 1, RECEIVED, unit=None, status="needs_review", reasons=("unknown_unit",)
    )


@pytest.mark.parametrize("path", [*PAGES, *ADMIN_PAGES, "/exports/compliance.xlsx"])
def test_an_anonymous_request_is_sent_to_the_login_page(
    client: FlaskClient, register: Register, path: str
) -> None:
    waiting_message(register)
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_an_anonymous_decision_is_refused(client: FlaskClient, register: Register) -> None:
    message_id = waiting_message(register)
    token = csrf_token(client)
    response = client.post(f"/review/{message_id}/ignore", data={"csrf_token": token, "seen": ""})
    assert response.status_code == 401
    with register.sessions() as session:
        from store.models import Message

        assert session.get_one(Message, message_id).status == "needs_review"


def test_every_page_opens_for_a_viewer(client: FlaskClient, register: Register) -> None:
    waiting_message(register)
    log_in(client, "viewer")
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "text/html" in response.content_type


def test_a_viewer_cannot_decide(client: FlaskClient, register: Register) -> None:
    message_id = waiting_message(register)
    log_in(client, "viewer")
    token = csrf_token(client, "/review")
    response = client.post(
        f"/review/{message_id}/assign", data={"csrf_token": token, "unit": "xa-an-co", "seen": ""}
    )
    assert response.status_code == 403
    assert "Không có quyền" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_a_reviewer_gets_403_on_an_admin_page(client: FlaskClient, path: str) -> None:
    log_in(client, "reviewer")
    response = client.get(path)
    assert response.status_code == 403
    assert "Không có quyền" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_an_admin_reaches_the_admin_pages(client: FlaskClient, path: str) -> None:
    log_in(client, "admin")
    assert client.get(path).status_code == 200


def test_a_post_without_a_csrf_token_is_refused(client: FlaskClient, register: Register) -> None:
    message_id = waiting_message(register)
    log_in(client, "reviewer")
    response = client.post(f"/review/{message_id}/ignore", data={"seen": ""})
    assert response.status_code == 400
    assert "biểu mẫu đã hết hạn" in response.get_data(as_text=True)
    with register.sessions() as session:
        from store.models import Message

        assert session.get_one(Message, message_id).status == "needs_review"


def test_a_login_is_held_back_after_repeated_failures_even_with_the_right_password(
    client: FlaskClient, register: Register, clock: Clock
) -> None:
    for _ in range(register.config.web.max_failed_logins):
        token = csrf_token(client)
        bad = client.post(
            "/login", data={"name": "reviewer", "password": "sai", "csrf_token": token}
        )
        assert bad.status_code == 401
    token = csrf_token(client)
    held = client.post(
        "/login", data={"name": "reviewer", "password": PASSWORDS["reviewer"], "csrf_token": token}
    )
    assert held.status_code == 429
    assert "tạm khóa" in held.get_data(as_text=True)
    clock.advance(register.config.web.lockout + timedelta(seconds=1))
    log_in(client, "reviewer")  # the window has passed


def test_a_session_ends_after_the_idle_timeout(
    client: FlaskClient, register: Register, clock: Clock
) -> None:
    log_in(client, "viewer")
    assert client.get("/").status_code == 200
    clock.advance(register.config.web.idle_timeout - timedelta(minutes=1))
    assert client.get("/").status_code == 200  # in use: the timeout starts again
    clock.advance(register.config.web.idle_timeout + timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_new_password_ends_the_sessions_made_with_the_old_one(
    client: FlaskClient, register: Register
) -> None:
    log_in(client, "reviewer")
    assert client.get("/").status_code == 200
    assert accounts.change_password(register, "reviewer", "mat-khau-moi-99", by="test").ok
    assert client.get("/").status_code == 302


def test_a_disabled_account_can_neither_stay_nor_sign_in(
    client: FlaskClient, register: Register
) -> None:
    log_in(client, "reviewer")
    assert accounts.set_disabled(register, "reviewer", True, by="test").ok
    assert client.get("/").status_code == 302
    token = csrf_token(client)
    response = client.post(
        "/login", data={"name": "reviewer", "password": PASSWORDS["reviewer"], "csrf_token": token}
    )
    assert response.status_code == 401
    assert "đã bị khóa" in response.get_data(as_text=True)


def test_after_login_only_a_path_on_this_site_is_followed(client: FlaskClient) -> None:
    for target, expected in [
        ("/review", "/review"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
    ]:
        token = csrf_token(client)
        response = client.post(
            f"/login?next={target}",
            data={"name": "viewer", "password": PASSWORDS["viewer"], "csrf_token": token},
        )
        assert response.headers["Location"] == expected
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def test_every_login_and_logout_is_in_the_audit_trail(
    client: FlaskClient, app: Flask, register: Register
) -> None:
    token = csrf_token(client)
    client.post("/login", data={"name": "viewer", "password": "sai", "csrf_token": token})
    log_in(client, "viewer")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in(client, "admin")
    page = client.get("/admin/audit").get_data(as_text=True)
    for label in ("Đăng nhập sai", "Đăng nhập", "Đăng xuất", "Tạo tài khoản"):
        assert label in page


def test_a_viewer_cannot_post_even_to_a_page_viewers_may_read(
    app: Flask, client: FlaskClient
) -> None:
    from web.auth import requires

    app.add_url_rule(
        "/readable", "readable", requires("viewer")(lambda: "ok"), methods=["GET", "POST"]
    )
    log_in(client, "viewer")
    assert client.get("/readable").status_code == 200
    token = csrf_token(client, "/")
    assert client.post("/readable", data={"csrf_token": token}).status_code == 403
    client.post("/logout", data={"csrf_token": token})
    log_in(client, "reviewer")
    assert client.post("/readable", data={"csrf_token": csrf_token(client, "/")}).status_code == 200


def test_over_tls_the_session_cookie_is_secure_and_a_form_from_this_site_is_taken(
    client: FlaskClient,
) -> None:
    https = "https://cchc.example.vn"
    page = client.get("/login", base_url=https).get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/login",
        base_url=https,
        data={"name": "viewer", "password": PASSWORDS["viewer"], "csrf_token": token},
        headers={"Referer": f"{https}/login"},
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    # The policy that lets the browser send that Referer to this site only.
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_over_plain_http_the_session_cookie_is_not_marked_secure(client: FlaskClient) -> None:
    token = csrf_token(client)
    response = client.post(
        "/login", data={"name": "viewer", "password": PASSWORDS["viewer"], "csrf_token": token}
    )
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]


@pytest.mark.parametrize("behind_proxy", [True, False])
def test_forwarded_headers_are_believed_only_behind_a_proxy(
    register: Register, behind_proxy: bool
) -> None:
    from dataclasses import replace

    from web.factory import create_app

    config = replace(register.config, web=replace(register.config.web, behind_proxy=behind_proxy))
    app = create_app(replace(register, config=config))
    client = app.test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    response = client.get("/login", headers=forwarded)
    assert ("Secure" in response.headers["Set-Cookie"]) is behind_proxy
    assert ("Strict-Transport-Security" in response.headers) is behind_proxy


def test_a_council_member_gets_403_on_the_staffs_pages(
    client: FlaskClient, register: Register
) -> None:
    assert accounts.create(register, "tam", "council", "hoi-dong-mk-4", by="test").ok
    log_in(client, "tam", "hoi-dong-mk-4")
    response = client.get("/review")
    assert response.status_code == 403
