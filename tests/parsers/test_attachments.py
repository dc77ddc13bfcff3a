"""Attachments flattened out of archives and forwarded messages, with their limits."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

from parsers.analysis import AnalysedAttachment, Rules, analyse
from parsers.campaign import Campaign
from parsers.documents import ExtractStatus
from parsers.limits import Limits
from scripts.make_parser_corpus import zip_nested

CORPUS = Path(__file__).parents[1] / "data" / "parsers"
RULES = Rules(
    campaigns=(Campaign("CCHC 2024", date(2024, 5, 15), date(2024, 6, 25), "Asia/Ho_Chi_Minh"),),
    address_book={"vanthu.anco@tayninh.gov.vn": "xa-an-co"},
    own_addresses=frozenset({"phongnv-cth@tayninh.gov.vn"}),
)
RECEIVED = datetime(2024, 6, 1, 2, 0, tzinfo=UTC)


def message_with(*files: tuple[str, bytes]) -> bytes:
    message = EmailMessage()
    message["From"] = "UBND xã An Cơ <vanthu.anco@tayninh.gov.vn>"
    message["To"] = "phongnv-cth@tayninh.gov.vn"
    message["Subject"] = "Gửi sáng kiến"
    message.set_content("Kính gửi Phòng Nội vụ.")
    for name, data in files:
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message.as_bytes()


def analysed(*files: tuple[str, bytes], limits: Limits | None = None) -> list[AnalysedAttachment]:
    rules = RULES if limits is None else Rules(**{**RULES.__dict__, "limits": limits})
    return list(analyse(message_with(*files), RECEIVED, rules).attachments)


def row(item: AnalysedAttachment) -> tuple[str, str | None, str | None]:
    status = item.extraction.status.value if item.extraction else None
    return item.filename, item.parent, status


def test_a_zip_bundle_is_flattened_with_each_member_naming_its_archive() -> None:
    items = analysed(("Hồ sơ.zip", (CORPUS / "bundle.zip").read_bytes()))
    assert [row(i) for i in items] == [
        ("Hồ sơ.zip", None, None),
        ("Đơn yêu cầu.docx", "Hồ sơ.zip", "ok"),
        # Written by a Windows archiver in its code page, without the UTF-8 flag.
        ("Báo cáo.pdf", "Hồ sơ.zip", "ok"),
        # "../../etc/cron.d/evil.docx": only the base name is kept.
        ("evil.docx", "Hồ sơ.zip", "ok"),
    ]
    archive, form = items[0], items[1]
    assert not archive.is_document
    assert form.initiative is not None and form.initiative.issuer == "PHÒNG TƯ PHÁP"


def test_the_members_of_an_archive_count_as_the_messages_documents() -> None:
    result = analyse(
        message_with(("Hồ sơ.zip", (CORPUS / "bundle.zip").read_bytes())), RECEIVED, RULES
    )
    assert result.classification.status.value == "accepted"


def test_a_zip_bomb_is_refused_with_its_reason() -> None:
    [bomb] = analysed(("bom.zip", (CORPUS / "zip-bomb.zip").read_bytes()))
    assert bomb.is_document
    assert bomb.extraction is not None
    assert bomb.extraction.status is ExtractStatus.REFUSED
    assert "compression ratio" in bomb.extraction.reason


def test_a_member_that_inflates_past_the_limit_is_refused_even_when_its_ratio_is_low() -> None:
    [bundle] = analysed(
        ("b.zip", (CORPUS / "bundle.zip").read_bytes()), limits=Limits(max_file_bytes=20_000)
    )
    assert bundle.extraction is not None
    assert bundle.extraction.status is ExtractStatus.REFUSED


def test_an_archive_with_too_many_members_is_refused() -> None:
    [bundle] = analysed(
        ("b.zip", (CORPUS / "bundle.zip").read_bytes()), limits=Limits(max_members=2)
    )
    assert bundle.extraction is not None
    assert bundle.extraction.reason == "too many members (5 > 2)"


def test_archives_nested_deeper_than_the_limit_are_refused_at_that_depth() -> None:
    items = analysed(("lớp 0.zip", zip_nested(5)))
    assert [row(i) for i in items] == [
        ("lớp 0.zip", None, None),
        ("lớp 1.zip", "lớp 0.zip", None),
        ("lớp 2.zip", "lớp 1.zip", None),
        ("lớp 3.zip", "lớp 2.zip", "refused"),
    ]
    assert items[-1].extraction is not None
    assert items[-1].extraction.reason == "archive nested deeper than 3 levels"


def test_nesting_within_the_limit_reaches_the_document() -> None:
    items = analysed(("lớp 0.zip", zip_nested(3)))
    assert row(items[-1]) == ("sâu.pdf", "lớp 2.zip", "ok")


def test_an_encrypted_archive_member_is_reported_encrypted() -> None:
    items = analysed(("mật.zip", (CORPUS / "encrypted-member.zip").read_bytes()))
    assert [row(i) for i in items] == [
        ("mật.zip", None, None),
        ("mật.docx", "mật.zip", "encrypted"),
    ]


def test_a_broken_zip_is_an_error() -> None:
    [broken] = analysed(("hỏng.zip", b"PK\x03\x04broken"))
    assert broken.extraction is not None
    assert broken.extraction.status is ExtractStatus.ERROR


def test_a_7z_bundle_is_flattened_like_a_zip() -> None:
    items = analysed(("Hồ sơ.7z", (CORPUS / "bundle.7z").read_bytes()))
    assert [row(i) for i in items] == [
        ("Hồ sơ.7z", None, None),
        ("Báo cáo An Cơ.docx", "Hồ sơ.7z", "ok"),
        ("ghi chú.txt", "Hồ sơ.7z", None),
    ]
    assert items[1].initiative is not None
    assert items[1].initiative.issuer == "ỦY BAN NHÂN DÂN XÃ AN CƠ"


def test_a_7z_that_unpacks_past_the_size_limit_is_refused() -> None:
    [archive] = analysed(
        ("b.7z", (CORPUS / "bundle.7z").read_bytes()), limits=Limits(max_unpacked_bytes=10_000)
    )
    assert archive.extraction is not None
    assert archive.extraction.status is ExtractStatus.REFUSED


def test_a_broken_7z_is_an_error() -> None:
    [archive] = analysed(("hỏng.7z", b"7z\xbc\xaf\x27\x1c broken"))
    assert archive.extraction is not None
    assert archive.extraction.status is ExtractStatus.ERROR


def test_an_outlook_winmail_dat_gives_the_files_inside_it() -> None:
    items = analysed(("winmail.dat", (CORPUS / "winmail.dat").read_bytes()))
    assert [row(i) for i in items] == [
        ("winmail.dat", None, None),
        ("Báo cáo.pdf", "winmail.dat", "ok"),
    ]


def test_the_attachments_of_a_forwarded_message_name_it_as_parent() -> None:
    inner = EmailMessage()
    inner["From"] = "Phòng Tư pháp <ptp.chauthanh@tayninh.gov.vn>"
    inner["Subject"] = "Sáng kiến P.TP"
    inner.set_content("Gửi kèm.")
    inner.add_attachment(
        (CORPUS / "bundle.zip").read_bytes(),
        maintype="application",
        subtype="zip",
        filename="Hồ sơ.zip",
    )
    outer = EmailMessage()
    outer["From"] = "nva@gmail.com"
    outer["Subject"] = "Fwd: Sáng kiến P.TP"
    outer.set_content("Chuyển tiếp.")
    outer.add_attachment(inner)
    result = analyse(outer.as_bytes(), RECEIVED, RULES)
    assert [row(i)[:2] for i in result.attachments] == [
        ("Sáng kiến P.TP.eml", None),
        ("Hồ sơ.zip", "Sáng kiến P.TP.eml"),
        ("Đơn yêu cầu.docx", "Hồ sơ.zip"),
        ("Báo cáo.pdf", "Hồ sơ.zip"),
        ("evil.docx", "Hồ sơ.zip"),
    ]
    assert result.message.forwarded[0].from_address == "ptp.chauthanh@tayninh.gov.vn"


def test_a_huge_attachment_is_stored_but_not_read() -> None:
    [big] = analysed(("to.pdf", b"%PDF-1.4\n" + b"0" * 5000), limits=Limits(max_file_bytes=4096))
    assert big.extraction is not None
    assert big.extraction.status is ExtractStatus.REFUSED
    assert len(big.data) == 5009


def outlook_message(data: bytes, filename: str = "Sáng kiến P.TP.msg") -> bytes:
    """Return a message forwarded by a staff member's Gmail with an Outlook item attached."""
    outer = EmailMessage()
    outer["From"] = "nva@gmail.com"
    outer["To"] = "phongnv-cth@tayninh.gov.vn"
    outer["Subject"] = "Fwd: sáng kiến"
    outer.set_content("Chuyển tiếp thư của Phòng Tư pháp.")
    outer.add_attachment(data, maintype="application", subtype="vnd.ms-outlook", filename=filename)
    return outer.as_bytes()


