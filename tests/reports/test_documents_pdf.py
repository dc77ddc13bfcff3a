"""The results report as LibreOffice prints it: the Vietnamese text is there, pages are A4.

Each conversion costs a few seconds: one document, checked for everything at once.
"""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

from tests.reports.documents import report_docx, rows_of


def pdf_of(docx: Path, profile: Path) -> Path:
    """Convert ``docx`` with headless LibreOffice, in a profile of its own (parallel runs)."""
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(docx.parent),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return docx.with_suffix(".pdf")


def pdf_text(pdf: Path, first: int, last: int) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-f", str(first), "-l", str(last), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return unicodedata.normalize("NFC", done.stdout)


def pdf_info(pdf: Path, *pages: str) -> str:
    done = subprocess.run(["pdfinfo", *pages, str(pdf)], check=True, capture_output=True, text=True)
    return done.stdout


def test_libreoffice_prints_the_vietnamese_text_on_a4_portrait_then_a_landscape_annex(
    tmp_path: Path,
) -> None:
    titles = [f"Số hóa hồ sơ một cửa liên thông, đợt {n}" for n in range(1, 31)]
    docx = tmp_path / "bao-cao.docx"
    docx.write_bytes(report_docx(rows_of([*titles, '=HYPERLINK("http://x","y")'])))
    pdf = pdf_of(docx, tmp_path / "profile")
    info = pdf_info(pdf)
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    # Page 1 with the signature (or 2), the annex of 32 rows on two or three more.
    assert 3 <= pages <= 5
    first = pdf_text(pdf, 1, 1)
    for text in (
        "UBND HUYỆN CHÂU THÀNH",
        "PHÒNG NỘI VỤ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 125/BC-PNV",
        "Châu Thành, ngày 05 tháng 07 năm 2024",
        "BÁO CÁO",
        "Đơn vị gửi trễ hạn: 1/3 đơn vị (UBND xã An Cơ).",
    ):
        assert text in first, text
    every = pdf_text(pdf, 1, pages)
    assert "TRƯỞNG PHÒNG" in every and "Nguyễn Văn Bình" in every
    assert '=HYPERLINK("http://x","y")' in every
    sizes = pdf_info(pdf, "-f", "1", "-l", str(pages)).splitlines()
    page_sizes = [line for line in sizes if line.startswith("Page") and "size:" in line]
    # A4 in points: portrait for the report, landscape for the annex.
    assert page_sizes[0].split("size:")[1].split()[:3] == ["595.304", "x", "841.89"]
    assert page_sizes[-1].split("size:")[1].split()[:3] == ["841.89", "x", "595.304"]
