"""Báo cáo kết quả thực hiện Kế hoạch: the campaign's results as an official report (pure).

Who sent on time, late or not at all is reports.compliance's judgement (the
standings); the initiatives are reports.initiatives' lines; their fields are
the reform fields parsers.initiatives found. This module only words them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from parsers.campaign import Campaign
from parsers.fields import NAMES, classify_field
from reports.compliance import FormsStatus, UnitCompliance, UnitStatus
from reports.documents.layout import (
    Annex,
    Block,
    Header,
    OfficialDocument,
    Signer,
    Table,
    Text,
)
from reports.initiatives import InitiativeLine
from reports.render import TIMING_LABELS

KIND = "BÁO CÁO"
NO_FIELD = "Chưa xác định lĩnh vực"
ANNEX_HEADINGS = (
    "STT",
    "Tên sáng kiến",
    "Tác giả",
    "Đơn vị",
    "Lĩnh vực",
    "Ngày nhận",
    "Đúng hạn/Trễ",
)
# Landscape A4 less the margins (30 + 15 mm): 252 mm.
ANNEX_WIDTHS_MM = (12, 75, 40, 38, 40, 25, 22)
ROMAN_NUMERALS = ("I", "II", "III", "IV", "V")


@dataclass(frozen=True)
class Letterhead:
    """Who issues the council's documents and who signs them ([documents] in config)."""

    parent: str  # "UBND huyện Châu Thành": the header writes both in capitals
    issuer: str  # "Phòng Nội vụ", as the body names it
    place: str
    number_suffix: str
    signer_capacity: str
    signer_name: str
    recipients: tuple[str, ...]


def results_report(
    campaign: Campaign,
    standings: Sequence[UnitCompliance],
    lines: Sequence[InitiativeLine],
    letterhead: Letterhead,
    *,
    number: str | None,
    day: date | None,
    year: int,
    tags: Mapping[str, int] | None = None,
) -> OfficialDocument:
    """Return the report on ``campaign``'s results, with the annex of every initiative.

    ``tags`` are the initiatives counted by reform index (PAR INDEX, SIPAS,
    PAPI, ICT Index, PCI), once someone tags them; without them the section
    is left out.
    """
    header = Header(
        parent=letterhead.parent,
        issuer=letterhead.issuer,
        number=number,
        suffix=letterhead.number_suffix,
        place=letterhead.place,
        day=day,
        year=year,
    )
    sections: list[tuple[str, list[Block]]] = [
        ("KẾT QUẢ TIẾP NHẬN", _receipt(campaign, standings, lines)),
        ("SỐ SÁNG KIẾN THEO LĨNH VỰC", [_field_table(lines)]),
    ]
    if tags:
        sections.append(("SỐ SÁNG KIẾN THEO CHỈ SỐ CẢI CÁCH HÀNH CHÍNH", [_tag_table(tags)]))
    body: list[Block] = [
        Text(f"Thực hiện Kế hoạch {campaign.name}, {letterhead.issuer} báo cáo kết quả như sau:")
    ]
    for numeral, (title, blocks) in zip(ROMAN_NUMERALS, sections, strict=False):
        body.append(Text(f"{numeral}. {title}", heading=True))
        body.extend(blocks)
    body.append(
        Text(
            f"(Danh sách {len(lines)} sáng kiến, giải pháp tại Phụ lục kèm theo.) Trên đây là "
            f"báo cáo kết quả thực hiện Kế hoạch {campaign.name} của "
            f"{letterhead.issuer}./."
        )
    )
    return OfficialDocument(
        header=header,
        kind=KIND,
        summary=f"Kết quả thực hiện Kế hoạch {campaign.name}",
        body=tuple(body),
        recipients=letterhead.recipients,
        signer=Signer(letterhead.signer_capacity, letterhead.signer_name),
        annexes=(
            Annex(
                title="Danh sách sáng kiến, giải pháp đã nhận",
                note=f"(Kèm theo Báo cáo số {header.number_text}{_issued(day)} "
                f"của {letterhead.issuer})",
                table=annex_table(lines, campaign),
                landscape=True,
            ),
        ),
    )


def _issued(day: date | None) -> str:
    return f" ngày {day:%d/%m/%Y}" if day else ""


