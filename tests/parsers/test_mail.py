from __future__ import annotations

import base64
import unicodedata
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest

from parsers.headers import decode_bytes, header_text
from parsers.mail import parse_message

PUBLIC = Path(__file__).parents[1] / "data" / "public-mail"


TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Encode ``text`` the way windows-1258 writes it: base letters, then tone marks."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out += (base + "".join(c for c in parts if c in TONES)).encode("cp1258")
    return out


def raw(headers: str, body: str = "Nội dung.\n", charset: str = "utf-8") -> bytes:
    head = headers.strip("\n").replace("\n", "\r\n").encode("utf-8", "surrogateescape")
    return head + b"\r\n\r\n" + body.encode(charset)


@pytest.mark.parametrize(
    ("encoded", "expected"),
    [
        ("=?UTF-8?B?R+G7rWkgc8Ohbmcga2nhur9u?=", "Gửi sáng kiến"),
        ("=?utf-8?Q?G=E1=BB=ADi_s=C3=A1ng_ki=E1=BA=BFn?=", "Gửi sáng kiến"),
        # windows-1258 stores tone marks as combining characters: NFC composes them.
        ("=?windows-1258?Q?G=FD=D2i_sa=ECng_ki=EA=ECn?=", "Gửi sáng kiến"),
        # A letter split across two encoded words (bytes E1 BA | BF).
        ("=?UTF-8?B?a2nh?= =?UTF-8?B?ur9u?=", "kiến"),
        # Missing base64 padding and a word glued to text.
        ("Re:=?UTF-8?B?IHPDoW5n?=", "Re: sáng"),
        ("=?unknown-charset?Q?s=C3=A1ng?=", "sáng"),
        ("=?UTF-8?Q?broken", "=?UTF-8?Q?broken"),
    ],
)
def test_encoded_subjects_decode_to_nfc_text(encoded: str, expected: str) -> None:
    assert header_text(encoded) == unicodedata.normalize("NFC", expected)


def test_the_subject_of_a_message_is_decoded_and_nfc() -> None:
    message = parse_message(raw("Subject: =?windows-1258?Q?Xa=DE_Ho=CCa_H=F4=F2i?=\nFrom: a@b.vn"))
    assert message.subject == "Xã Hòa Hội"
    assert unicodedata.is_normalized("NFC", message.subject)


def test_raw_utf8_in_headers_is_read_as_utf8() -> None:
    headers = "From: Văn thư xã Hòa Hội <VanThu.HoaHoi@TayNinh.gov.vn>\nSubject: Gửi sáng kiến"
    message = parse_message(raw(headers))
    assert message.from_name == "Văn thư xã Hòa Hội"
    assert message.from_address == "vanthu.hoahoi@tayninh.gov.vn"
    assert message.subject == "Gửi sáng kiến"


def test_raw_windows_1258_in_headers_is_read_as_windows_1258() -> None:
    data = b"From: a@b.vn\r\nSubject: " + to_cp1258("Gửi sáng kiến") + b"\r\n\r\nx"
    assert parse_message(data).subject == "Gửi sáng kiến"


def test_display_names_in_encoded_words_and_with_commas_are_kept_whole() -> None:
    headers = (
        'From: "=?UTF-8?B?UGjDsm5nIFTGsCBwaMOhcA==?=" <ptp@tayninh.gov.vn>\n'
        'Reply-To: "Nguyễn, Văn A" <nva@gmail.com>, b@tayninh.gov.vn\n'
        "Sender: Văn thư <vanthu@tayninh.gov.vn>"
    )
    message = parse_message(raw(headers))
    assert message.from_name == "Phòng Tư pháp"
    assert message.reply_to == ("nva@gmail.com", "b@tayninh.gov.vn")
    assert message.sender_address == "vanthu@tayninh.gov.vn"


SPOOF = "hoahoi.cth@tayninh.gov.vn"
ATTACKER = "attacker@evil.example"
SPOOF_Q = "=?utf-8?q?hoahoi=2Ecth=40tayninh=2Egov=2Evn?="
SPOOF_B = "=?utf-8?b?aG9haG9pLmN0aEB0YXluaW5oLmdvdi52bg==?="


