"""Read photographed pages (JPEG, PNG, HEIC) with Tesseract, and tell them from logos.

A phone photo of a paper page is a document; a signature logo, a banner or a
snapshot is not. What decides is measurable: the image's size in pixels, then
how many words Tesseract reads on it and how sure it is of them.
"""

from __future__ import annotations

import io
import subprocess
import time
import warnings
from dataclasses import dataclass

from parsers.limits import Limits
from parsers.ocr import LANGUAGE, find_tesseract, run_tool
from parsers.text import nfc

PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".heic", ".heif"})
PHOTO_TYPES = frozenset(
    {"image/jpeg", "image/jpg", "image/pjpeg", "image/png"}
    | {
        "image/heic",
        "image/heif",
    }
)
METHOD = f"OCR (tesseract, {LANGUAGE}) of a photographed page"
# A page photographed by a phone is 1,200 px or more on its shorter side; a
# signature logo or an icon is a few hundred. Below this, an image is not read.
MIN_PAGE_SIDE = 600
# A photo is scaled down to this longer side before OCR: A4 at 300 dpi, as a
# scanned PDF page is drawn (parsers/ocr.py); more pixels add time, not words.
_PAGE_PIXELS = 3508
# A page of an official document holds a hundred words or more, and Tesseract
# is 80-95% sure of words it reads on a legible photo (70% or so on a poor one).
# A logo, a landscape or a blurred shot gives a handful of words it is 30-50%
# sure of. Both must hold for the image to be a page.
MIN_PAGE_WORDS = 25
MIN_MEAN_CONFIDENCE = 60.0
# Share of the per-file time limit OCR may use (as for scanned PDFs).
_TIME_SHARE = 0.8


@dataclass(frozen=True)
class PhotoReading:
    # True when the image holds a page of text: it is then a document.
    is_page: bool
    text: str
    # How the text was read, or why the image is not a page (kept as the reason).
    reason: str
    # Over a limit: stored but not read, reported like a refused document.
    refused: bool = False


def is_photo(suffix: str, content_type: str) -> bool:
    """Tell whether an attachment is an image a page may be photographed in."""
    return suffix in PHOTO_SUFFIXES or content_type in PHOTO_TYPES


def read_photo(data: bytes, limits: Limits) -> PhotoReading:
    """Return the text of a photographed page, or why the image is not one (never raises)."""
    if not limits.ocr:
        return PhotoReading(False, "", "OCR off")
    tesseract = find_tesseract()
    if tesseract.missing:
        return PhotoReading(False, "", f"OCR unavailable: {tesseract.missing}")
    deadline = time.monotonic() + limits.timeout_seconds * _TIME_SHARE
    try:
        page = _prepared(data, limits)
        if isinstance(page, PhotoReading):
            return page
        rotation = _rotation(tesseract.path, page, deadline)
        if rotation:
            page = _rotate(page, rotation)
        words, confidence, text = _words(tesseract.path, page, deadline)
    except subprocess.TimeoutExpired:
        return PhotoReading(False, "", f"{METHOD}: stopped at the time limit")
    except MemoryError:
        return PhotoReading(False, "", "out of memory while reading the image", refused=True)
    except Exception as error:  # Pillow and Tesseract errors from a crafted image
        return PhotoReading(False, "", f"{type(error).__name__}: {error}"[:300])
    measured = f"{words} words at {confidence:.0f}% mean confidence"
    if words < MIN_PAGE_WORDS or confidence < MIN_MEAN_CONFIDENCE:
        return PhotoReading(False, "", f"not a page of text ({measured})")
    turned = f", turned {rotation}°" if rotation else ""
    return PhotoReading(True, text, f"{METHOD}: {measured}{turned}")


def _prepared(data: bytes, limits: Limits) -> bytes | PhotoReading:
    """Return the image as a greyscale PNG ready for Tesseract, or why it is not read."""
    from PIL import Image, ImageOps

    _register_heif()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        opened = Image.open(io.BytesIO(data))
        width, height = opened.size
        if width * height > limits.photo_max_pixels:
            return PhotoReading(
                False,
                "",
                f"{width}×{height} pixels, over the {limits.photo_max_pixels} pixel limit",
                refused=True,
            )
        if min(width, height) < MIN_PAGE_SIDE:
            return PhotoReading(False, "", f"{width}×{height} pixels: too small for a page")
        # A JPEG decodes at 1/2, 1/4 or 1/8 scale when that still covers the page size:
        # a 48 MP photo then costs a quarter of its memory.
        opened.draft("L", (_PAGE_PIXELS, _PAGE_PIXELS))
        # A phone stores the photo as the sensor saw it and says how to turn it.
        image = ImageOps.exif_transpose(opened).convert("L")
        image.thumbnail((_PAGE_PIXELS, _PAGE_PIXELS))
        # A photo of paper under a lamp is grey on grey: stretch it to black on white.
        image = ImageOps.autocontrast(image, cutoff=1)
        out = io.BytesIO()
        image.save(out, "PNG")
    return out.getvalue()


def _register_heif() -> None:
    try:
        import pillow_heif
    except ImportError:  # HEIC photos then fail to open: "cannot identify image file"
        return
    pillow_heif.register_heif_opener()


def _rotation(tesseract: str, page: bytes, deadline: float) -> int:
    """Return the degrees (0, 90, 180, 270) Tesseract's OSD says the page is turned."""
    try:
        output = run_tool([tesseract, "-", "-", "--psm", "0"], None, page, deadline)
    except Exception:  # no osd data, or too little text to tell: read it as it is
        return 0
    for line in output.decode("utf-8", "replace").splitlines():
        if line.startswith("Rotate:"):
            value = int(line.split(":", 1)[1].strip() or 0)
            return value if value in (90, 180, 270) else 0
    return 0


def _rotate(page: bytes, degrees: int) -> bytes:
    from PIL import Image

    image = Image.open(io.BytesIO(page)).rotate(-degrees, expand=True)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _words(tesseract: str, page: bytes, deadline: float) -> tuple[int, float, str]:
    """Return the words Tesseract reads, their mean confidence, and the text by lines."""
    tsv = run_tool([tesseract, "-", "-", "-l", LANGUAGE, "tsv"], None, page, deadline)
    lines: dict[tuple[str, ...], list[str]] = {}
    confidences: list[float] = []
    for row in tsv.decode("utf-8", "replace").splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or not cells[11].strip():
            continue
        try:
            confidence = float(cells[10])
        except ValueError:
            continue
        if confidence < 0:
            continue
        confidences.append(confidence)
        lines.setdefault(tuple(cells[1:5]), []).append(cells[11].strip())
    text = nfc("\n".join(" ".join(words) for words in lines.values()))
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return len(confidences), mean, text
