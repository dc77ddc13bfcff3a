from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from parsers.documents import ExtractStatus, extract_text
from parsers.initiatives import find_initiative
from parsers.limits import Limits
from scripts.make_parser_corpus import pdf_bomb

CORPUS = Path(__file__).parents[1] / "data" / "parsers"


def read(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def test_docx_text_has_the_page_header_the_header_table_the_body_and_the_footer_in_order() -> None:
    extraction = extract_text("đơn.docx", "", read("official-form-tu-phap.docx"))
    assert extraction.status is ExtractStatus.OK
    lines = extraction.text.splitlines()
    expected_order = [
        "Mẫu số 01 - Phụ lục I",
        "UBND HUYỆN CHÂU THÀNH",
        "PHÒNG TƯ PHÁP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "ĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN",
        "Nguyễn Thị Lan",
        "Trang 1/1 - Phòng Tư pháp huyện Châu Thành",
    ]
    assert [lines.index(line) for line in expected_order] == sorted(
        lines.index(line) for line in expected_order
    )


def test_a_header_table_laid_out_one_row_per_line_keeps_every_cell() -> None:
    text = extract_text("bc.docx", "", read("report-an-co.docx")).text
    assert "ỦY BAN NHÂN DÂN" in text.splitlines()
    assert "XÃ AN CƠ" in text.splitlines()


def test_a_text_pdf_gives_the_text_of_every_page() -> None:
    extraction = extract_text("bc.pdf", "application/pdf", read("report-thai-binh.pdf"))
    assert extraction.status is ExtractStatus.OK
    assert "XÃ THÁI BÌNH" in extraction.text
    assert "Lĩnh vực áp dụng sáng kiến: Cải cách thủ tục hành chính" in extraction.text


def test_a_pdf_that_needs_a_password_is_encrypted() -> None:
    extraction = extract_text("bc.pdf", "application/pdf", read("password.pdf"))
    assert (extraction.status, extraction.reason) == (ExtractStatus.ENCRYPTED, "password required")


def test_a_pdf_with_only_an_owner_password_opens_with_the_empty_password() -> None:
    extraction = extract_text("bc.pdf", "application/pdf", read("owner-password-only.pdf"))
    assert extraction.status is ExtractStatus.OK
    assert "XÃ THÁI BÌNH" in extraction.text


def test_an_image_only_pdf_is_empty_with_a_reason() -> None:
    extraction = extract_text("scan.pdf", "application/pdf", read("scanned.pdf"))
    assert extraction.status is ExtractStatus.EMPTY
    assert "no text layer" in extraction.reason


def test_a_pdf_named_nothing_is_recognised_by_its_content() -> None:
    extraction = extract_text(
        "part-1.bin", "application/octet-stream", read("report-thai-binh.pdf")
    )
    assert extraction.status is ExtractStatus.OK


def test_a_pdf_decompression_bomb_is_refused() -> None:
    extraction = extract_text("bom.pdf", "application/pdf", pdf_bomb())
    assert extraction.status is ExtractStatus.REFUSED
    assert "LimitReachedError" in extraction.reason


def test_a_pdf_over_the_page_limit_keeps_the_first_pages() -> None:
    extraction = extract_text(
        "bc.pdf", "application/pdf", read("report-thai-binh.pdf"), Limits(max_pdf_pages=1)
    )
    assert extraction.status is ExtractStatus.OK
    assert "XÃ THÁI BÌNH" in extraction.text
    assert "Lĩnh vực" not in extraction.text
    assert extraction.reason == "first 1 of 2 pages"


def test_xml_entity_expansion_in_a_docx_is_refused() -> None:
    extraction = extract_text("bom.docx", "", read("entity-bomb.docx"))
    assert extraction.status is ExtractStatus.REFUSED
    assert "DOCTYPE" in extraction.reason


def test_a_docx_that_is_a_zip_bomb_is_refused_before_parsing() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b" " * (30 * 1024 * 1024))
    extraction = extract_text("bom.docx", "", buffer.getvalue())
    assert extraction.status is ExtractStatus.REFUSED
    assert "compression ratio" in extraction.reason


def test_a_file_over_the_size_limit_is_refused_without_reading_it() -> None:
    extraction = extract_text("big.pdf", "application/pdf", b"%PDF-" + b"0" * 2000, Limits(1000))
    assert extraction.status is ExtractStatus.REFUSED
    assert "over the 1000 limit" in extraction.reason


def test_a_broken_docx_is_an_error_with_a_reason() -> None:
    extraction = extract_text("hỏng.docx", "", b"PK\x03\x04 not really a zip")
    assert extraction.status is ExtractStatus.ERROR
    assert extraction.reason


def test_a_picture_that_cannot_be_a_page_is_empty_with_why() -> None:
    # Photographed pages are read (tests/parsers/test_photos.py); a broken JPEG is not one.
    extraction = extract_text("ảnh.jpg", "image/jpeg", b"\xff\xd8\xff")
    assert extraction.status is ExtractStatus.EMPTY
    assert extraction.reason


def test_a_tcvn3_docx_is_converted_to_unicode() -> None:
    extraction = extract_text("tcvn3.docx", "", read("tcvn3-tc-kh.docx"))
    assert extraction.status is ExtractStatus.OK
    assert extraction.reason == "converted from TCVN3"
    assert "Phòng Tài chính - Kế hoạch" in extraction.text
    found = find_initiative(extraction.text)
    assert found is not None
    assert found.title == "Thanh toán không dùng tiền mặt trong thu phí, lệ phí"


