"""`/council`: a council member's assigned initiatives and the score sheet of each.

The rules are app.council's, as for `cchc-inbox council score`: a sheet is
saved as often as needed and locked once submitted; a refusal is shown on
the form and nothing is written.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app import council
from app.council import CouncilRefused, Result
from reports.council import VERDICT_WORDS, band_of, total_of
from store.council import SheetRow
from web.auth import requires
from web.context import page_campaign, register, who

bp = Blueprint("council", __name__)


@bp.route("/council")
@requires("council")
def index() -> ResponseReturnValue:
    campaign = page_campaign()
    try:
        mine = council.assigned_to(register(), campaign, who())
        rubric = council.rubric_of(register())
    except CouncilRefused as refusal:
        flash(refusal.text, "error")
        return render_template("council.html", rows=[], rubric=None)
    rows = [(r, _own(r)) for r in mine]
    return render_template(
        "council.html", rows=rows, rubric=rubric, total_of=total_of, verdicts=VERDICT_WORDS
    )


@bp.route("/council/<int:record_id>", methods=["GET", "POST"])
@requires("council", post_as="council")
def sheet(record_id: int) -> ResponseReturnValue:
    campaign = page_campaign()
    rubric = council.rubric_of(register())
    found = [r for r in council.assigned_to(register(), campaign, who()) if r.line.id == record_id]
    if not found:
        abort(404)
    status = 200
    typed: dict[str, str] = {}
    if request.method == "POST":
        typed = {c.key: request.form.get(c.key, "").strip() for c in rubric.criteria}
        submit = request.form.get("action") == "submit"
        try:
            scores = _points(typed)
            council.score(register(), record_id, who(), scores, submit=submit, by=who())
        except CouncilRefused as refusal:
            flash(refusal.text, "error")
            status = 400
        else:
            flash("Đã nộp phiếu; phiếu đã khóa." if submit else "Đã lưu điểm.", "info")
            return redirect(url_for("council.sheet", record_id=record_id))
    result = found[0]
    own = _own(result)
    bands = {
        c.key: band_of(c, own.scores[c.key]) if c.key in own.scores else None
        for c in rubric.criteria
    }
    return render_template(
        "council_sheet.html",
        result=result,
        own=own,
        rubric=rubric,
        bands=bands,
        typed=typed,
        total=total_of(own.scores),
    ), status


def _own(result: Result) -> SheetRow:
    return next(s for s in result.sheets if s.member == who())


def _points(typed: dict[str, str]) -> dict[str, int]:
    points = {}
    for key, value in typed.items():
        if not value:
            continue
        if not value.isdigit():
            raise CouncilRefused(f"Điểm {value!r} không phải một số nguyên ≥ 0. Chưa ghi gì.")
        points[key] = int(value)
    return points
