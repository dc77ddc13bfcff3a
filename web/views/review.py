"""`/review` Cần xem xét: assign a unit, put in a campaign, accept or ignore, through
app.review (as the CLI).

Each form carries what the person saw (the message's latest decision): a
decision someone else took since then wins, and the person is told so.
"""

from __future__ import annotations

import math

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import Length, Optional

from app import review as decisions
from app.queries import review_queue
from app.review import Outcome
from store.decisions import Seen
from web.auth import requires
from web.context import client_address, register, who

bp = Blueprint("review", __name__)
PER_PAGE = 25


class DecisionForm(FlaskForm):  # type: ignore[misc]
    seen = HiddenField()
    back = HiddenField()


class AssignForm(DecisionForm):
    unit = StringField("Đơn vị", validators=[Length(max=100)])
    remember = BooleanField("Ghi nhớ địa chỉ gửi cho đơn vị này")


class IgnoreForm(DecisionForm):
    reason = StringField("Lý do", validators=[Optional(), Length(max=500)])


@bp.route("/review")
@requires("viewer")
def index() -> ResponseReturnValue:
    page = max(1, request.args.get("page", 1, type=int) or 1)
    queue = review_queue(register(), page=page, per_page=PER_PAGE)
    return render_template(
        "review.html",
        items=queue.items,
        total=queue.total,
        page=page,
        pages=max(1, math.ceil(queue.total / PER_PAGE)),
        units=register().roster.units,
    )


@bp.route("/review/<int:message_id>/assign", methods=["POST"])
@requires("reviewer")
def assign(message_id: int) -> ResponseReturnValue:
    form = AssignForm()
    if not form.validate_on_submit():
        return _invalid(message_id)
    outcome = decisions.assign(
        register(),
        message_id,
        (form.unit.data or "").strip(),
        by=who(),
        remember_address=bool(form.remember.data),
        seen=_seen(form.seen.data),
        address=client_address(),
    )
    return _done(message_id, outcome, form)


class CampaignForm(DecisionForm):
    campaign = StringField("Đợt", validators=[Length(max=40)])


@bp.route("/review/<int:message_id>/campaign", methods=["POST"])
@requires("reviewer")
def campaign(message_id: int) -> ResponseReturnValue:
    form = CampaignForm()
    if not form.validate_on_submit():
        return _invalid(message_id)
    outcome = decisions.choose_campaign(
        register(),
        message_id,
        (form.campaign.data or "").strip(),
        by=who(),
        seen=_seen(form.seen.data),
        address=client_address(),
    )
    return _done(message_id, outcome, form)


@bp.route("/review/<int:message_id>/accept", methods=["POST"])
@requires("reviewer")
def accept(message_id: int) -> ResponseReturnValue:
    form = DecisionForm()
    if not form.validate_on_submit():
        return _invalid(message_id)
    outcome = decisions.accept(
        register(), message_id, by=who(), seen=_seen(form.seen.data), address=client_address()
    )
    return _done(message_id, outcome, form)


@bp.route("/review/<int:message_id>/ignore", methods=["POST"])
@requires("reviewer")
def ignore(message_id: int) -> ResponseReturnValue:
    form = IgnoreForm()
    if not form.validate_on_submit():
        return _invalid(message_id)
    outcome = decisions.ignore(
        register(),
        message_id,
        by=who(),
        reason=(form.reason.data or "").strip() or None,
        seen=_seen(form.seen.data),
        address=client_address(),
    )
    return _done(message_id, outcome, form)


def _seen(value: str | None) -> Seen | None:
    """Read what the form says the person saw: "" for no decision yet, else its id."""
    if value is None:
        return None
    value = value.strip()
    if value == "":
        return Seen(None)
    return Seen(int(value)) if value.isdigit() else None


def _done(message_id: int, outcome: Outcome, form: DecisionForm) -> ResponseReturnValue:
    """Tell the person what app.review did (it wrote the audit trail) and go back."""
    for line in outcome.lines:
        flash(line, "success" if outcome.recorded else "error")
    return redirect(_back(form.back.data, message_id))


def _invalid(message_id: int) -> ResponseReturnValue:
    flash("Biểu mẫu không hợp lệ; hãy tải lại trang rồi thử lại.", "error")
    return redirect(url_for("review.index", _anchor=f"m{message_id}"))


def _back(target: str | None, message_id: int) -> str:
    if target == "message":
        return url_for("messages.show", message_id=message_id)
    return url_for("review.index", _anchor=f"m{message_id}")