@pytest.mark.parametrize(
    ("header", "address", "name"),
    [
        (f'"{SPOOF}" <{ATTACKER}>', ATTACKER, SPOOF),
        # Unquoted (invalid, but mail programs show it as a name): still the angle address.
        (f"{SPOOF} <{ATTACKER}>", ATTACKER, SPOOF),
        (f"{SPOOF}<{ATTACKER}>", ATTACKER, SPOOF),
        (f"{SPOOF} (UBND xã Hòa Hội) <{ATTACKER}>", ATTACKER, SPOOF),
        # An encoded word that decodes to an address is a name, in Q or B, quoted or not.
        (f"{SPOOF_Q} <{ATTACKER}>", ATTACKER, SPOOF),
        (f'"{SPOOF_B}" <{ATTACKER}>', ATTACKER, SPOOF),
        (
            "=?utf-8?q?UBND_=3Choahoi.cth=40tayninh.gov.vn=3E?= <attacker@evil.example>",
            ATTACKER,
            f"UBND <{SPOOF}>",
        ),
        # A comment is a name too, before or after the address.
        (f"{ATTACKER} ({SPOOF})", ATTACKER, SPOOF),
        (f"({SPOOF}) {ATTACKER}", ATTACKER, SPOOF),
        (f"{ATTACKER} (UBND (xã) Hòa Hội)", ATTACKER, "UBND (xã) Hòa Hội"),
        (f'"Văn thư \\"{SPOOF}\\"" <{ATTACKER}>', ATTACKER, f'Văn thư "{SPOOF}'),
        (f"<@relay.example:{ATTACKER}>", ATTACKER, ""),
        (
            "Văn thư xã Hòa Hội <VanThu.HoaHoi@TayNinh.gov.vn>",
            "vanthu.hoahoi@tayninh.gov.vn",
            "Văn thư xã Hòa Hội",
        ),
        # Stray separators after one address are no second sender.
        (f"{ATTACKER};", ATTACKER, ""),
        (f"<{ATTACKER}>, ", ATTACKER, ""),
        (f"{ATTACKER}, {ATTACKER.upper()}", ATTACKER, ""),
        (f"{SPOOF} <>", "", SPOOF),
    ],
)
def test_the_from_address_is_the_angle_bracket_one_never_the_display_name(
    header: str, address: str, name: str
) -> None:
    message = parse_message(raw(f"From: {header}\nSubject: x"))
    assert (message.from_address, message.from_name) == (address, name)
    assert not message.sender_ambiguous


@pytest.mark.parametrize(
    ("header", "addresses", "grouped"),
    [
        (f"{SPOOF}, {ATTACKER}", (SPOOF, ATTACKER), False),
        (f"{ATTACKER}, UBND xã Hòa Hội <{SPOOF}>", (ATTACKER, SPOOF), False),
        (f'"UBND" <{SPOOF}>; {ATTACKER}', (SPOOF, ATTACKER), False),
        (f"undisclosed: {SPOOF}, {ATTACKER};", (SPOOF, ATTACKER), True),
        (f"UBND xã Hòa Hội: {SPOOF};", (SPOOF,), True),
        ("undisclosed-recipients:;", (), True),
        # A second angle address, or an address after it, is a second sender.
        (f"x <{ATTACKER}> <{SPOOF}>", (ATTACKER, SPOOF), False),
        (f'"x" <{ATTACKER}> {SPOOF}', (ATTACKER, SPOOF), False),
        (f"{ATTACKER} {SPOOF}", (ATTACKER, SPOOF), False),
    ],
)
def test_a_from_with_several_addresses_or_a_group_keeps_every_address(
    header: str, addresses: tuple[str, ...], grouped: bool
) -> None:
    message = parse_message(raw(f"From: {header}\nSubject: x"))
    assert message.sender_ambiguous
    assert (message.from_addresses, message.from_grouped) == (addresses, grouped)
    assert message.from_address == (addresses[0] if addresses else "")