def _receipt(
    campaign: Campaign, standings: Sequence[UnitCompliance], lines: Sequence[InitiativeLine]
) -> list[Block]:
    required = [s for s in standings if s.unit.required]
    senders = {line.unit_code for line in lines}
    blocks: list[Block] = [
        Text(
            f"Thời gian nhận hồ sơ từ ngày {campaign.opens:%d/%m/%Y} đến hết ngày "
            f"{campaign.closes:%d/%m/%Y}. Đã nhận {len(lines)} sáng kiến, giải pháp của "
            f"{len(senders)} đơn vị; {len(required)} đơn vị phải gửi."
        )
    ]
    groups = (
        ("Đơn vị gửi đúng hạn", UnitStatus.ON_TIME),
        ("Đơn vị gửi trễ hạn", UnitStatus.LATE),
        ("Đơn vị chưa gửi", UnitStatus.MISSING),
    )
    for number, (label, status) in enumerate(groups, start=1):
        units = [s for s in required if s.status is status]
        blocks.append(
            Text(f"{number}. {label}: {len(units)}/{len(required)} đơn vị{_names(units)}")
        )
    extra = [s for s in standings if not s.unit.required and s.has_file]
    if extra:
        blocks.append(Text(f"Đơn vị không bắt buộc đã gửi: {len(extra)} đơn vị{_names(extra)}"))
    # Those that sent nothing are listed above already: here, the file without the paper.
    no_paper = [s for s in required if s.forms is FormsStatus.MISSING_PAPER_COPY]
    if no_paper:
        blocks.append(
            Text(f"Đơn vị đã gửi tệp, chưa nộp bản giấy: {len(no_paper)} đơn vị{_names(no_paper)}")
        )
    return blocks


def _names(units: Sequence[UnitCompliance]) -> str:
    if not units:
        return "."
    return " (" + ", ".join(s.unit.name for s in units) + ")."


def field_counts(lines: Sequence[InitiativeLine]) -> list[tuple[str, int]]:
    """Return how many initiatives each of the six reform fields has, in NQ 76's order,
    then those whose field was not found (if any)."""
    counts = {name: 0 for name in NAMES}
    unknown = 0
    for line in lines:
        # Classify again to accept either wording, a staff correction, and the
        # lower-case names of a register written before parsers.fields.
        name = classify_field(line.field) if line.field else None
        if name is None:
            unknown += 1
        else:
            counts[name] += 1
    rows = list(counts.items())
    if unknown:
        rows.append((NO_FIELD, unknown))
    return rows


def _field_table(lines: Sequence[InitiativeLine]) -> Table:
    counts = field_counts(lines)
    rows = [(str(n), name[:1].upper() + name[1:], str(c)) for n, (name, c) in enumerate(counts, 1)]
    rows.append(("", "Tổng cộng", str(len(lines))))
    return Table(
        headings=("STT", "Lĩnh vực", "Số sáng kiến"),
        rows=tuple(rows),
        widths_mm=(15, 120, 30),
        centred=frozenset({0, 2}),
        bold_rows=frozenset({len(rows) - 1}),
    )


def _tag_table(tags: Mapping[str, int]) -> Table:
    rows = [(str(n), name, str(count)) for n, (name, count) in enumerate(tags.items(), 1)]
    return Table(
        headings=("STT", "Chỉ số", "Số sáng kiến"),
        rows=tuple(rows),
        widths_mm=(15, 120, 30),
        centred=frozenset({0, 2}),
    )


def annex_table(lines: Sequence[InitiativeLine], campaign: Campaign) -> Table:
    """Return the annex: one row per initiative, in the order of the council's list."""
    zone = campaign.zone
    rows = tuple(
        (
            str(n),
            line.title,
            "; ".join(line.authors),
            line.unit_name,
            _field_label(line.field),
            f"{line.received_at.astimezone(zone):%d/%m/%Y}",
            TIMING_LABELS.get(line.timing or "", ""),
        )
        for n, line in enumerate(lines, start=1)
    )
    return Table(
        headings=ANNEX_HEADINGS,
        rows=rows,
        widths_mm=ANNEX_WIDTHS_MM,
        centred=frozenset({0, 5, 6}),
    )


def _field_label(field: str | None) -> str:
    if not field:
        return ""
    return field[:1].upper() + field[1:]
