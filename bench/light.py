"""The light backfill mix: short, realistic submissions where per-message overhead decides.

Official senders (the demo address book) and personal ones (Gmail, Yahoo) that
name their unit, one- and two-page DOCX and PDF files, forwards (message/rfc822
and an inline "Forwarded message"), zips that hold a document, and noise
(newsletters, spam-like mail, no attachment). Every copy's files carry their own
number in the text, so no two files are the same bytes and the read-once cache
(ingest/readonce.py) cannot skip any real reading.
"""

from __future__ import annotations

import io
import random
import tomllib
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import docx

from bench.corpus import DOCX_TYPE, ICT, NEXT, new_pdf, sentence

ROOT = Path(__file__).resolve().parents[1]
OFFICE = "phongnv-cth@tayninh.gov.vn"
#: Of every 20 messages: what each carries (see ``light_mails``).
KINDS = (
    ["official"] * 7
    + ["personal"] * 4
    + ["rfc822"] * 2
    + ["inline"] * 2
    + ["zip"] * 2
    + ["noise"] * 3
)
NOISE = (
    ("Bản tin Chuyển đổi số tuần này", "newsletter@bantin-cds.vn", "Bản tin điện tử"),
    ("KHUYẾN MÃI 90% - Nhận quà ngay hôm nay!!!", "promo@uudai-sieutoc.top", "Ưu đãi"),
    ("Thư mời dự hội thảo trực tuyến", "events@hoithao.vn", "Ban tổ chức"),
)


def roster() -> tuple[list[tuple[str, str]], list[str]]:
    """Return the address book's (address, its unit's name) and the names of all units."""
    book = tomllib.loads((ROOT / "demo" / "addresses.toml").read_text(encoding="utf-8"))
    units = tomllib.loads((ROOT / "units.toml").read_text(encoding="utf-8"))["unit"]
    names = {unit["code"]: unit["name"] for unit in units}
    official = [(address, names[code]) for address, code in sorted(book["addresses"].items())]
    return official, [unit["name"] for unit in units]


def light_pdf(pages: int, unit: str, serial: str, rng: random.Random) -> bytes:
    """Return a one- or two-page initiative report of ``unit``, numbered ``serial``."""
    pdf = new_pdf()
    for page in range(pages):
        pdf.add_page()
        if page == 0:
            heading = f"{unit.upper()}\nBÁO CÁO MÔ TẢ SÁNG KIẾN\n1. Tên sáng kiến: "
            pdf.multi_cell(0, 7, heading + sentence(rng, 10), **NEXT)
            pdf.multi_cell(0, 7, f"Hồ sơ số {serial}.", **NEXT)
        while pdf.get_y() < 260:
            pdf.multi_cell(0, 7, sentence(rng, 30), **NEXT)
    return bytes(pdf.output())


def light_docx(pages: int, unit: str, serial: str, rng: random.Random) -> bytes:
    """Return a one- or two-page initiative report of ``unit``, numbered ``serial``."""
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = unit.upper()
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    document.add_paragraph("BÁO CÁO MÔ TẢ SÁNG KIẾN")
    document.add_paragraph("1. Tên sáng kiến: " + sentence(rng, 10))
    document.add_paragraph(f"Hồ sơ số {serial}.")
    for _ in range(9 * pages):
        document.add_paragraph(sentence(rng, 40))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _document(unit: str, serial: str, rng: random.Random) -> tuple[str, bytes, tuple[str, str]]:
    pages = rng.choice((1, 2))
    if rng.random() < 0.5:
        return (
            f"sang-kien-{serial}.pdf",
            light_pdf(pages, unit, serial, rng),
            ("application", "pdf"),
        )
    return f"sang-kien-{serial}.docx", light_docx(pages, unit, serial, rng), DOCX_TYPE


def _attach(message: EmailMessage, name: str, data: bytes, kind: tuple[str, str]) -> None:
    message.add_attachment(data, maintype=kind[0], subtype=kind[1], filename=name)


def _zipped(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def light_mails(count: int, seed: int = 17) -> Iterator[tuple[bytes, datetime]]:
    """Yield ``count`` messages of the light mix and their receive times."""
    rng = random.Random(seed)
    book, units = roster()
    start = datetime(2024, 5, 15, 8, 0, tzinfo=ICT)
    for index in range(count):
        kind = KINDS[index % len(KINDS)]
        serial = f"{seed}-{index}"
        # An official address writes for its own unit; a personal one names any unit.
        address, unit = book[index % len(book)]
        if kind == "personal":
            unit = units[index % len(units)]
        message = EmailMessage(policy=SMTP)
        message["To"] = OFFICE
        message["Message-ID"] = f"<light-{serial}@bench.invalid>"
        if kind == "noise":
            subject, sender, name = NOISE[index % len(NOISE)]
            message["From"] = f"{name} <{sender}>"
            message["Subject"] = f"{subject} ({serial})"
            message.set_content("\n".join(sentence(rng, 25) for _ in range(6)) + "\n")
            yield message.as_bytes(), start + timedelta(minutes=7 * index)
            continue
        name, data, content_type = _document(unit, serial, rng)
        body = f"Kính gửi Phòng Nội vụ,\n{unit} gửi kèm báo cáo sáng kiến.\nTrân trọng.\n"
        if kind == "personal":
            message["From"] = f"Nguyễn Văn {index} <nguyenvan{index}@gmail.com>"
            body += f"\nNguyễn Văn {index}\nCông chức {unit}\n"
        else:
            message["From"] = address
        message["Subject"] = f"Gửi sáng kiến CCHC năm 2024 ({serial})"
        if kind == "rfc822":
            inner = EmailMessage(policy=SMTP)
            inner["From"] = address
            inner["To"] = f"lanhdao{index}@tayninh.gov.vn"
            inner["Subject"] = f"Sáng kiến của {unit}"
            inner["Date"] = "Mon, 20 May 2024 09:00:00 +0700"
            inner.set_content(body)
            _attach(inner, name, data, content_type)
            message.replace_header("Subject", f"Fwd: Sáng kiến của {unit} ({serial})")
            message.set_content("Chuyển Phòng Nội vụ.\n")
            message.add_attachment(inner)
        elif kind == "inline":
            message.replace_header("Subject", f"Fwd: Gửi sáng kiến CCHC năm 2024 ({serial})")
            message.set_content(
                "Chuyển anh chị xem.\n\n---------- Forwarded message ---------\n"
                f"From: {unit} <{address}>\nDate: Mon, 20 May 2024 09:00\n"
                f"Subject: Gửi sáng kiến CCHC năm 2024\nTo: <{OFFICE}>\n\n{body}"
            )
            _attach(message, name, data, content_type)
        elif kind == "zip":
            message.set_content(body)
            _attach(message, f"ho-so-{serial}.zip", _zipped(name, data), ("application", "zip"))
        else:
            message.set_content(body)
            _attach(message, name, data, content_type)
        yield message.as_bytes(), start + timedelta(minutes=7 * index)
