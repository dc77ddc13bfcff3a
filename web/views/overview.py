"""`/` Tổng quan: the deadline, the counts, every unit's standing, mailboxes and outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from app.queries import overview
from parsers.text import search_form
from reports.compliance import UnitCompliance
from web.auth import requires
from web.context import page_campaign, register

bp = Blueprint("overview", __name__)

STATUS_ORDER = {"missing": 0, "late": 1, "on_time": 2}
SORTS = {
    "roster": None,
    "name": lambda s: search_form(s.unit.name),
    "status": lambda s: (STATUS_ORDER[s.status.value], search_form(s.unit.name)),
    "initiatives": lambda s: (s.initiatives, search_form(s.unit.name)),
    "first": lambda s: (
        s.first_received_at is None,
        s.first_received_at or datetime.min.replace(tzinfo=UTC),
    ),
}


@bp.route("/")
@requires("viewer")
def index() -> ResponseReturnValue:
    picture = overview(register(), register().clock(), page_campaign())
    sort = request.args.get("sort", "roster")
    if sort not in SORTS:
        sort = "roster"
    descending = request.args.get("dir") == "desc"
    status = request.args.get("status") or ""
    kind = request.args.get("kind") or ""
    scope = request.args.get("scope", "required")
    words = search_form(request.args.get("q", ""))
    rows = filter_units(picture.standings, status=status, kind=kind, scope=scope, words=words)
    key = SORTS[sort]
    if key is not None:
        rows = sorted(rows, key=key, reverse=descending)
    elif descending:
        rows = list(reversed(rows))
    return render_template(
        "overview.html",
        picture=picture,
        rows=rows,
        sort=sort,
        descending=descending,
        status=status,
        kind=kind,
        scope=scope,
        q=request.args.get("q", ""),
        now=register().clock(),
    )


def filter_units(
    standings: Sequence[UnitCompliance], *, status: str, kind: str, scope: str, words: str
) -> list[UnitCompliance]:
    """Return the units the table's filters keep, in roster order."""
    return [
        s
        for s in standings
        if (not status or s.status.value == status)
        and (not kind or s.unit.kind.value == kind)
        and (scope == "all" or s.unit.required == (scope == "required"))
        and (not words or words in search_form(s.unit.name) or words in s.unit.code)
    ]
