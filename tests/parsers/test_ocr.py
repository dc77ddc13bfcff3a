"""Scanned PDFs (page images, no text layer) are read with Tesseract's Vietnamese model."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from parsers.documents import ExtractStatus, extract_text
from parsers.initiatives import find_initiative
from parsers.limits import Limits

FONTS = Path("/usr/share/fonts/truetype/dejavu")  # fonts-dejavu-core, from scripts/setup
TITLE = "Số hóa hồ sơ chứng thực tại bộ phận một cửa xã An Cơ"
PAGE_ONE = [
    ("ỦY BAN NHÂN DÂN", True),
    ("XÃ AN CƠ", True),
    ("", False),
    ("BÁO CÁO MÔ TẢ SÁNG KIẾN", True),
    ("1. Tên sáng kiến: Số hóa hồ sơ chứng thực tại bộ phận", False),
    ("một cửa xã An Cơ", False),
    ("2. Lĩnh vực áp dụng sáng kiến: Cải cách thủ tục hành chính", False),
    ("3. Tác giả: Nguyễn Văn Bình", False),
]
PAGE_TWO = [("4. Mô tả bản chất của sáng kiến: người dân nộp hồ sơ qua mạng.", False)]


def page(lines: list[tuple[str, bool]]) -> Image.Image:
    """Return an A4 page at 300 dpi with ``lines`` in 12-point DejaVu, as a scanner gives it."""
    regular = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), 46)
    bold = ImageFont.truetype(str(FONTS / "DejaVuSans-Bold.ttf"), 46)
    image = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(image)
    for number, (text, strong) in enumerate(lines):
        draw.text((220, 300 + number * 66), text, font=bold if strong else regular, fill=0)
    return image


def scanned_pdf(*pages: list[tuple[str, bool]]) -> bytes:
    """Return a PDF whose pages are only images: no text layer at all."""
    images = [page(lines) for lines in pages]
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=300.0, save_all=True, append_images=images[1:])
    return buffer.getvalue()


@pytest.fixture(scope="module")
def scan() -> bytes:
    return scanned_pdf(PAGE_ONE)


def test_the_scan_really_has_no_text_layer(scan: bytes) -> None:
    extraction = extract_text("scan.pdf", "application/pdf", scan, Limits(ocr=False))
    assert extraction.status is ExtractStatus.EMPTY
    assert extraction.reason == "no text layer (scanned image?); OCR off"


def test_a_scanned_pdf_is_read_by_ocr_and_says_so(scan: bytes) -> None:
    extraction = extract_text("scan.pdf", "application/pdf", scan)
    assert extraction.status is ExtractStatus.OK
    assert extraction.reason == "OCR (tesseract, vie): 1 page"
    assert "BÁO CÁO MÔ TẢ SÁNG KIẾN" in extraction.text
    assert "Nguyễn Văn Bình" in extraction.text
    assert unicodedata.is_normalized("NFC", extraction.text)


def test_the_initiative_of_a_scan_is_found_with_its_two_line_title(scan: bytes) -> None:
    extraction = extract_text("scan.pdf", "application/pdf", scan)
    initiative = find_initiative(extraction.text)
    assert initiative is not None
    assert initiative.title == TITLE
    assert initiative.field == "Cải cách thủ tục hành chính"
    assert initiative.issuer == "ỦY BAN NHÂN DÂN XÃ AN CƠ"


def test_only_the_first_ocr_max_pages_are_read() -> None:
    data = scanned_pdf(PAGE_ONE, PAGE_TWO)
    extraction = extract_text("scan.pdf", "application/pdf", data, Limits(ocr_max_pages=1))
    assert extraction.status is ExtractStatus.OK
    assert extraction.reason == "OCR (tesseract, vie): first 1 of 2 pages (ocr_max_pages = 1)"
    assert "Mô tả bản chất" not in extraction.text


def test_without_tesseract_a_scan_stays_empty_and_says_why(
    scan: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder with no programs in it
    extraction = extract_text("scan.pdf", "application/pdf", scan)
    assert extraction.status is ExtractStatus.EMPTY
    assert extraction.reason == (
        "no text layer (scanned image?); OCR unavailable: tesseract is not installed"
    )


def test_ocr_stops_at_the_time_limit_and_the_scan_stays_empty(scan: bytes) -> None:
    # No page is rasterised and read within a millisecond.
    extraction = extract_text("scan.pdf", "application/pdf", scan, Limits(timeout_seconds=0.001))
    assert extraction.status is ExtractStatus.EMPTY
    assert "0 of 1 pages, stopped: time limit" in extraction.reason


def test_a_drawing_without_words_is_not_turned_into_text() -> None:
    lines_only = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(lines_only)
    for step in range(20):
        draw.rectangle((100 + step * 50, 100 + step * 50, 700 + step * 50, 340 + step * 50))
    buffer = io.BytesIO()
    lines_only.save(buffer, "PDF", resolution=300.0)
    extraction = extract_text("scan.pdf", "application/pdf", buffer.getvalue())
    assert extraction.status is ExtractStatus.EMPTY
    assert "OCR (tesseract, vie) found no text" in extraction.reason