def test_the_sender_and_reply_to_addresses_are_read_the_same_way() -> None:
    headers = (
        f"From: {ATTACKER}\nSender: {SPOOF} <{ATTACKER}>\n"
        f"Reply-To: {SPOOF_Q} <{ATTACKER}>, ({SPOOF}) b@tayninh.gov.vn"
    )
    message = parse_message(raw(headers))
    assert message.sender_address == ATTACKER
    assert message.reply_to == (ATTACKER, "b@tayninh.gov.vn")


def test_automatic_mail_headers_are_recorded() -> None:
    headers = (
        "From: list@example.org\n"
        "Auto-Submitted: auto-replied\n"
        "X-Autoreply: yes\n"
        "Precedence: bulk\n"
        "List-Id: <cchc.tayninh.gov.vn>\n"
        "List-Unsubscribe: <mailto:leave@example.org>\n"
        "Authentication-Results: mx.tayninh.gov.vn; spf=pass smtp.mailfrom=example.org\n"
        "Authentication-Results: other.example; dkim=fail"
    )
    message = parse_message(raw(headers))
    assert message.auto_submitted == "auto-replied"
    assert message.x_autoreply == "yes"
    assert message.precedence == "bulk"
    assert message.list_headers == (
        ("list-id", "<cchc.tayninh.gov.vn>"),
        ("list-unsubscribe", "<mailto:leave@example.org>"),
    )
    assert message.authentication_results == (
        "mx.tayninh.gov.vn; spf=pass smtp.mailfrom=example.org",
        "other.example; dkim=fail",
    )
    assert message.content_type == "text/plain"


def test_received_headers_are_kept_newest_first_and_unfolded() -> None:
    headers = (
        "Received: from mx.tayninh.gov.vn by imap.tayninh.gov.vn;\n"
        "\tMon, 20 May 2024 09:15:02 +0700\n"
        "Received: from mail.gmail.com by mx.tayninh.gov.vn; Mon, 20 May 2024 09:15:01 +0700\n"
        "From: a@b.vn"
    )
    assert parse_message(raw(headers)).received == (
        "from mx.tayninh.gov.vn by imap.tayninh.gov.vn; Mon, 20 May 2024 09:15:02 +0700",
        "from mail.gmail.com by mx.tayninh.gov.vn; Mon, 20 May 2024 09:15:01 +0700",
    )


def test_a_windows_1258_body_is_decoded_and_composed() -> None:
    body = "Kính gửi Phòng Nội vụ"
    data = to_cp1258(body)
    message = parse_message(
        raw("From: a@b.vn\nContent-Type: text/plain; charset=windows-1258", "") + data
    )
    assert message.body_text == body


@pytest.mark.parametrize("declared", ["us-ascii", "iso-8859-1", "x-bogus", None])
def test_a_utf8_body_under_a_wrong_or_missing_charset_is_read_as_utf8(
    declared: str | None,
) -> None:
    content_type = f"Content-Type: text/plain; charset={declared}\n" if declared else ""
    message = parse_message(raw(f"From: a@b.vn\n{content_type}MIME-Version: 1.0", "Xã Ninh Điền"))
    assert message.body_text == "Xã Ninh Điền"


def test_undeclared_8bit_text_that_is_not_utf8_falls_back_to_windows_1258() -> None:
    assert unicodedata.normalize("NFC", decode_bytes(to_cp1258("Ninh Điền"))) == "Ninh Điền"


def test_an_html_only_body_becomes_text() -> None:
    html = (
        "<html><head><style>p{color:red}</style><title>x</title></head><body>"
        "<p>Kính gửi:&nbsp;Phòng Nội vụ</p><div>Xã <b>Thái Bình</b> gửi sáng kiến<br>Trân trọng</div>"
        "<script>alert(1)</script><table><tr><td>Số</td><td>12/UBND</td></tr></table></body></html>"
    )
    message = parse_message(
        raw("From: a@b.vn\nContent-Type: text/html; charset=utf-8\nMIME-Version: 1.0", html)
    )
    assert message.body_text.splitlines() == [
        "Kính gửi: Phòng Nội vụ",
        "Xã Thái Bình gửi sáng kiến",
        "Trân trọng",
        "Số\t12/UBND",
    ]
    assert message.content_type == "text/html"


