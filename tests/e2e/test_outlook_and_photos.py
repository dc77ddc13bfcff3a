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


def test_a_msg_that_is_not_an_outlook_item_is_named_with_its_reason_and_the_rest_is_read(
    register: Register,
) -> None:
    message = EmailMessage()
    message["From"] = "ptp.chauthanh@tayninh.gov.vn"
    message["To"] = "phongnv-cth@tayninh.gov.vn"
    message["Subject"] = "Gửi sáng kiến năm 2024"
    message["Message-ID"] = "<not-ole-1@tayninh.gov.vn>"
    message.set_content("Kính gửi Phòng Nội vụ.")
    # Renamed by hand, or cut short on the way: a .msg whose bytes are not OLE.
    message.add_attachment(
        b"From: someone\r\n\r\nnot a compound file",
        maintype="application",
        subtype="vnd.ms-outlook",
        filename="thư gốc.msg",
    )
    message.add_attachment(
        OUTLOOK_ITEM.read_bytes(),
        maintype="application",
        subtype="vnd.ms-outlook",
        filename="Sáng kiến Phòng Tư pháp.msg",
    )
    register.dovecot.append(message.as_bytes(), RECEIVED, folder=register.folder)
    register.run("poll")
    row = rows(register)["<not-ole-1@tayninh.gov.vn>"]
    files = {a["filename"]: a for a in row["attachments"]}
    broken = files["thư gốc.msg"]
    assert (broken["extract_status"], broken["extract_reason"]) == (
        "error",
        "not an Outlook item: not an OLE compound file",
    )
    # The good item beside it is read, with the form inside it.
    assert [i["title"] for i in row["initiatives"]] == [OFFICIAL_TITLE]
    assert row["unit"] == "phong-tu-phap"


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
