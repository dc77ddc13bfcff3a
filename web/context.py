"""What every view reaches for: the register, the clock, the signed-in person."""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

from app.root import Register

EXTENSION = "cchc_register"


def register() -> Register:
    """Return the register this application serves (set by ``create_app``)."""
    found = current_app.extensions[EXTENSION]
    assert isinstance(found, Register)
    return found


def who() -> str:
    """Return the name of the signed-in person (what decisions and the audit record)."""
    return str(current_user.name) if current_user.is_authenticated else "-"


def client_address() -> str | None:
    return request.remote_addr