def test_plain_text_is_preferred_to_html_in_an_alternative() -> None:
    outer = MIMEMultipart("alternative")
    outer["From"] = "a@b.vn"
    outer.attach(MIMEText("Bản văn thuần", "plain", "utf-8"))
    outer.attach(MIMEText("<p>Bản HTML</p>", "html", "utf-8"))
    assert parse_message(outer.as_bytes()).body_text == "Bản văn thuần"


def mixed(*parts: object, subject: str = "Gửi sáng kiến") -> MIMEMultipart:
    outer = MIMEMultipart("mixed")
    outer["From"] = "UBND xã An Cơ <vanthu.anco@tayninh.gov.vn>"
    outer["Subject"] = subject
    outer.attach(MIMEText("Kính gửi Phòng Nội vụ.", "plain", "utf-8"))
    for part in parts:
        outer.attach(part)  # type: ignore[arg-type]
    return outer


def test_an_inline_pdf_from_apple_mail_is_an_attachment() -> None:
    pdf = MIMEApplication(b"%PDF-1.4 ...", "pdf")
    pdf.add_header("Content-Disposition", "inline", filename="Sáng kiến.pdf")
    message = parse_message(mixed(pdf).as_bytes())
    [attachment] = message.attachments
    assert attachment.filename == "Sáng kiến.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.disposition == "inline"


def test_a_part_without_disposition_or_name_is_kept_by_its_content_type() -> None:
    pdf = MIMEApplication(b"%PDF-1.4 ...", "pdf")
    [attachment] = parse_message(mixed(pdf).as_bytes()).attachments
    assert attachment.filename == "part-1.pdf"
    assert attachment.data == b"%PDF-1.4 ..."


def test_rfc2231_and_rfc2047_file_names_are_decoded() -> None:
    rfc2231 = MIMEApplication(b"a", "octet-stream")
    rfc2231.add_header(
        "Content-Disposition", "attachment", filename=("utf-8", "vi", "Đơn sáng kiến.docx")
    )
    rfc2047 = MIMEApplication(b"b", "octet-stream")
    rfc2047["Content-Disposition"] = (
        'attachment; filename="=?UTF-8?B?QsOhbyBjw6FvIG3DtCB04bqjLnBkZg==?="'
    )
    continued = raw(
        "From: a@b.vn\nMIME-Version: 1.0\nContent-Type: application/pdf\n"
        "Content-Disposition: attachment;\n"
        " filename*0*=windows-1258''M%F4;\n filename*1*=%20ta%D2.pdf",
        "x",
    )
    names = [a.filename for a in parse_message(mixed(rfc2231, rfc2047).as_bytes()).attachments]
    assert names == ["Đơn sáng kiến.docx", "Báo cáo mô tả.pdf"]
    assert [a.filename for a in parse_message(continued).attachments] == ["Mô tả.pdf"]


def test_raw_8bit_file_names_are_read_as_utf8() -> None:
    message = parse_message((PUBLIC / "mail_test_1.eml").read_bytes())
    assert [a.filename for a in message.attachments] == ["ФНС_РФ558.zip"]


@pytest.mark.parametrize(
    ("declared", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Windows\\system32\\evil.docx", "evil.docx"),
        ("don\x00.pdf\x07", "don.pdf"),
        ("\u202etxt.exe.docx", "txt.exe.docx"),
        ("...", "unnamed"),
    ],
)
def test_file_names_lose_directories_and_control_characters(declared: str, kept: str) -> None:
    data = raw(
        'From: a@b.vn\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"',
        "--b\r\nContent-Type: application/octet-stream\r\n"
        f'Content-Disposition: attachment; filename="{declared}"\r\n\r\nx\r\n--b--\r\n',
    )
    [attachment] = parse_message(data).attachments
    assert attachment.filename == kept
    assert attachment.original_filename.replace("\x00", "") == declared.replace("\x00", "")


