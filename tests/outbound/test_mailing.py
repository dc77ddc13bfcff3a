from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from outbound.mailing import (
    BadAddress,
    OutgoingMail,
    build_message,
    clean_header_text,
    parse_address,
    valid_message_id,
)

SENDER = "Phòng Nội vụ huyện Châu Thành <phongnv-cth@tayninh.gov.vn>"
NOW = datetime(2024, 6, 26, 0, 0, tzinfo=UTC)
MID = "<cchc-receipt.1@tayninh.gov.vn>"


def parsed(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


@pytest.mark.parametrize(
    "text",
    [
        "vanthu@tayninh.gov.vn\r\nBcc: attacker@evil.example",
        "vanthu@tayninh.gov.vn, attacker@evil.example",
        "Văn thư <vanthu@tayninh.gov.vn>\nCc: x@evil.example",
        "not-an-address",
        "a@b",
        "",
    ],
)
def test_an_address_that_is_not_exactly_one_plain_address_is_refused(text: str) -> None:
    with pytest.raises(BadAddress):
        parse_address(text)


def test_a_vietnamese_display_name_is_kept_and_encoded() -> None:
    raw = build_message(OutgoingMail(SENDER, ("vanthu@tayninh.gov.vn",), "Báo cáo", "x"), MID, NOW)
    assert raw.isascii()
    message = parsed(raw)
    assert message["From"].addresses[0].display_name == "Phòng Nội vụ huyện Châu Thành"
    assert message["Subject"] == "Báo cáo"


def test_control_characters_in_a_subject_become_spaces() -> None:
    assert clean_header_text("Sáng kiến\r\nBcc: x@y\x00\tZ") == "Sáng kiến Bcc: x@y Z"


def test_a_long_subject_is_cut_and_folded_but_stays_one_header() -> None:
    subject = "Gửi sáng kiến " * 40
    message = parsed(build_message(OutgoingMail(SENDER, ("a@b.vn",), subject, "x"), MID, NOW))
    assert len(message.get_all("Subject")) == 1
    assert message["Subject"].endswith("…")


def test_a_reply_is_threaded_to_the_original_message() -> None:
    mail = OutgoingMail(SENDER, ("a@b.vn",), "Re: x", "x", in_reply_to=" <abc@gmail.com> ")
    message = parsed(build_message(mail, MID, NOW))
    assert message["In-Reply-To"] == "<abc@gmail.com>"
    assert message["References"] == "<abc@gmail.com>"
    assert message["Auto-Submitted"] == "auto-generated"


@pytest.mark.parametrize(
    "value",
    ["<abc@gmail.com>\r\nBcc: x@evil.example", "abc@gmail.com", "<a b@c>", "<>", None],
)
def test_a_malformed_message_id_is_never_copied_into_a_reply(value: str | None) -> None:
    assert valid_message_id(value) is None
    message = parsed(
        build_message(OutgoingMail(SENDER, ("a@b.vn",), "x", "x", in_reply_to=value), MID, NOW)
    )
    assert message["In-Reply-To"] is None
    assert message["Bcc"] is None


def test_the_digest_carries_text_and_html_alternatives() -> None:
    mail = OutgoingMail(SENDER, ("a@b.vn",), "x", "Chưa nộp", html="<p>Chưa nộp</p>")
    message = parsed(build_message(mail, MID, NOW))
    assert message.get_content_type() == "multipart/alternative"
    body = message.get_body(("plain",))
    assert body is not None and body.get_content().strip() == "Chưa nộp"
    html = message.get_body(("html",))
    assert html is not None and "<p>Chưa nộp</p>" in html.get_content()
