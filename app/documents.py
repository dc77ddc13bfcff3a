"""The council's official documents as DOCX files, the same bytes for the CLI and the web.

Three documents: the report on a campaign's results, the council's list for
the Tờ trình đề nghị công nhận, and the score sheets to print.

`cchc-inbox documents report` and the web's /exports page both call
``results_report_file``: the standings and the initiatives come from the
register, the wording and layout from reports/documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from app import council
from app.config import DocumentsConfig
from app.exports import ReportFile, initiative_lines
from app.queries import campaign_today, unit_standings
from app.root import Register
from parsers.campaign import Campaign
from parsers.roster import Roster
from reports.documents.council import Scored, SheetToFill, council_list, score_sheets
from reports.documents.layout import write_docx, write_forms
from reports.documents.results import Letterhead, results_report
from reports.initiatives import count_tags

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: File names people get (Vietnamese, without marks so every system keeps them).
RESULTS_STEM = "bao-cao-ket-qua"
#: The level words a roster's area opens with, longest first ("thành phố" before "phố").
_LEVELS = ("thành phố", "thị trấn", "thị xã", "huyện", "quận", "tỉnh", "xã", "phường")


def letterhead(documents: DocumentsConfig, roster: Roster) -> Letterhead:
    """Return who issues and signs: [documents], with the parent body and the place
    taken from the roster's first ``area`` where [documents] does not say."""
    area = roster.area[0] if roster.area else ""
    return Letterhead(
        parent=documents.parent or (f"UBND {area}" if area else ""),
        issuer=documents.issuer,
        place=documents.place or place_name(area),
        number_suffix=documents.number_suffix,
        signer_capacity=documents.signer_capacity,
        signer_name=documents.signer_name,
        recipients=documents.recipients,
    )


def place_name(area: str) -> str:
    """Return the name in an area without its level word: "huyện Châu Thành" → "Châu Thành"."""
    lowered = area.lower()
    for level in _LEVELS:
        if lowered.startswith(level + " "):
            return area[len(level) :].strip()
    return area.strip()


def issue_year(register: Register, day: date | None) -> int:
    """Return the year a document is issued in: its day's, else this year's (the clerk
    fills in the day)."""
    return day.year if day else campaign_today(register, register.clock()).year


def results_report_file(
    register: Register,
    campaign: Campaign,
    *,
    number: str | None = None,
    day: date | None = None,
    tags: Mapping[str, int] | None = None,
) -> ReportFile:
    """Return the report on ``campaign``'s results (Báo cáo kết quả thực hiện Kế hoạch) as
    DOCX bytes.

    No ``number`` or ``day`` leaves them blank for the clerk who issues it (the
    year is this year's). ``tags`` are the initiatives counted by reform index;
    by default the register's tags (app.initiatives), and the section is left out
    when no initiative carries one. Withdrawn initiatives are not reported.
    """
    standings = unit_standings(register, campaign)
    lines = [line for line in initiative_lines(register, campaign) if not line.withdrawn]
    if tags is None:
        tags = count_tags(lines)["index"]
    year = issue_year(register, day)
    document = results_report(
        campaign,
        standings,
        lines,
        letterhead(register.config.documents, register.roster),
        number=number,
        day=day,
        year=year,
        tags=tags,
    )
    return ReportFile(write_docx(document), f"{RESULTS_STEM}-{campaign.code}.docx", DOCX)


COUNCIL_LIST_STEM = "to-trinh-cong-nhan"
SCORE_SHEETS_STEM = "phieu-danh-gia"


def council_list_file(
    register: Register,
    campaign: Campaign,
    *,
    number: str | None = None,
    day: date | None = None,
) -> ReportFile:
    """Return the council's list for the Tờ trình đề nghị công nhận (scores, verdicts) as
    DOCX bytes; no ``number`` or ``day`` leaves them blank for the clerk."""
    rubric = council.rubric_of(register)
    scored = [
        Scored(r.line, tuple(council.sheets_of(r)), r.outcome)
        for r in council.results(register, campaign)
    ]
    year = issue_year(register, day)
    document = council_list(
        campaign,
        rubric,
        scored,
        letterhead(register.config.documents, register.roster),
        number=number,
        day=day,
        year=year,
    )
    return ReportFile(write_docx(document), f"{COUNCIL_LIST_STEM}-{campaign.code}.docx", DOCX)


def score_sheets_file(
    register: Register, campaign: Campaign, *, member: str | None = None
) -> ReportFile:
    """Return a Phiếu đánh giá per assignment (of ``member`` only, when given), pre-filled
    with the scores kept so far, one page each, as DOCX bytes."""
    rubric = council.rubric_of(register)
    found = (
        council.results(register, campaign)
        if member is None
        else council.assigned_to(register, campaign, member)
    )
    sheets = [
        SheetToFill(r.line, s.member, s.scores)
        for r in found
        for s in r.sheets
        if member is None or s.member == member
    ]
    if not sheets:
        raise council.CouncilRefused(
            f"Đợt {campaign.code}: chưa có phiếu nào được giao"
            + (f" cho {member}" if member else "")
            + "; chạy `cchc-inbox council assign` trước. Chưa ghi gì."
        )
    data = write_forms(score_sheets(rubric, sheets))
    return ReportFile(data, f"{SCORE_SHEETS_STEM}-{campaign.code}.docx", DOCX)
