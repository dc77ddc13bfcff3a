"""`/initiatives` Sáng kiến: staff read the council's initiatives and correct, tag,
withdraw, merge and split them through app.initiatives (as `cchc-inbox initiative …`).

Every rule is app.initiatives'; a form here reads what was typed, calls it, flashes
the outcome in the CLI's words and goes back to the initiative. app.initiatives
keeps each change in the record's history (who, when, before, after).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import Length, Optional

from app import initiatives as records
from app.initiatives import (
    MERGE_REFUSALS,
    BadTag,
    MergeRefused,
    SplitRefused,
    UnknownInitiative,
    split_refusal,
)
from parsers.tags import FIELDS, INDICES
from web.auth import requires
from web.context import page_campaign, register, who

bp = Blueprint("initiatives", __name__)
INVALID = "Biểu mẫu không hợp lệ; hãy tải lại trang rồi thử lại."


class EditForm(FlaskForm):  # type: ignore[misc]
    title = StringField("Tên sáng kiến", validators=[Optional(), Length(max=1000)])
    authors = StringField("Tác giả", validators=[Optional(), Length(max=2000)])
    field = StringField("Lĩnh vực", validators=[Optional(), Length(max=200)])


class TagForm(FlaskForm):  # type: ignore[misc]
    tag = StringField("Nhãn", validators=[Length(min=1, max=200)])


class MergeForm(FlaskForm):  # type: ignore[misc]
    into = IntegerField("Gộp vào sáng kiến")


class PlainForm(FlaskForm):  # type: ignore[misc]
    """A form of no field: the CSRF token only."""


@bp.route("/initiatives")
@requires("viewer")
def index() -> ResponseReturnValue:
    campaign = page_campaign()
    lines = records.council_lines(register(), campaign)
    return render_template("initiatives.html", lines=lines)


@bp.route("/initiatives/<int:record_id>")
@requires("viewer")
def show(record_id: int) -> ResponseReturnValue:
    try:
        detail = records.initiative_detail(register(), record_id)
    except UnknownInitiative:
        abort(404)
    return render_template(
        "initiative.html",
        detail=detail,
        fields=list(FIELDS),
        labels=[f"field:{f}" for f in FIELDS] + [f"index:{i}" for i in INDICES],
    )


@bp.route("/initiatives/<int:record_id>/edit", methods=["POST"])
@requires("reviewer")
def edit(record_id: int) -> ResponseReturnValue:
    form = EditForm()
    if not form.validate_on_submit():
        return _back(record_id, INVALID, ok=False)
    title, authors, field = (
        (value or "").strip() or None
        for value in (form.title.data, form.authors.data, form.field.data)
    )
    if title is None and authors is None and field is None:
        return _back(record_id, "Chưa nhập giá trị sửa nào; chưa ghi gì.", ok=False)
    names = None if authors is None else [a.strip() for a in authors.split(";") if a.strip()]
    try:
        records.edit_initiative(
            register(), record_id, title=title, authors=names, field=field, by=who()
        )
    except UnknownInitiative:
        abort(404)
    return _back(record_id, f"Đã sửa sáng kiến {record_id}.")


@bp.route("/initiatives/<int:record_id>/tags/add", methods=["POST"])
@requires("reviewer")
def add_tag(record_id: int) -> ResponseReturnValue:
    return _tag(record_id, add=True)


@bp.route("/initiatives/<int:record_id>/tags/remove", methods=["POST"])
@requires("reviewer")
def remove_tag(record_id: int) -> ResponseReturnValue:
    return _tag(record_id, add=False)


def _tag(record_id: int, *, add: bool) -> ResponseReturnValue:
    form = TagForm()
    if not form.validate_on_submit():
        return _back(record_id, INVALID, ok=False)
    label = (form.tag.data or "").strip()
    given = ([label], []) if add else ([], [label])
    try:
        records.tag_initiative(register(), record_id, add=given[0], remove=given[1], by=who())
    except BadTag:
        text = f"Nhãn {label!r} không hợp lệ: viết field:LĨNH_VỰC hoặc index:CHỈ_SỐ; chưa ghi gì."
        return _back(record_id, text, ok=False)
    except UnknownInitiative:
        abort(404)
    return _back(record_id, f"Đã cập nhật nhãn của sáng kiến {record_id}.")


@bp.route("/initiatives/<int:record_id>/withdraw", methods=["POST"])
@requires("reviewer")
def withdraw(record_id: int) -> ResponseReturnValue:
    if not PlainForm().validate_on_submit():
        return _back(record_id, INVALID, ok=False)
    try:
        records.withdraw_initiative(register(), record_id, by=who())
    except UnknownInitiative:
        abort(404)
    return _back(record_id, f"Sáng kiến {record_id} đã được đánh dấu rút.")


@bp.route("/initiatives/<int:record_id>/restore", methods=["POST"])
@requires("reviewer")
def restore(record_id: int) -> ResponseReturnValue:
    if not PlainForm().validate_on_submit():
        return _back(record_id, INVALID, ok=False)
    try:
        records.restore_initiative(register(), record_id, by=who())
    except UnknownInitiative:
        abort(404)
    return _back(record_id, f"Sáng kiến {record_id} lại có trong danh sách gửi hội đồng.")


@bp.route("/initiatives/<int:record_id>/merge", methods=["POST"])
@requires("reviewer")
def merge(record_id: int) -> ResponseReturnValue:
    form = MergeForm()
    into = form.into.data
    if not form.validate_on_submit() or into is None:
        return _back(record_id, INVALID, ok=False)
    try:
        record = records.merge_initiatives(register(), record_id, into, by=who())
    except UnknownInitiative as unknown:
        return _back(record_id, f"Không có sáng kiến mã {unknown}; chưa ghi gì.", ok=False)
    except MergeRefused as refused:
        text = MERGE_REFUSALS[refused.reason].format(id=record_id, into=into)
        return _back(record_id, text, ok=False)
    return _back(record_id, f"Đã gộp sáng kiến {record.id} vào sáng kiến {record.merged_into}.")


@bp.route("/initiatives/<int:record_id>/unmerge", methods=["POST"])
@requires("reviewer")
def unmerge(record_id: int) -> ResponseReturnValue:
    if not PlainForm().validate_on_submit():
        return _back(record_id, INVALID, ok=False)
    try:
        records.unmerge_initiative(register(), record_id, by=who())
    except UnknownInitiative:
        abort(404)
    return _back(record_id, f"Sáng kiến {record_id} lại là một dòng riêng.")


@bp.route("/initiatives/<int:record_id>/split", methods=["POST"])
@requires("reviewer")
def split(record_id: int) -> ResponseReturnValue:
    if not PlainForm().validate_on_submit():
        return _back(record_id, INVALID, ok=False)
    files = request.form.getlist("files")
    try:
        record = records.split_initiative(register(), record_id, files, by=who())
    except UnknownInitiative:
        abort(404)
    except SplitRefused as refused:
        return _back(record_id, split_refusal(refused, record_id), ok=False)
    flash(f"Đã tách sáng kiến {record.id} ra khỏi sáng kiến {record_id}.", "success")
    return redirect(url_for("initiatives.show", record_id=record.id))


def _back(record_id: int, text: str, *, ok: bool = True) -> ResponseReturnValue:
    """Tell the person what app.initiatives did and go back to the initiative."""
    flash(text, "success" if ok else "error")
    return redirect(url_for("initiatives.show", record_id=record_id))