def test_an_inline_signature_image_is_an_attachment_but_not_a_document() -> None:
    from parsers.documents import is_document

    related = MIMEMultipart("related")
    related.attach(MIMEText("<p>Trân trọng</p><img src='cid:logo'>", "html", "utf-8"))
    image = MIMEApplication(b"\x89PNG....", "png")
    image.replace_header("Content-Type", "image/png")
    image.add_header("Content-ID", "<logo>")
    image.add_header("Content-Disposition", "inline", filename="image001.png")
    related.attach(image)
    [attachment] = parse_message(mixed(related).as_bytes()).attachments
    assert attachment.filename == "image001.png"
    assert not is_document(attachment.filename, attachment.content_type)


def forwarded_original() -> EmailMessage:
    original = EmailMessage()
    original["From"] = "UBND xã Thái Bình <vanthu.thaibinh@tayninh.gov.vn>"
    original["Subject"] = "Gửi đơn sáng kiến"
    original["Date"] = "Mon, 20 May 2024 09:15:00 +0700"
    original.set_content("Kính gửi Phòng Nội vụ.")
    original.add_attachment(
        b"%PDF-1.4", maintype="application", subtype="pdf", filename="Đơn sáng kiến.pdf"
    )
    return original


def test_an_attached_message_gives_its_original_sender_and_its_attachments() -> None:
    outer = EmailMessage()
    outer["From"] = "Nguyễn Văn A <nva@gmail.com>"
    outer["Subject"] = "Fwd: Gửi đơn sáng kiến"
    outer.set_content("Chuyển tiếp giúp xã.")
    outer.add_attachment(forwarded_original())
    message = parse_message(outer.as_bytes())
    [origin] = message.forwarded
    assert origin.from_address == "vanthu.thaibinh@tayninh.gov.vn"
    assert origin.from_name == "UBND xã Thái Bình"
    assert origin.subject == "Gửi đơn sáng kiến"
    assert origin.date is not None and origin.date.isoformat() == "2024-05-20T09:15:00+07:00"
    eml, pdf = message.attachments
    assert (eml.filename, eml.content_type, eml.parent) == (
        "Gửi đơn sáng kiến.eml",
        "message/rfc822",
        None,
    )
    assert (pdf.filename, pdf.data, pdf.parent) == (
        "Đơn sáng kiến.pdf",
        b"%PDF-1.4",
        "Gửi đơn sáng kiến.eml",
    )
    assert message.body_text == "Chuyển tiếp giúp xã."


def test_a_base64_encoded_attached_message_is_decoded_before_it_is_read() -> None:
    inner = (
        b"From: UBND xa An Co <vanthu.anco@tayninh.gov.vn>\r\n"
        b"Subject: =?utf-8?B?U8Ohbmcga2nhur9u?=\r\n\r\nNoi dung\r\n"
    )
    data = raw(
        'From: a@b.vn\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"',
        "--b\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n"
        'Content-Disposition: attachment; filename="fw.eml"\r\n\r\n'
        + base64.encodebytes(inner).decode()
        + "\r\n--b--\r\n",
    )
    message = parse_message(data)
    [origin] = message.forwarded
    assert (origin.from_address, origin.subject) == ("vanthu.anco@tayninh.gov.vn", "Sáng kiến")
    assert message.attachments[0].data.startswith(b"From: UBND")


GMAIL_VI = """Nhờ chị xem giúp.

---------- Thư được chuyển tiếp ---------
Từ: UBND xã Hảo Đước <vanthu.haoduoc@tayninh.gov.vn>
Date: Th 2, 20 thg 5, 2024 vào lúc 09:15
Subject: Sáng kiến CCHC 2024
To: <phongnv-cth@tayninh.gov.vn>

Kính gửi Phòng Nội vụ.
"""

GMAIL_EN = """---------- Forwarded message ---------
From: Phòng Tư pháp <ptp.chauthanh@tayninh.gov.vn>
Date: Mon, 20 May 2024 at 09:15
Subject: Gửi báo cáo
To: <phongnv-cth@tayninh.gov.vn>
"""

OUTLOOK = """> *From:* Văn thư xã An Cơ [mailto:vanthu.anco@tayninh.gov.vn]
> *Sent:* Monday, 20 May 2024 09:15 +0700
> *To:* Phòng Nội vụ
> *Subject:* Sáng kiến xã An Cơ
"""

