from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from parsers.campaign import Campaign, Timing
from parsers.classify import DocumentSummary, Status, UnitSource, classify
from parsers.documents import ExtractStatus
from parsers.mail import ParsedMessage

ICT = timezone(timedelta(hours=7))
CAMPAIGN = Campaign("CCHC 2024", date(2024, 5, 15), date(2024, 6, 25), "Asia/Ho_Chi_Minh")
BOOK = {"vanthu.thaibinh@tayninh.gov.vn": "xa-thai-binh"}
OWN = frozenset({"phongnv-cth@tayninh.gov.vn"})
ON_TIME = datetime(2024, 6, 1, 9, 0, tzinfo=ICT)
DOCX = DocumentSummary("sang-kien.docx", ExtractStatus.OK)


def message(
    sender: str = "vanthu.thaibinh@tayninh.gov.vn", auto: str | None = None
) -> ParsedMessage:
    return ParsedMessage(
        message_id="<1@x>",
        subject="Gửi sáng kiến CCHC năm 2024",
        from_address=sender,
        from_name="",
        date_header=None,
        body_text="",
        auto_submitted=auto,
        attachments=(),
    )


def test_a_known_address_with_a_document_on_time_is_accepted() -> None:
    verdict = classify(message(), [DOCX], ON_TIME, CAMPAIGN, BOOK, OWN)
    assert (verdict.unit, verdict.unit_source) == ("xa-thai-binh", UnitSource.ADDRESS)
    assert (verdict.status, verdict.timing, verdict.reasons) == (
        Status.ACCEPTED,
        Timing.ON_TIME,
        (),
    )


def test_address_matching_ignores_case() -> None:
    verdict = classify(
        message("VanThu.ThaiBinh@TayNinh.gov.vn"), [DOCX], ON_TIME, CAMPAIGN, BOOK, OWN
    )
    assert verdict.unit == "xa-thai-binh"


def test_an_unknown_address_needs_review() -> None:
    verdict = classify(message("someone@gmail.com"), [DOCX], ON_TIME, CAMPAIGN, BOOK, OWN)
    assert verdict.unit is None
    assert verdict.status is Status.NEEDS_REVIEW
    assert "unknown_unit" in verdict.reasons


def test_a_message_without_a_document_needs_review() -> None:
    verdict = classify(message(), [], ON_TIME, CAMPAIGN, BOOK, OWN)
    assert verdict.status is Status.NEEDS_REVIEW
    assert verdict.reasons == ("no_document",)


def test_an_unreadable_document_is_accepted_and_flagged() -> None:
    broken = DocumentSummary("scan.pdf", ExtractStatus.ENCRYPTED)
    verdict = classify(message(), [broken], ON_TIME, CAMPAIGN, BOOK, OWN)
    assert verdict.status is Status.ACCEPTED
    assert verdict.reasons == ("unreadable_attachment",)


def test_a_late_submission_is_accepted_and_flagged_late() -> None:
    late = datetime(2024, 6, 26, 0, 0, 10, tzinfo=ICT)
    verdict = classify(message(), [DOCX], late, CAMPAIGN, BOOK, OWN)
    assert (verdict.status, verdict.timing, verdict.reasons) == (
        Status.ACCEPTED,
        Timing.LATE,
        ("late",),
    )


def test_auto_replies_and_own_mail_are_ignored() -> None:
    auto = classify(message(auto="auto-replied"), [DOCX], ON_TIME, CAMPAIGN, BOOK, OWN)
    own = classify(message("phongnv-cth@tayninh.gov.vn"), [DOCX], ON_TIME, CAMPAIGN, BOOK, OWN)
    bounce = classify(
        message("MAILER-DAEMON@tayninh.gov.vn".lower()), [], ON_TIME, CAMPAIGN, BOOK, OWN
    )
    assert auto.status is own.status is bounce.status is Status.IGNORED


def test_auto_submitted_no_is_a_person_writing() -> None:
    verdict = classify(message(auto="no"), [DOCX], ON_TIME, CAMPAIGN, BOOK, OWN)
    assert verdict.status is Status.ACCEPTED
