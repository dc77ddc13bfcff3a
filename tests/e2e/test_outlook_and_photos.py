"""An Outlook item and a photographed page, polled from the real Dovecot, reach the register.

The .msg is tests/data/parsers/outlook-tu-phap.msg (scripts/make_parser_corpus.py);
the photo is drawn by scripts/make_photos.py: a page turned, skewed, greyed, speckled.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

import pytest

from parsers.ocr import find_tesseract
from scripts.make_parser_corpus import OFFICIAL_TITLE
from scripts.make_photos import TITLE, page_photo
from tests.e2e.conftest import ROOT, Register

pytestmark = pytest.mark.dovecot

OUTLOOK_ITEM = ROOT / "tests" / "data" / "parsers" / "outlook-tu-phap.msg"
RECEIVED = datetime(2024, 6, 3, 2, 0, tzinfo=UTC)


def forwarded_outlook_item() -> bytes:
    message = EmailMessage()
    message["From"] = "Nguyễn Văn A <nva.chauthanh@gmail.com>"
    message["To"] = "phongnv-cth@tayninh.gov.vn"
    message["Subject"] = "Fwd: sáng kiến Phòng Tư pháp"
    message["Message-ID"] = "<outlook-item-1@gmail.test>"
    message["Date"] = "Mon, 03 Jun 2024 09:00:00 +0700"
    message.set_content("Em chuyển tiếp thư của Phòng Tư pháp.")
    message.add_attachment(
        OUTLOOK_ITEM.read_bytes(),
        maintype="application",
        subtype="vnd.ms-outlook",
        filename="Sáng kiến Phòng Tư pháp.msg",
    )
    return message.as_bytes()


def photographed_page() -> bytes:
    message = EmailMessage()
    message["From"] = "vanthu.anco.tn@gmail.com"
    message["To"] = "phongnv-cth@tayninh.gov.vn"
    message["Subject"] = "Gửi báo cáo sáng kiến"
    message["Message-ID"] = "<photo-page-1@gmail.test>"
    message["Date"] = "Mon, 03 Jun 2024 09:05:00 +0700"
    message.set_content("Gửi ảnh chụp báo cáo.\n\nSent from my iPhone")
    message.add_attachment(page_photo(), maintype="image", subtype="jpeg", filename="IMG_2041.jpg")
    return message.as_bytes()


def rows(register: Register) -> dict[str, dict[str, Any]]:
    found = register.json("report", "submissions")["submissions"]
    assert isinstance(found, list)
    return {row["message_id"]: row for row in found}


def test_an_outlook_items_form_is_registered_under_its_sender(register: Register) -> None:
    register.dovecot.append(forwarded_outlook_item(), RECEIVED, folder=register.folder)
    register.run("poll")
    row = rows(register)["<outlook-item-1@gmail.test>"]
    assert row["unit"] == "phong-tu-phap"
    assert [i["title"] for i in row["initiatives"]] == [OFFICIAL_TITLE]
    assert row["status"] == "accepted"


@pytest.mark.skipif(bool(find_tesseract().missing), reason="no tesseract with Vietnamese data")
def test_a_photographed_page_is_registered_with_its_initiative_and_unit(
    register: Register,
) -> None:
    register.dovecot.append(photographed_page(), RECEIVED, folder=register.folder)
    register.run("poll")
    row = rows(register)["<photo-page-1@gmail.test>"]
    assert row["unit"] == "xa-an-co"
    assert [i["title"] for i in row["initiatives"]] == [TITLE]
    assert row["status"] == "accepted"
