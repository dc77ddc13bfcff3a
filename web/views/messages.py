"""`/messages` Thư đến and `/messages/<id>`: the register's mail, and its files for download."""

from __future__ import annotations

import math
from datetime import date

from flask import Blueprint, abort, render_template, request, send_file
from flask.typing import ResponseReturnValue

from app import accounts
from app.queries import day_bounds, message, messages
from reports.export import safe_name
from reports.timing import explain_timing
from store.browse import MessageFilter, StoredFile, attachment_file, raw_message_file
from web.auth import requires
from web.context import client_address, register, who

bp = Blueprint("messages", __name__)
PER_PAGE = 50
STATUSES = ("accepted", "needs_review", "ignored", "failed", "pending")
TIMINGS = ("early", "on_time", "late")
#: Content types a download may carry; anything else goes out as bytes.
SAFE_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "zip": "application/zip",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}


@bp.route("/messages")
@requires("viewer")
def index() -> ResponseReturnValue:
    args = request.args
    first, last = _day(args.get("from")), _day(args.get("to"))
    bounds = day_bounds(register(), first, last)
    unit = args.get("unit") or None
    if unit is not None and register().roster.by_code(unit) is None:
        unit = None
    campaign = args.get("campaign") or None
    if campaign is not None and register().config.find_campaign(campaign) is None:
        campaign = None
    which = MessageFilter(
        unit=unit,
        campaign=campaign,
        status=args.get("status") if args.get("status") in STATUSES else None,
        timing=args.get("timing") if args.get("timing") in TIMINGS else None,
        since=bounds.since,
        until=bounds.until,
        text=(args.get("q") or "").strip()[:200] or None,
    )
    page = max(1, args.get("page", 1, type=int) or 1)
    found = messages(register(), which, page=page, per_page=PER_PAGE)
    pages = max(1, math.ceil(found.total / PER_PAGE))
    return render_template(
        "messages.html",
        found=found,
        page=min(page, pages),
        pages=pages,
        which=which,
        first=first,
        last=last,
        units=register().roster.units,
        statuses=STATUSES,
        timings=TIMINGS,
        query={k: v for k, v in args.items() if k != "page" and v},
    )


@bp.route("/messages/<int:message_id>")
@requires("viewer")
def show(message_id: int) -> ResponseReturnValue:
    found = message(register(), message_id)
    if found is None:
        abort(404)
    campaign = register().config.campaign_of(found.campaign)
    return render_template(
        "message.html",
        m=found,
        timing_text=explain_timing(found.received_at, campaign),
        message_campaign=campaign if found.campaign else None,
    )


@bp.route("/messages/<int:message_id>/raw")
@requires("viewer")
def raw(message_id: int) -> ResponseReturnValue:
    with register().sessions() as session:
        stored = raw_message_file(session, message_id)
    return _send(stored, f"message:{message_id}")


@bp.route("/attachments/<int:attachment_id>")
@requires("viewer")
def attachment(attachment_id: int) -> ResponseReturnValue:
    with register().sessions() as session:
        stored = attachment_file(session, attachment_id)
    return _send(stored, f"attachment:{attachment_id}")


def _send(stored: StoredFile | None, target: str) -> ResponseReturnValue:
    """Hand a stored file over as a download: never shown in the page, never sniffed."""
    if stored is None:
        abort(404)
    path = register().blobs.path_of(stored.sha256)
    if not path.is_file():
        abort(404)
    name = safe_name(stored.filename, fallback="tep")
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    accounts.record(register(), who(), "download", target=target, address=client_address())
    response = send_file(
        path,
        mimetype=SAFE_TYPES.get(extension, "application/octet-stream"),
        as_attachment=True,
        download_name=name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _day(text: str | None) -> date | None:
    """Read a day from a form: 2024-06-25 (the date picker) or 25/06/2024 (typed)."""
    if not text:
        return None
    text = text.strip()
    for parse in (date.fromisoformat, _dmy):
        try:
            return parse(text)
        except ValueError:
            continue
    return None


def _dmy(text: str) -> date:
    day, month, year = (int(part) for part in text.split("/"))
    return date(year, month, day)
