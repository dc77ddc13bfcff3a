"""The pages of a scan are drawn once and read by several Tesseracts, within the limits."""

from __future__ import annotations

import glob
import io
import os
import random
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from PIL import Image, ImageDraw, ImageFont

from parsers.limits import Limits
from parsers.ocr import missing_tool, read_scanned_pdf
from parsers.ocr_pages import PageImages, ToolFailed
from tests.parsers.test_ocr import FONTS, PAGE_ONE, page, scanned_pdf

pytestmark = pytest.mark.skipif(missing_tool() is not None, reason=str(missing_tool()))

WORDS = ["Phần", "thứ", "nhất", "hai", "ba", "tư", "năm", "sáu"]
PARTS = ["PHẦN MỘT", "PHẦN HAI", "PHẦN BA", "PHẦN BỐN", "PHẦN NĂM"]


def numbered(title: str) -> list[tuple[str, bool]]:
    return [
        (title, True),
        ("Hồ sơ chứng thực được số hóa tại bộ phận một cửa", False),
        ("Người dân nộp hồ sơ qua mạng và nhận kết quả tại nhà", False),
    ]


@pytest.fixture(scope="module")
def five_pages() -> bytes:
    return scanned_pdf(*(numbered(title) for title in PARTS))


def dense_page() -> Image.Image:
    """Return a page of 110 lines of small print: Tesseract takes seconds over it."""
    rng = random.Random(5)
    small = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), 24)
    image = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(image)
    for number in range(110):
        line = " ".join(rng.choice(WORDS) for _ in range(30))
        draw.text((60, 60 + number * 31), line, font=small, fill=0)
    return image


#: The programs OCR starts: none may outlive a read.
OCR_TOOLS = frozenset({"tesseract", "pdftoppm"})


def our_children() -> list[str]:
    """Return the OCR tools among this process's children still alive (or unreaped).

    Other children (a test runner's or an earlier test's worker pool) are not OCR's.
    """
    names = []
    for status in glob.glob("/proc/[0-9]*/status"):
        try:
            fields = dict(
                line.split(":\t", 1)
                for line in Path(status).read_text().splitlines()
                if ":\t" in line
            )
        except OSError:
            continue  # ended while we looked
        name = fields.get("Name", "?").strip()
        if fields.get("PPid", "").strip() == str(os.getpid()) and name in OCR_TOOLS:
            names.append(name)
    return names


def scan_of(pages: list[Image.Image]) -> bytes:
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=300.0, save_all=True, append_images=pages[1:])
    return buffer.getvalue()


def test_pages_read_three_at_a_time_come_out_in_order(five_pages: bytes) -> None:
    parallel = read_scanned_pdf(five_pages, 5, Limits(ocr_workers=3))
    assert parallel.reason == "OCR (tesseract, vie): 5 pages"
    places = [parallel.text.index(title) for title in PARTS]
    assert places == sorted(places)
    # The same text as read one page after another.
    assert parallel == read_scanned_pdf(five_pages, 5, Limits(ocr_workers=1))


def test_ocr_max_pages_still_bounds_the_pages_read_in_parallel(five_pages: bytes) -> None:
    scan = read_scanned_pdf(five_pages, 5, Limits(ocr_workers=3, ocr_max_pages=2))
    assert scan.reason == "OCR (tesseract, vie): first 2 of 5 pages (ocr_max_pages = 2)"
    assert "PHẦN MỘT" in scan.text and "PHẦN HAI" in scan.text
    assert "PHẦN BA" not in scan.text


def test_at_the_deadline_the_pages_read_are_kept_and_no_tesseract_is_left(
    private_tmp: Path,
) -> None:
    # Page 1 is read in well under a second; each dense page takes several.
    data = scan_of([page(PAGE_ONE), dense_page(), dense_page(), dense_page()])
    started = time.monotonic()
    scan = read_scanned_pdf(data, 4, Limits(timeout_seconds=5, ocr_workers=3))
    assert time.monotonic() - started < 5  # the deadline is 80% of the limit
    assert scan.reason == "OCR (tesseract, vie): 1 of 4 pages, stopped: time limit"
    assert "Nguyễn Văn Bình" in scan.text
    assert our_children() == []
    assert list(private_tmp.iterdir()) == []


class Interrupted(Exception):
    """Raised by the test's alarm, as the extraction worker's SIGALRM raises its own."""


@pytest.fixture
def alarm() -> Iterator[None]:
    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise Interrupted

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.usefixtures("alarm")
def test_a_signal_that_ends_the_read_kills_every_tesseract_and_removes_the_images(
    private_tmp: Path,
) -> None:
    data = scan_of([dense_page()] * 3)
    signal.setitimer(signal.ITIMER_REAL, 1.5)
    with pytest.raises(Interrupted):
        read_scanned_pdf(data, 3, Limits(ocr_workers=3))
    assert our_children() == []
    assert list(private_tmp.iterdir()) == []


def pgm(width: int, height: int, shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), shade).save(buffer, "PPM")
    return buffer.getvalue()


@pytest.mark.parametrize("size", [1, 5, 13, 1 << 20])
def test_pdftoppm_s_stream_is_cut_into_one_image_per_page(tmp_path: Path, size: int) -> None:
    first, second = pgm(7, 3, 0), pgm(2, 5, 200)
    stream = first + second
    images = PageImages(str(tmp_path))
    done = []
    for start in range(0, len(stream), size):
        done += images.feed(stream[start : start + size])
    assert done == [(1, str(tmp_path / "page-1.pgm")), (2, str(tmp_path / "page-2.pgm"))]
    assert [Path(path).read_bytes() for _, path in done] == [first, second]


def test_a_stream_that_is_not_pgm_is_a_tool_failure(tmp_path: Path) -> None:
    with pytest.raises(ToolFailed, match="no PGM image"):
        PageImages(str(tmp_path)).feed(b"%PDF-1.7 not an image")
