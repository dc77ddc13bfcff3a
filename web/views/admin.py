"""`/admin`: the audit trail and the accounts (admins only)."""

from __future__ import annotations

import math

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from app.accounts import accounts
from store.accounts import list_events
from web.auth import requires
from web.context import register

bp = Blueprint("admin", __name__)
PER_PAGE = 100


@bp.route("/admin/audit")
@requires("admin")
def audit() -> ResponseReturnValue:
    page = max(1, request.args.get("page", 1, type=int) or 1)
    with register().sessions() as session:
        events, total = list_events(session, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return render_template(
        "audit.html",
        events=events,
        page=page,
        pages=max(1, math.ceil(total / PER_PAGE)),
        total=total,
    )


@bp.route("/admin/users")
@requires("admin")
def users() -> ResponseReturnValue:
    return render_template("users.html", users=accounts(register()))
