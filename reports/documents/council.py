"""The council's two documents (pure): its list for the Tờ trình đề nghị công nhận, and the
Phiếu đánh giá giải pháp công nhận là sáng kiến of each initiative and member.

Both take what app.council gathered (initiative, sheets, outcome) and the
rubric; reports.documents.layout lays them out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from parsers.campaign import Campaign
from reports.council import RECOGNISED, VERDICT_WORDS, Outcome, Rubric, Sheet, total_of
from reports.documents.layout import (
    Annex,
    Form,
    Header,
    OfficialDocument,
    Signer,
    Table,
    Text,
)
from reports.documents.results import Letterhead
from reports.initiatives import InitiativeLine

LIST_KIND = "TỜ TRÌNH"
LIST_HEADINGS = (
    "STT",
    "Tên sáng kiến, giải pháp",
    "Tác giả",
    "Đơn vị",
    "Điểm của thành viên",
    "Điểm TB",
    "Kết luận",
)
# Landscape A4 less the margins (30 + 15 mm): 252 mm.
LIST_WIDTHS_MM = (12, 70, 40, 40, 45, 20, 25)
SHEET_TITLE = "PHIẾU ĐÁNH GIÁ GIẢI PHÁP CÔNG NHẬN LÀ SÁNG KIẾN"
SHEET_HEADINGS = ("STT", "Tiêu chí và mức điểm", "Điểm tối đa", "Điểm chấm")
# Portrait A4 less the margins: 165 mm.
SHEET_WIDTHS_MM = (14, 101, 25, 25)
SIGNER = "Thành viên hội đồng"


@dataclass(frozen=True)
class Scored:
    """One initiative as the council's list shows it."""

    line: InitiativeLine
    sheets: tuple[Sheet, ...]
    outcome: Outcome


@dataclass(frozen=True)
class SheetToFill:
    """One member's sheet of one initiative: scores kept so far (maybe none)."""

    line: InitiativeLine
    member: str
    scores: Mapping[str, int]


def council_list(
    campaign: Campaign,
    rubric: Rubric,
    scored: Sequence[Scored],
    letterhead: Letterhead,
    *,
    number: str | None,
    day: date | None,
    year: int,
) -> OfficialDocument:
    """Return the Tờ trình đề nghị công nhận sáng kiến with the council's list annexed."""
    header = Header(
        parent=letterhead.parent,
        issuer=letterhead.issuer,
        number=number,
        suffix=submission_suffix(letterhead.number_suffix),
        place=letterhead.place,
        day=day,
        year=year,
    )
    recognised = [s for s in scored if s.outcome.verdict == RECOGNISED]
    refused = [s for s in scored if s.outcome.verdict == "not_recognised"]
    waiting = len(scored) - len(recognised) - len(refused)
    body = [
        Text(
            f"Thực hiện Kế hoạch {campaign.name}, Hội đồng xét công nhận sáng kiến đã chấm "
            f"{len(scored)} sáng kiến, giải pháp theo thang điểm {rubric.maximum} điểm "
            f"(ngưỡng công nhận: {rubric.threshold} điểm; mỗi sáng kiến "
            f"{rubric.scorers} thành viên chấm độc lập)."
        ),
        Text(
            f"Kết quả: {len(recognised)} sáng kiến, giải pháp đạt, đề nghị công nhận; "
            f"{len(refused)} không đạt" + (f"; {waiting} chưa có kết quả" if waiting else "") + "."
        ),
        Text(
            f"(Danh sách kèm theo.) {letterhead.issuer} kính trình {letterhead.parent} "
            "xem xét, công nhận sáng kiến./."
        ),
    ]
    return OfficialDocument(
        header=header,
        kind=LIST_KIND,
        summary=f"Đề nghị công nhận {campaign.name[:1].lower()}{campaign.name[1:]}",
        body=tuple(body),
        recipients=letterhead.recipients,
        signer=Signer(letterhead.signer_capacity, letterhead.signer_name),
        annexes=(
            Annex(
                title="Danh sách sáng kiến, giải pháp đã chấm điểm",
                note=f"(Kèm theo Tờ trình số {header.number_text} của {letterhead.issuer})",
                table=list_table(scored),
                landscape=True,
            ),
        ),
    )


def submission_suffix(report_suffix: str) -> str:
    """Return the number suffix of a Tờ trình from a report's: "BC-PNV" → "TTr-PNV"."""
    kind, sep, body = report_suffix.partition("-")
    return f"TTr-{body}" if sep and kind.upper() == "BC" else report_suffix


def list_table(scored: Sequence[Scored]) -> Table:
    """Return the council's list: one row per initiative."""
    rows = tuple(
        (
            str(n),
            s.line.title,
            "; ".join(s.line.authors),
            s.line.unit_name,
            "; ".join(f"{sheet.member}: {total_of(sheet.scores)}" for sheet in s.sheets),
            "" if s.outcome.total is None else f"{s.outcome.total:g}",
            VERDICT_WORDS[s.outcome.verdict],
        )
        for n, s in enumerate(scored, start=1)
    )
    return Table(
        headings=LIST_HEADINGS,
        rows=rows,
        widths_mm=LIST_WIDTHS_MM,
        centred=frozenset({0, 5}),
    )


def score_sheets(rubric: Rubric, sheets: Sequence[SheetToFill]) -> tuple[Form, ...]:
    """Return a Phiếu đánh giá per sheet, pre-filled with what is known."""
    return tuple(_sheet(rubric, sheet) for sheet in sheets)


def _sheet(rubric: Rubric, sheet: SheetToFill) -> Form:
    line = sheet.line
    rows: list[tuple[str, ...]] = []
    bold: set[int] = set()
    for n, criterion in enumerate(rubric.criteria, start=1):
        points = sheet.scores.get(criterion.key)
        bold.add(len(rows))
        rows.append(
            (str(n), criterion.name, str(criterion.maximum), "" if points is None else str(points))
        )
        for band in criterion.bands:
            span = str(band.low) if band.low == band.high else f"{band.low}–{band.high}"
            rows.append(("", f"- {band.label}: {span} điểm", "", ""))
    complete = all(c.key in sheet.scores for c in rubric.criteria)
    total = str(total_of(sheet.scores)) if complete else ""
    bold.add(len(rows))
    rows.append(("", "Tổng cộng", str(rubric.maximum), total))
    if complete:
        verdict = (
            "đề nghị công nhận là sáng kiến"
            if total_of(sheet.scores) >= rubric.threshold
            else "không đề nghị công nhận"
        )
        conclusion = f"Kết luận: {verdict}."
    else:
        conclusion = "Kết luận: ☐ Đề nghị công nhận là sáng kiến    ☐ Không đề nghị công nhận"
    return Form(
        title=SHEET_TITLE,
        facts=(
            f"Họ và tên thành viên hội đồng: {sheet.member}",
            f"Tên giải pháp: {line.title}",
            f"Đơn vị: {line.unit_name}",
            f"Tác giả: {'; '.join(line.authors)}",
            f"Lĩnh vực: {line.field or ''}",
            f"Mã sáng kiến: {line.id}",
        ),
        table=Table(
            headings=SHEET_HEADINGS,
            rows=tuple(rows),
            widths_mm=SHEET_WIDTHS_MM,
            centred=frozenset({0, 2, 3}),
            bold_rows=frozenset(bold),
        ),
        closing=(
            f"Giải pháp đạt từ {rubric.threshold}/{rubric.maximum} điểm trở lên được đề nghị "
            "công nhận là sáng kiến.",
            conclusion,
        ),
        signer=Signer(SIGNER, sheet.member),
    )
