"""`/units/<code>`: what a unit sent, its standing, its addresses, the mail sent to it,
and its paper copy (recorded and removed through app.paper, as the CLI's `paper`)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import InputRequired, Length, Optional

from app import paper
from app.queries import unit_page
from web.auth import requires
from web.context import client_address, page_campaign, register, who

bp = Blueprint("units", __name__)


class PaperForm(FlaskForm):  # type: ignore[misc]
    # Typed as officials write it (dd/mm/yyyy): a browser's date picker shows the
    # order of the computer's locale, often mm/dd/yyyy. ISO is read too (scripts).
    received_on = DateField(
        "Ngày nhận", format=["%d/%m/%Y", "%Y-%m-%d"], validators=[InputRequired()]
    )
    # No range here: app.paper refuses fewer than one copy, in the same words as the CLI.
    copies = IntegerField("Số bản", default=1, validators=[InputRequired()])
    received_by = StringField("Người nhận", validators=[Optional(), Length(max=200)])
    note = StringField("Ghi chú", validators=[Optional(), Length(max=1000)])


class RemoveForm(FlaskForm):  # type: ignore[misc]
    pass


#: What a person is told about a field the form could not read.
FIELD_PROBLEMS = {
    "received_on": "Ngày nhận không hợp lệ: hãy nhập ngày dạng dd/mm/yyyy, ví dụ 20/06/2024.",
    "copies": "Số bản phải là một số nguyên.",
    "received_by": "Tên người nhận dài quá 200 ký tự.",
    "note": "Ghi chú dài quá 1000 ký tự.",
}


@bp.route("/units/<code>")
@requires("viewer")
def show(code: str) -> ResponseReturnValue:
    page = unit_page(register(), code, page_campaign())
    if page is None:
        abort(404)
    return render_template("unit.html", page=page, today=paper.today(register()))


@bp.route("/units/<code>/paper", methods=["POST"])
@requires("reviewer")
def add_paper(code: str) -> ResponseReturnValue:
    form = PaperForm()
    received_on, copies = form.received_on.data, form.copies.data
    if not form.validate_on_submit() or received_on is None or copies is None:
        return _invalid(code, form)
    outcome = paper.add(
        register(),
        code,
        received_on=received_on,
        copies=copies,
        received_by=form.received_by.data,
        note=form.note.data,
        campaign_code=page_campaign().code,
        by=who(),
        address=client_address(),
    )
    return _done(code, outcome)


@bp.route("/units/<code>/paper/remove", methods=["POST"])
@requires("reviewer")
def remove_paper(code: str) -> ResponseReturnValue:
    form = RemoveForm()
    if not form.validate_on_submit():
        return _invalid(code, form)
    return _done(
        code,
        paper.remove(
            register(),
            code,
            campaign_code=page_campaign().code,
            by=who(),
            address=client_address(),
        ),
    )


def _done(code: str, outcome: paper.Outcome) -> ResponseReturnValue:
    """Tell the person what app.paper did (it wrote the audit trail) and go back."""
    for line in outcome.lines:
        flash(line, "success" if outcome.recorded else "error")
    if register().roster.by_code(code) is None:
        return redirect(url_for("overview.index"))
    return redirect(url_for("units.show", code=code, campaign=_campaign_arg(), _anchor="paper"))


def _invalid(code: str, form: FlaskForm) -> ResponseReturnValue:
    problems = [FIELD_PROBLEMS[name] for name in form.errors if name in FIELD_PROBLEMS]
    flash(" ".join(problems) or "Biểu mẫu không hợp lệ; hãy tải lại trang rồi thử lại.", "error")
    if register().roster.by_code(code) is None:
        abort(404)
    return redirect(url_for("units.show", code=code, campaign=_campaign_arg(), _anchor="paper"))


def _campaign_arg() -> str | None:
    """The ``campaign`` argument to keep on a link back (None: today's campaign)."""
    return request.args.get("campaign") or None
