"""Deterministic benchmark data: PDF and DOCX documents and the mails that carry them."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Any

import docx
from docx.shared import Inches
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
ICT = timezone(timedelta(hours=7))
NEXT: dict[str, Any] = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")

WORDS = [
    "cải",
    "cách",
    "thủ",
    "tục",
    "hành",
    "chính",
    "bộ",
    "phận",
    "một",
    "cửa",
    "dịch",
    "vụ",
    "công",
    "trực",
    "tuyến",
    "số",
    "hóa",
    "hồ",
    "sơ",
    "người",
    "dân",
    "doanh",
    "nghiệp",
    "ủy",
    "ban",
    "nhân",
    "dân",
    "xã",
    "thị",
    "trấn",
    "công",
    "chức",
    "tiếp",
    "nhận",
    "trả",
    "kết",
    "quả",
    "chuyển",
    "đổi",
    "số",
    "nâng",
    "cao",
    "chất",
    "lượng",
    "phục",
    "vụ",
    "giảm",
    "thời",
    "gian",
    "giải",
    "quyết",
    "minh",
    "bạch",
    "kiểm",
    "soát",
    "văn",
    "bản",
    "quy",
    "phạm",
    "pháp",
    "luật",
    "tổ",
    "chức",
    "bộ",
    "máy",
    "chế",
    "độ",
    "công",
    "vụ",
    "tài",
    "chính",
    "công",
]


@dataclass(frozen=True)
class Document:
    filename: str
    data: bytes
    pages: int  # PDF pages; for DOCX the number of paragraphs


def sentence(rng: random.Random, words: int = 18) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def noise_png(size: int, rng: random.Random) -> bytes:
    """Return a PNG of about ``size`` bytes of incompressible noise (a scanned stamp, a photo)."""
    side = max(8, int((size / 3) ** 0.5))
    image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def new_pdf() -> FPDF:
    """Return an empty A4 document set in DejaVu 12 (Vietnamese), dated as the corpus is."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(2024, 6, 1, tzinfo=ICT))
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=12)
    pdf.set_auto_page_break(auto=False)
    return pdf


def make_pdf(pages: int, rng: random.Random, image_bytes: int = 0) -> bytes:
    pdf = new_pdf()
    for page in range(pages):
        pdf.add_page()
        if page == 0:
            pdf.multi_cell(
                0, 7, "BÁO CÁO MÔ TẢ SÁNG KIẾN\n1. Tên sáng kiến: " + sentence(rng, 10), **NEXT
            )
            if image_bytes:
                pdf.image(io.BytesIO(noise_png(image_bytes, rng)), w=60)
        while pdf.get_y() < 260:
            pdf.multi_cell(0, 7, sentence(rng, 30), **NEXT)
    return bytes(pdf.output())


def make_docx(paragraphs: int, rng: random.Random, image_bytes: int = 0) -> bytes:
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "UBND HUYỆN CHÂU THÀNH\nPHÒNG TƯ PHÁP"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    document.add_paragraph("BÁO CÁO MÔ TẢ SÁNG KIẾN")
    document.add_paragraph("1. Tên sáng kiến: " + sentence(rng, 10))
    for _ in range(paragraphs):
        document.add_paragraph(sentence(rng, 40))
    if image_bytes:
        document.add_picture(io.BytesIO(noise_png(image_bytes, rng)), width=Inches(3))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


#: Scanned stamps and photos make real files bigger than their text: 0 to 1.9 MB of image.
IMAGE_SIZES = (0, 30_000, 120_000, 350_000, 900_000, 1_900_000)


def document_pool(seed: int = 2024, size: int = 12, images: bool = True) -> list[Document]:
    """Return a pool of PDFs (4 to 60 pages) and DOCX files (30 to 900 paragraphs).

    With ``images`` most files also carry a noise image, so that the files weigh
    50 KB to 2 MB like the real ones; the text (what extraction costs) is the same.
    """
    rng = random.Random(seed)
    pool = []
    for index in range(size):
        image = IMAGE_SIZES[index % len(IMAGE_SIZES)] if images else 0
        if index % 2 == 0:
            pages = rng.choice((4, 8, 15, 30, 60))
            data = make_pdf(pages, rng, image)
            pool.append(Document(f"sang-kien-{index}.pdf", data, pages))
        else:
            paragraphs = rng.choice((30, 120, 300, 900))
            data = make_docx(paragraphs, rng, image)
            pool.append(Document(f"sang-kien-{index}.docx", data, paragraphs))
    return pool


def big_document(size: int = 25 * 1024 * 1024, seed: int = 25) -> Document:
    """Return a 4-page PDF of about ``size`` bytes (mostly one large scanned image)."""
    rng = random.Random(seed)
    return Document("ho-so-scan.pdf", make_pdf(4, rng, size), 4)


def mails(count: int, pool: list[Document], seed: int = 7) -> Iterator[tuple[bytes, datetime]]:
    """Yield ``count`` messages (90% with one document, 10% plain) and receive times."""
    rng = random.Random(seed)
    start = datetime(2024, 5, 15, 8, 0, tzinfo=ICT)
    for index in range(count):
        message = EmailMessage(policy=SMTP)
        message["From"] = f"vanthu{index % 40}@tayninh.gov.vn"
        message["To"] = "phongnv-cth@tayninh.gov.vn"
        message["Subject"] = f"Gửi sáng kiến CCHC năm 2024 (số {index})"
        message["Message-ID"] = f"<bench-{seed}-{index}@tayninh.gov.vn>"
        message.set_content("Kính gửi Phòng Nội vụ,\nĐơn vị gửi kèm sáng kiến.\n")
        if rng.random() < 0.9:
            document = rng.choice(pool)
            if document.filename.endswith(".pdf"):
                message.add_attachment(
                    document.data,
                    maintype="application",
                    subtype="pdf",
                    filename=document.filename,
                )
            else:
                message.add_attachment(
                    document.data,
                    maintype=DOCX_TYPE[0],
                    subtype=DOCX_TYPE[1],
                    filename=document.filename,
                )
        yield message.as_bytes(), start + timedelta(minutes=7 * index)


def small_mails(count: int) -> Iterator[tuple[bytes, datetime]]:
    """Yield ``count`` tiny plain messages, to fill a mailbox fast."""
    start = datetime(2024, 5, 15, 8, 0, tzinfo=ICT)
    for index in range(count):
        raw = (
            f"From: a{index}@example.vn\r\nTo: phongnv-cth@tayninh.gov.vn\r\n"
            f"Subject: n{index}\r\nMessage-ID: <small-{index}@example.vn>\r\n\r\nx\r\n"
        ).encode()
        yield raw, start + timedelta(seconds=index)