def test_an_odt_document_gives_its_paragraphs() -> None:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
        "<text:h>BÁO CÁO MÔ TẢ SÁNG KIẾN</text:h><text:p>1. Tên sáng kiến: Một cửa số</text:p>"
        "</office:text></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content.encode())
    extraction = extract_text("bc.odt", "", buffer.getvalue())
    assert extraction.text.splitlines() == [
        "BÁO CÁO MÔ TẢ SÁNG KIẾN",
        "1. Tên sáng kiến: Một cửa số",
    ]


needs_antiword = pytest.mark.skipif(
    shutil.which("antiword") is None, reason="antiword is not installed (scripts/setup)"
)


@needs_antiword
def test_a_word_97_document_gives_its_text_through_antiword() -> None:
    extraction = extract_text("bc.doc", "application/msword", read("word97-hao-duoc.doc"))
    assert extraction.status is ExtractStatus.OK
    found = find_initiative(extraction.text)
    assert found is not None
    assert found.title == "Sổ tay điện tử thủ tục hành chính cấp xã"
    assert found.issuer == "ỦY BAN NHÂN DÂN XÃ HẢO ĐƯỚC"


@needs_antiword
def test_a_word_97_document_typed_in_tcvn3_is_converted() -> None:
    extraction = extract_text("cu.doc", "", read("word97-tcvn3.doc"))
    assert (extraction.status, extraction.reason) == (ExtractStatus.OK, "converted from TCVN3")
    assert "Cộng hòa xã hội chủ nghĩa Việt Nam" in extraction.text


@needs_antiword
def test_a_password_protected_word_97_document_is_encrypted() -> None:
    extraction = extract_text("mat.doc", "", read("word97-encrypted.doc"))
    assert extraction.status is ExtractStatus.ENCRYPTED


def test_a_word_97_document_is_unsupported_when_antiword_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    extraction = extract_text("bc.doc", "application/msword", read("word97-hao-duoc.doc"))
    assert (extraction.status, extraction.reason) == (
        ExtractStatus.UNSUPPORTED,
        "antiword is not installed",
    )


@needs_antiword
def test_a_file_that_is_not_really_a_word_97_document_is_an_error() -> None:
    extraction = extract_text("cũ.doc", "application/msword", b"\xd0\xcf\x11\xe0 not ole")
    assert extraction.status is ExtractStatus.ERROR
    assert extraction.reason.startswith("antiword")


def test_control_characters_never_reach_the_text() -> None:
    from parsers.documents import _result

    assert _result("Xã\x00 An\x07 Cơ").text == "Xã An Cơ"


def test_an_rtf_document_gives_its_text_from_unicode_escapes_and_code_page_bytes() -> None:
    extraction = extract_text("bc.rtf", "application/rtf", read("report-thanh-dien.rtf"))
    assert extraction.status is ExtractStatus.OK
    assert extraction.text.splitlines() == [
        "ỦY BAN NHÂN DÂN",
        "XÃ THANH ĐIỀN",
        "BÁO CÁO MÔ TẢ SÁNG KIẾN",
        "1. Tên sáng kiến: Phần mềm hội nghị trực tuyến",
        "2. Tác giả: Huỳnh Văn Lộc",
    ]
    # The author in the skipped \info group is not document text.
    assert "Văn thư" not in extraction.text


def test_a_file_named_rtf_that_is_not_rtf_is_an_error() -> None:
    extraction = extract_text("bc.rtf", "", b"PK\x03\x04")
    assert (extraction.status, extraction.reason) == (ExtractStatus.ERROR, "not an RTF document")


def test_a_letterhead_typed_in_a_text_box_is_read_once() -> None:
    import docx
    from docx.oxml import parse_xml

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    box = (
        f'<w:r xmlns:w="{w}" xmlns:v="urn:schemas-microsoft-com:vml"'
        ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        "<mc:AlternateContent><mc:Choice Requires='wps'><w:drawing><w:txbxContent>"
        "<w:p><w:r><w:t>PHÒNG VĂN HÓA VÀ THÔNG TIN</w:t></w:r></w:p>"
        "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox>"
        "<w:txbxContent><w:p><w:r><w:t>PHÒNG VĂN HÓA VÀ THÔNG TIN</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
    document = docx.Document()
    document.add_paragraph("Kính gửi: Phòng Nội vụ")._p.append(parse_xml(box))
    buffer = io.BytesIO()
    document.save(buffer)
    text = extract_text("vh.docx", "", buffer.getvalue()).text
    assert text.count("PHÒNG VĂN HÓA VÀ THÔNG TIN") == 1


def test_an_xlsx_list_gives_one_line_per_row() -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["STT", "Tên sáng kiến", "Đơn vị"])
    sheet.append([1, "Một cửa số", "Xã Trí Bình"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    extraction = extract_text("danh sách.xlsx", "", buffer.getvalue())
    assert extraction.status is ExtractStatus.OK
    assert extraction.text.splitlines() == [
        "STT\tTên sáng kiến\tĐơn vị",
        "1\tMột cửa số\tXã Trí Bình",
    ]
