"""`/council/results`: the staff's view of the council's work on a campaign.

Viewers see each initiative's sheets, mean total, verdict and why (the data
`cchc-inbox council results` prints, from app.council.results); reviewers
also run the assignment (`council assign`) and record the chair's verdict
(`council decide`). The audit lines are app.council's.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app import council
from app.council import CouncilRefused, UnknownInitiative
from reports.council import VERDICT_WORDS, VERDICTS, total_of
from web.auth import requires
from web.context import page_campaign, register, who

bp = Blueprint("council_results", __name__)


@bp.route("/council/results")
@requires("viewer")
def index() -> ResponseReturnValue:
    campaign = page_campaign()
    try:
        rubric = council.rubric_of(register())
        found = council.results(register(), campaign)
    except CouncilRefused as refusal:
        flash(refusal.text, "error")
        return render_template("council_results.html", results=[], rubric=None)
    return render_template(
        "council_results.html",
        results=found,
        rubric=rubric,
        recognised=sum(1 for r in found if r.outcome.verdict == "recognised"),
        third=[r.line.id for r in found if r.outcome.verdict == "third_needed"],
        total_of=total_of,
        words=VERDICT_WORDS,
        verdicts=VERDICTS,
    )


@bp.route("/council/results/assign", methods=["POST"])
@requires("reviewer")
def assign() -> ResponseReturnValue:
    campaign = page_campaign()
    try:
        done = council.assign(register(), campaign, by=who())
    except CouncilRefused as refusal:
        flash(refusal.text, "error")
        return _back()
    flash(f"Đợt {campaign.code}: đã giao thêm {len(done.added)} phiếu chấm.", "success")
    if done.short:
        ids = ", ".join(str(i) for i in done.short)
        flash(f"Chưa đủ người chấm (thiếu thành viên ngoài đơn vị của sáng kiến): {ids}.", "error")
    return _back()


@bp.route("/council/results/decide", methods=["POST"])
@requires("reviewer")
def decide() -> ResponseReturnValue:
    raw_id = request.form.get("record_id", "")
    verdict = request.form.get("verdict", "")
    if not raw_id.isdigit():
        flash("Thiếu mã sáng kiến; chưa ghi gì.", "error")
        return _back()
    record_id = int(raw_id)
    try:
        council.decide_as_chair(register(), record_id, verdict, by=who())
    except UnknownInitiative:
        flash(f"Không có sáng kiến mã {record_id}; chưa ghi gì.", "error")
        return _back()
    except CouncilRefused as refusal:
        flash(refusal.text, "error")
        return _back()
    flash(
        f"Sáng kiến {record_id}: {VERDICT_WORDS[verdict].lower()} (chủ tịch quyết định).",
        "success",
    )
    return _back()


def _back() -> ResponseReturnValue:
    return redirect(url_for("council_results.index", campaign=request.args.get("campaign")))
