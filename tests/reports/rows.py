"""Report rows for tests of the pure read side."""

from __future__ import annotations

from datetime import UTC, date, datetime

from parsers.campaign import Campaign
from parsers.roster import Roster, Unit, UnitKind
from store.read import AttachmentRow, InitiativeRow, SubmissionRow

CAMPAIGN = Campaign("Sáng kiến CCHC 2024", date(2024, 5, 15), date(2024, 6, 25), "Asia/Ho_Chi_Minh")
ROSTER = Roster(
    units=(
        Unit("xa-thai-binh", "UBND xã Thái Bình", UnitKind.COMMUNE, True, ("tb@tayninh.gov.vn",)),
        Unit("xa-an-co", "UBND xã An Cơ", UnitKind.COMMUNE, True, ("anco@tayninh.gov.vn",)),
        Unit("phong-tu-phap", "Phòng Tư pháp", UnitKind.OFFICE, True),
        Unit("hoi-nong-dan", "Hội Nông dân huyện", UnitKind.MASS_ORG, False),
    )
)


def submission(
    ident: int,
    unit: str | None,
    received_at: datetime,
    timing: str = "on_time",
    title: str | None = "Số hóa hồ sơ một cửa",
    status: str = "accepted",
    filename: str = "sang-kien.docx",
    reasons: tuple[str, ...] = (),
    subject: str = "Gửi sáng kiến",
    sender: str = "tb@tayninh.gov.vn",
) -> SubmissionRow:
    initiatives = (
        (
            InitiativeRow(
                title,
                title.casefold(),
                "cải cách thủ tục hành chính",
                ("Nguyễn Văn A", "Trần Thị Bé"),
                filename,
            ),
        )
        if title
        else ()
    )
    return SubmissionRow(
        id=ident,
        mailbox="phongnv",
        uid=ident,
        message_id=f"<m{ident}@example.vn>",
        received_at=received_at.astimezone(UTC),
        from_address=sender,
        from_name="Văn thư",
        subject=subject,
        unit=unit,
        unit_source="address" if unit else None,
        timing=timing,
        status=status,
        parse_status="ok",
        reasons=reasons,
        attachments=(
            AttachmentRow(filename, "application/pdf", 1000, "a" * 64, True, "ok", 10, None),
        ),
        initiatives=initiatives,
    )
