"""Bounds on what one attachment may cost to read."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limits:
    """Limits that keep a hostile attachment from exhausting memory or time.

    The defaults fit a district office's submissions with a wide margin.
    """

    # A larger file is stored but not read ("refused").
    max_file_bytes: int = 50 * 1024 * 1024
    # Archives (and the ZIP inside .docx/.odt): unpacked total, members, ratio, nesting.
    max_unpacked_bytes: int = 200 * 1024 * 1024
    max_members: int = 500
    max_ratio: int = 200
    max_depth: int = 3
    # PDF pages read; a longer document keeps the text of the first ones.
    max_pdf_pages: int = 500
    # Wall-clock seconds for one file, enforced by the shell (ingest/extraction.py);
    # also the time the child process that unpacks a .rar may take (parsers/rar.py).
    timeout_seconds: float = 60.0
    # A PDF without a text layer (a scan) is read with Tesseract when it is installed;
    # a page takes seconds, so only the first pages (the title is on the first one).
    ocr: bool = True
    ocr_max_pages: int = 10
    # Pages of one scan read by Tesseract at once (1: one after another). Left out of
    # the repr, which keys the results kept by ingest/readonce.py: it changes how
    # fast a scan is read, not what is read.
    ocr_workers: int = field(default=min(4, os.cpu_count() or 1), repr=False)
    # A photographed page (JPEG, PNG, HEIC) is read by OCR when it has at most this
    # many pixels: a phone's 12-50 MP photo passes, a decompression bomb does not.
    photo_max_pixels: int = 50_000_000


DEFAULT_LIMITS = Limits()
