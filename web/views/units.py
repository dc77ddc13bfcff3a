"""`/units/<code>`: what a unit sent, its standing, its addresses, the mail sent to it."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue

from app.queries import unit_page
from web.auth import requires
from web.context import register

bp = Blueprint("units", __name__)


@bp.route("/units/<code>")
@requires("viewer")
def show(code: str) -> ResponseReturnValue:
    page = unit_page(register(), code)
    if page is None:
        abort(404)
    return render_template("unit.html", page=page)
