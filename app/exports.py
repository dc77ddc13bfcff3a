"""The register's reports as files (XLSX, CSV) and its accepted documents as a ZIP.

The web's /exports page and the CLI's `report … --output` write the same
bytes: the rows come from the store, the cells from reports/.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from app.initiatives import council_lines
from app.queries import unit_standings
from app.root import Register
from parsers.campaign import Campaign
from reports.export import ExportFile, ExportPlan, index_csv, plan_export
from reports.initiatives import (
    INITIATIVE_HEADINGS,
    InitiativeLine,
    initiative_cells,
)
from reports.periods import PeriodMatrix, matrix_cells, matrix_headings
from reports.render import (
    SUBMISSION_HEADINGS,
    as_csv,
    compliance_cells,
    compliance_headings,
    submission_cells,
)
from store.read import list_submissions

REPORTS = ("compliance", "submissions", "initiatives")
FORMATS = ("xlsx", "csv")
#: File names people get (Vietnamese, without marks so every system keeps them).
FILE_STEMS = {
    "compliance": "tinh-hinh-nop",
    "submissions": "thu-nhan-duoc",
    "initiatives": "danh-sach-sang-kien",
}
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@dataclass(frozen=True)
class ReportFile:
    data: bytes
    filename: str
    media_type: str


def report_file(register: Register, report: str, fmt: str, campaign: Campaign) -> ReportFile:
    """Return one report of ``campaign`` (compliance, submissions, initiatives) as XLSX or
    CSV bytes."""
    if report not in REPORTS or fmt not in FORMATS:
        raise ValueError(f"no report {report!r} in {fmt!r}")
    if report == "compliance":
        units = unit_standings(register, campaign)
        if fmt == "xlsx":
            # openpyxl takes a fifth of a second to import: only where a workbook is made.
            from reports.xlsx import compliance_xlsx

            data = compliance_xlsx(units, campaign)
        else:
            data = as_csv(compliance_headings(campaign), compliance_cells(units, campaign)).encode()
    elif report == "submissions":
        with register.sessions() as session:
            rows = list_submissions(session, campaign=campaign.code)
        if fmt == "xlsx":
            from reports.xlsx import submissions_xlsx

            data = submissions_xlsx(rows, campaign)
        else:
            data = as_csv(SUBMISSION_HEADINGS, submission_cells(rows, campaign)).encode()
    else:
        # A withdrawn initiative stays in the JSON (marked), not in the council's files.
        lines = [ln for ln in initiative_lines(register, campaign) if not ln.withdrawn]
        if fmt == "xlsx":
            from reports.xlsx import initiatives_xlsx

            data = initiatives_xlsx(lines, campaign)
        else:
            cells = initiative_cells(lines, campaign.timezone)
            data = as_csv(INITIATIVE_HEADINGS, cells).encode()
    return ReportFile(data, f"{FILE_STEMS[report]}.{fmt}", MEDIA_TYPES[fmt])


def periods_file(matrix: PeriodMatrix, fmt: str) -> ReportFile:
    """Return a periodic report's unit × period matrix as XLSX or CSV bytes."""
    if fmt == "xlsx":
        from reports.xlsx import periods_xlsx

        data = periods_xlsx(matrix)
    elif fmt == "csv":
        data = as_csv(matrix_headings(matrix), matrix_cells(matrix)).encode()
    else:
        raise ValueError(f"no periods report in {fmt!r}")
    return ReportFile(data, f"theo-ky-{matrix.series}.{fmt}", MEDIA_TYPES[fmt])


def initiative_lines(register: Register, campaign: Campaign) -> list[InitiativeLine]:
    """Return the council's list of ``campaign``: one line per distinct initiative of each
    unit, with its id, corrections, tags and near-duplicates (``app.initiatives``)."""
    return council_lines(register, campaign)


def files_plan(register: Register, campaign: Campaign) -> ExportPlan:
    """Return where each accepted document of ``campaign`` goes in the export (one folder
    per unit)."""
    with register.sessions() as session:
        rows = list_submissions(session, status="accepted", campaign=campaign.code)
    return plan_export(register.roster, rows, campaign.timezone)


def missing_from_storage(item: ExportFile) -> str:
    """Say why a planned file is not in the export: its bytes are gone from storage."""
    return f"không còn trong kho lưu trữ (SHA-256 {item.sha256})"


def files_zip(register: Register, plan: ExportPlan) -> Iterator[bytes]:
    """Yield the accepted documents as a ZIP, file by file: never built whole in memory.

    index.csv comes first; a file missing from storage is left out and its row
    there says so, as `export files` does.
    """
    from zipstream import ZipStream

    archive = ZipStream(sized=False)
    paths = {item: register.blobs.path_of(item.sha256) for item in plan.files}
    problems = {item: missing_from_storage(item) for item, p in paths.items() if not p.is_file()}
    archive.add(index_csv(plan, problems).encode(), "index.csv")
    for item, path in paths.items():
        if item not in problems:
            archive.add_path(str(path), f"{item.folder}/{item.name}", recurse=False)
    yield from archive