def test_an_outlook_item_gives_its_attachments_and_their_initiative() -> None:
    result = analyse(
        outlook_message((CORPUS / "outlook-tu-phap.msg").read_bytes()), RECEIVED, RULES
    )
    assert [row(i) for i in result.attachments] == [
        ("Sáng kiến P.TP.msg", None, None),
        ("Đơn yêu cầu công nhận sáng kiến.docx", "Sáng kiến P.TP.msg", "ok"),
    ]
    form = result.attachments[1]
    assert form.initiative is not None
    assert form.initiative.title.startswith("Ứng dụng phần mềm quản lý hồ sơ chứng thực")


def test_an_outlook_items_sender_and_date_reach_classification_as_a_forwarded_origin() -> None:
    result = analyse(
        outlook_message((CORPUS / "outlook-tu-phap.msg").read_bytes()), RECEIVED, RULES
    )
    [origin] = result.message.forwarded
    assert origin.from_address == "ptp.chauthanh@tayninh.gov.vn"
    assert origin.from_name == "Phòng Tư pháp huyện Châu Thành"
    assert origin.subject == "Sáng kiến của Phòng Tư pháp năm 2024"
    assert origin.date == datetime(2024, 5, 20, 2, 30, tzinfo=UTC)
    assert result.attachments[0].origin == origin


