"""The web application over a scratch register (SQLite and PostgreSQL), driven by
Flask's test client; tests/web/test_browser.py drives it in Chromium."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import accounts
from app.root import Register
from web.factory import create_app

PASSWORDS = {"viewer": "xem-mat-khau-1", "reviewer": "xet-mat-khau-2", "admin": "quan-tri-mk-3"}
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def app_with_accounts(register: Register) -> Flask:
    """Return the web application over ``register``, with one account of each role."""
    for role, password in PASSWORDS.items():
        assert accounts.create(register, role, role, password, by="test").ok
    made = create_app(register)
    made.config["TESTING"] = True
    return made


@pytest.fixture
def app(register: Register) -> Flask:
    return app_with_accounts(register)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """Return the CSRF token of the form on ``path``, as a browser would find it."""
    page = client.get(path).get_data(as_text=True)
    match = _TOKEN.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def log_in(client: FlaskClient, role: str, password: str | None = None) -> None:
    token = csrf_token(client)
    response = client.post(
        "/login",
        data={"name": role, "password": password or PASSWORDS[role], "csrf_token": token},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