OUTLOOK_VI = """________________________________
Từ: Văn thư xã Trí Bình <vanthu.tribinh@tayninh.gov.vn>
Đã gửi: Thứ Hai, 20 tháng 5, 2024 9:15 SA
Đến: Phòng Nội vụ
Chủ đề: Sáng kiến xã Trí Bình
"""

APPLE = """Begin forwarded message:

From: "UBND xã Long Vĩnh" <ubnd.longvinh@tayninh.gov.vn>
Subject: Gửi sáng kiến
Date: 20 May 2024 at 09:15:00 GMT+7
To: phongnv-cth@tayninh.gov.vn
"""


@pytest.mark.parametrize(
    ("body", "address", "name", "subject"),
    [
        (GMAIL_VI, "vanthu.haoduoc@tayninh.gov.vn", "UBND xã Hảo Đước", "Sáng kiến CCHC 2024"),
        (GMAIL_EN, "ptp.chauthanh@tayninh.gov.vn", "Phòng Tư pháp", "Gửi báo cáo"),
        (OUTLOOK, "vanthu.anco@tayninh.gov.vn", "Văn thư xã An Cơ", "Sáng kiến xã An Cơ"),
        (APPLE, "ubnd.longvinh@tayninh.gov.vn", "UBND xã Long Vĩnh", "Gửi sáng kiến"),
        (
            OUTLOOK_VI,
            "vanthu.tribinh@tayninh.gov.vn",
            "Văn thư xã Trí Bình",
            "Sáng kiến xã Trí Bình",
        ),
    ],
)
def test_an_inline_forwarded_block_gives_the_original_sender(
    body: str, address: str, name: str, subject: str
) -> None:
    message = parse_message(raw("From: nva@gmail.com\nSubject: Fwd", body))
    [origin] = message.forwarded
    assert (origin.from_address, origin.from_name, origin.subject) == (address, name, subject)


def test_a_zoned_outlook_date_in_a_forwarded_block_is_kept() -> None:
    [origin] = parse_message(raw("From: x@y.vn", OUTLOOK)).forwarded
    assert origin.date is not None and origin.date.isoformat() == "2024-05-20T09:15:00+07:00"


def test_a_message_that_forwards_nothing_has_no_origin() -> None:
    message = parse_message(raw("From: a@b.vn", "Từ ngày 15/5 đến 25/6.\nNgày mai gửi.\n"))
    assert message.forwarded == ()


def test_a_deeply_nested_multipart_is_parsed_without_error() -> None:
    part: object = MIMEText("sâu", "plain", "utf-8")
    for _ in range(60):
        wrapper = MIMEMultipart("mixed")
        wrapper.attach(part)  # type: ignore[arg-type]
        part = wrapper
    wrapper["From"] = "a@b.vn"
    message = parse_message(wrapper.as_bytes())
    assert message.from_address == "a@b.vn"


def test_a_message_with_a_broken_base64_attachment_keeps_what_decodes() -> None:
    body = base64.b64encode(b"%PDF-1.4 hello").decode()[:-3] + "!!"
    data = raw(
        'From: a@b.vn\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"',
        "--b\r\nContent-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: base64"
        f"\r\n\r\n{body}\r\n--b--\r\n",
    )
    [attachment] = parse_message(data).attachments
    assert attachment.filename == "a.pdf"
    assert attachment.data.startswith(b"%PDF-1.4")


@pytest.mark.parametrize("path", sorted(PUBLIC.glob("*.eml")), ids=lambda p: p.name)
def test_every_public_real_world_message_parses(path: Path) -> None:
    message = parse_message(path.read_bytes())
    assert unicodedata.is_normalized("NFC", message.subject)
    assert "\x00" not in message.body_text
    assert all("\x00" not in a.filename and "/" not in a.filename for a in message.attachments)


def test_a_gb2312_subject_is_decoded_with_its_superset() -> None:
    message = parse_message((PUBLIC / "mail_test_9.eml").read_bytes())
    assert message.subject.startswith("我把")