def test_an_outlook_item_without_a_file_name_is_named_by_its_subject() -> None:
    result = analyse(
        outlook_message((CORPUS / "outlook-tu-phap.msg").read_bytes(), filename=""),
        RECEIVED,
        RULES,
    )
    assert result.attachments[0].filename == "Sáng kiến của Phòng Tư pháp năm 2024.msg"
    assert result.attachments[1].parent == "Sáng kiến của Phòng Tư pháp năm 2024.msg"


def test_a_msg_that_is_not_ole_is_an_unreadable_attachment_with_its_reason() -> None:
    for data in (
        b"From: someone\r\n\r\nnot Outlook",
        (CORPUS / "outlook-tu-phap.msg").read_bytes()[:3000],
    ):
        result = analyse(outlook_message(data), RECEIVED, RULES)
        [item] = result.attachments
        assert item.extraction is not None
        assert item.extraction.status is ExtractStatus.ERROR
        assert item.extraction.reason
        assert result.message.forwarded == ()


def test_an_outlook_item_respects_the_size_and_depth_limits() -> None:
    data = (CORPUS / "outlook-tu-phap.msg").read_bytes()
    [big] = analysed(("a.msg", data), limits=Limits(max_file_bytes=20_000))
    assert big.extraction is not None and big.extraction.status is ExtractStatus.REFUSED
    assert "size limit" in big.extraction.reason
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.msg", data)
    nested = buffer.getvalue()
    items = analysed(("b.zip", nested), limits=Limits(max_depth=1))
    assert [row(i) for i in items] == [("b.zip", None, None), ("a.msg", "b.zip", "refused")]


def test_the_unit_of_an_outlook_item_is_its_sender_not_the_forwarder() -> None:
    rules = Rules(**{**RULES.__dict__, "address_book": {"ptp.chauthanh@tayninh.gov.vn": "ptp"}})
    result = analyse(
        outlook_message((CORPUS / "outlook-tu-phap.msg").read_bytes()), RECEIVED, rules
    )
    assert result.classification.unit == "ptp"
    assert result.classification.unit_source is not None
    assert result.classification.unit_source.value == "forwarded"
