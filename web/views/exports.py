"""`/exports`: the reports as XLSX and CSV, and the accepted files as one streamed ZIP."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue

from app import accounts, council
from app.council import CouncilRefused
from app.documents import council_list_file, results_report_file, score_sheets_file
from app.exports import FORMATS, REPORTS, files_plan, files_zip, report_file
from web.auth import requires
from web.context import client_address, exported, page_campaign, register, who

bp = Blueprint("exports", __name__)


@bp.route("/exports")
@requires("viewer")
def index() -> ResponseReturnValue:
    campaign = page_campaign()
    plan = files_plan(register(), campaign)
    has_council = register().config.council is not None
    # Those with a sheet in the campaign: the score sheets can be had one member at a time.
    members = (
        sorted({s.member for r in council.results(register(), campaign) for s in r.sheets})
        if has_council
        else []
    )
    return render_template(
        "exports.html",
        files=len(plan.files),
        units=len({f.folder for f in plan.files}),
        has_council=has_council,
        members=members,
    )


@bp.route("/exports/<report>.<fmt>")
@requires("viewer")
def report(report: str, fmt: str) -> ResponseReturnValue:
    if report not in REPORTS or fmt not in FORMATS:
        abort(404)
    made = report_file(register(), report, fmt, page_campaign())
    return exported(made)


@bp.route("/exports/documents/bao-cao-ket-qua.docx")
@requires("viewer")
def results_report() -> ResponseReturnValue:
    """The report on the campaign's results, as `documents report` writes it (no number
    or day: the clerk fills them in when it is issued)."""
    made = results_report_file(register(), page_campaign())
    return exported(made)


@bp.route("/exports/documents/to-trinh-cong-nhan.docx")
@requires("viewer")
def council_list() -> ResponseReturnValue:
    """The council's list for the Tờ trình đề nghị công nhận, as `documents council-list`
    writes it (no number or day); 404 without a [council] rubric."""
    try:
        made = council_list_file(register(), page_campaign())
    except CouncilRefused:
        abort(404)
    return exported(made)


@bp.route("/exports/documents/phieu-danh-gia.docx")
@requires("viewer")
def score_sheets() -> ResponseReturnValue:
    """The council's score sheets, one per assignment (``?member=`` for one member's),
    as `documents score-sheets` writes them; 404 without a rubric or an assignment."""
    member = request.args.get("member") or None
    try:
        made = score_sheets_file(register(), page_campaign(), member=member)
    except CouncilRefused:
        abort(404)
    return exported(made)


@bp.route("/exports/files.zip")
@requires("viewer")
def files() -> ResponseReturnValue:
    plan = files_plan(register(), page_campaign())
    accounts.record(register(), who(), "export", target="files.zip", address=client_address())
    stamp = register().clock().astimezone(register().config.campaign.zone)
    name = f"ho-so-da-nhan-{stamp:%Y%m%d-%H%M}.zip"
    return Response(
        files_zip(register(), plan),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
