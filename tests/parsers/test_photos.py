"""Photographed pages read by OCR as documents; logos and pictures in the body are not."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.message import EmailMessage

import pytest

from parsers.analysis import Analysis, Rules, analyse
from parsers.campaign import Campaign
from parsers.documents import ExtractStatus
from parsers.limits import Limits
from parsers.ocr import find_tesseract
from parsers.photos import read_photo
from scripts.make_photos import TITLE, logo, page_photo

needs_ocr = pytest.mark.skipif(
    bool(find_tesseract().missing), reason="tesseract with Vietnamese data is not installed"
)
RULES = Rules(
    campaigns=(Campaign("CCHC 2024", date(2024, 5, 15), date(2024, 6, 25), "Asia/Ho_Chi_Minh"),),
    address_book={"vanthu.anco@tayninh.gov.vn": "xa-an-co"},
    own_addresses=frozenset({"phongnv-cth@tayninh.gov.vn"}),
)
RECEIVED = datetime(2024, 6, 1, 2, 0, tzinfo=UTC)


def sent(*images: tuple[str, str, bytes], html_shows: str = "") -> Analysis:
    """Analyse a commune's message carrying ``images`` (name, subtype, bytes).

    ``html_shows`` names one image the HTML body displays through its Content-ID.
    """
    message = EmailMessage()
    message["From"] = "UBND xã An Cơ <vanthu.anco@tayninh.gov.vn>"
    message["To"] = "phongnv-cth@tayninh.gov.vn"
    message["Subject"] = "Gửi sáng kiến"
    message.set_content("Kính gửi Phòng Nội vụ.")
    message.add_alternative(
        '<p>Kính gửi Phòng Nội vụ.</p><img src="cid:anh-1@anco">', subtype="html"
    )
    for name, subtype, data in images:
        if name == html_shows:
            html = message.get_payload()[1]
            html.add_related(data, "image", subtype, cid="<anh-1@anco>", filename=name)
        else:
            message.add_attachment(data, maintype="image", subtype=subtype, filename=name)
    return analyse(message.as_bytes(), RECEIVED, RULES)


@needs_ocr
def test_a_photographed_page_is_a_document_naming_its_initiative_and_unit() -> None:
    # Turned 2.5°, skewed, at half contrast, speckled, saved as a JPEG.
    result = sent(("IMG_2041.jpg", "jpeg", page_photo()))
    [photo] = result.attachments
    assert photo.is_document
    assert photo.extraction is not None
    assert photo.extraction.status is ExtractStatus.OK
    assert "photographed page" in photo.extraction.reason
    assert photo.initiative is not None
    assert photo.initiative.title == TITLE
    assert photo.initiative.issuer == "ỦY BAN NHÂN DÂN XÃ AN CƠ"
    assert result.classification.status.value == "accepted"


@needs_ocr
@pytest.mark.parametrize(
    ("fmt", "turned", "exif_turned"),
    [("PNG", 90, False), ("HEIF", 0, True)],
    ids=["png-on-its-side", "heic-turned-by-exif"],
)
def test_a_page_photographed_sideways_is_turned_upright(
    fmt: str, turned: int, exif_turned: bool
) -> None:
    data = page_photo(fmt=fmt, angle=-3, contrast=0.4, turned=turned, exif_turned=exif_turned)
    reading = read_photo(data, Limits())
    assert reading.is_page, reading.reason
    assert TITLE in reading.text


def test_a_signature_logo_is_a_picture_not_a_document() -> None:
    result = sent(("logo.png", "png", logo()))
    [image] = result.attachments
    assert not image.is_document and image.extraction is None
    assert "no_document" in result.classification.reasons


@needs_ocr
def test_an_image_without_text_is_not_a_page_with_what_was_measured() -> None:
    reading = read_photo(logo(size=(900, 700), fmt="JPEG"), Limits())
    assert not reading.is_page
    assert "words at" in reading.reason


def test_a_page_the_html_body_shows_is_not_read_as_a_document() -> None:
    # Even a page: what the body displays is part of the message, not a file sent in.
    result = sent(("page.jpg", "jpeg", page_photo()), html_shows="page.jpg")
    [image] = result.attachments
    assert not image.is_document and image.extraction is None


@needs_ocr
def test_an_image_over_the_pixel_limit_is_refused_unread() -> None:
    reading = read_photo(page_photo(fmt="PNG"), Limits(photo_max_pixels=100_000))
    assert reading.refused and "pixel limit" in reading.reason
