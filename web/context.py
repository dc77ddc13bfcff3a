"""What every view reaches for: the register, the clock, the signed-in person."""

from __future__ import annotations

from flask import Response, abort, current_app, g, request
from flask_login import current_user

from app import accounts
from app.campaigns import UnknownCampaign, select_campaign
from app.exports import ReportFile
from app.queries import campaign_today
from app.root import Register
from parsers.campaign import Campaign

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


def page_campaign() -> Campaign:
    """Return the campaign a page shows: ``?campaign=CODE``, else the one open today
    (else the one that opens last); an unknown code is 404."""
    chosen = g.get("campaign")
    if chosen is None:
        code = request.args.get("campaign") or None
        today = campaign_today(register(), register().clock())
        try:
            chosen = select_campaign(register().config, code, today)
        except UnknownCampaign:
            # The error page shows today's campaign in its header.
            g.campaign = select_campaign(register().config, None, today)
            abort(404)
        g.campaign = chosen
    assert isinstance(chosen, Campaign)
    return chosen


def exported(made: ReportFile) -> Response:
    """Send a report made as a file as a download, and record who took it."""
    accounts.record(register(), who(), "export", target=made.filename, address=client_address())
    return Response(
        made.data,
        mimetype=made.media_type,
        headers={"Content-Disposition": f'attachment; filename="{made.filename}"'},
    )
