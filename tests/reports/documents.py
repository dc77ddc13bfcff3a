"""A results report made from report rows, and its DOCX opened again, for the tests of documents."""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta, timezone

from docx import Document
from docx.document import Document as DocxDocument

from reports.compliance import assess_compliance
from reports.documents.layout import write_docx
from reports.documents.results import Letterhead, results_report
from reports.initiatives import list_initiatives
from store.read import SubmissionRow
from tests.reports.rows import CAMPAIGN, ROSTER, submission

ICT = timezone(timedelta(hours=7))
LETTERHEAD = Letterhead(
    parent="UBND huyện Châu Thành",
    issuer="Phòng Nội vụ",
    place="Châu Thành",
    number_suffix="BC-PNV",
    signer_capacity="Trưởng phòng",
    signer_name="Nguyễn Văn Bình",
    recipients=("UBND huyện (b/c);", "Lưu: VT, NV."),
)


def rows_of(titles: Sequence[str]) -> list[SubmissionRow]:
    """Return one on-time initiative of UBND xã Thái Bình per title (and one late of An Cơ)."""
    rows = [
        submission(n, "xa-thai-binh", datetime(2024, 6, 1, 8, tzinfo=ICT), title=t, filename=f"{n}")
        for n, t in enumerate(titles, start=1)
    ]
    late = datetime(2024, 6, 27, 9, tzinfo=ICT)
    rows.append(submission(999, "xa-an-co", late, timing="late", title="Trễ hạn", filename="x"))
    return rows


def report_docx(
    rows: Sequence[SubmissionRow],
    *,
    number: str | None = "125",
    day: date | None = date(2024, 7, 5),
    tags: Mapping[str, int] | None = None,
) -> bytes:
    document = results_report(
        CAMPAIGN,
        assess_compliance(ROSTER, CAMPAIGN, rows),
        list_initiatives(ROSTER, rows),
        LETTERHEAD,
        number=number,
        day=day,
        year=2024,
        tags=tags,
    )
    return write_docx(document)


def opened(data: bytes) -> DocxDocument:
    return Document(io.BytesIO(data))


def every_run(doc: DocxDocument) -> Iterator[object]:
    """Yield every run of the body, its tables' cells included."""
    for paragraph in doc.paragraphs:
        yield from paragraph.runs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    yield from paragraph.runs


def all_text(doc: DocxDocument) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)
