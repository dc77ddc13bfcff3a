"""`/periods`: a periodic report's units × periods, and the same matrix as XLSX or CSV."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue

from app.campaigns import UnknownSeries, select_series, series_codes, series_title
from app.exports import FORMATS, periods_file
from app.queries import campaign_today, period_matrix
from reports.periods import CELL_LABELS, NOT_YET, PeriodMatrix, cell_status
from web.auth import requires
from web.context import exported, register

bp = Blueprint("periods", __name__)


@bp.route("/periods")
@requires("viewer")
def index() -> ResponseReturnValue:
    codes = series_codes(register().config)
    if not codes:
        return render_template("periods.html", matrix=None, series=codes)
    matrix = _matrix(request.args.get("series") or codes[0])
    return render_template(
        "periods.html",
        matrix=matrix,
        series=codes,
        rows=[(r.unit, [cell_status(c) for c in r.cells]) for r in matrix.rows if r.unit.required],
        begun=[
            any(r.cells[i] is not None for r in matrix.rows) for i in range(len(matrix.periods))
        ],
        not_yet=NOT_YET,
        labels=CELL_LABELS,
        title=series_title(matrix.periods[0]),
    )


@bp.route("/periods/<series>.<fmt>")
@requires("viewer")
def download(series: str, fmt: str) -> ResponseReturnValue:
    if fmt not in FORMATS:
        abort(404)
    made = periods_file(_matrix(series), fmt)
    return exported(made)


def _matrix(series: str) -> PeriodMatrix:
    try:
        periods = select_series(register().config, series)
    except UnknownSeries:
        abort(404)
    return period_matrix(register(), periods, campaign_today(register(), register().clock()))
