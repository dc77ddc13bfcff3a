from __future__ import annotations

import os
import time
from pathlib import Path

from ingest.extraction import TimedExtractor
from parsers.documents import Extraction, ExtractStatus
from parsers.limits import Limits

CORPUS = Path(__file__).parents[1] / "data" / "parsers"


def never_finishes(filename: str, content_type: str, data: bytes, limits: Limits) -> Extraction:
    time.sleep(3600)
    return Extraction(ExtractStatus.OK, "unreachable")


def crashes_hard(filename: str, content_type: str, data: bytes, limits: Limits) -> Extraction:
    os._exit(9)


def test_a_document_is_extracted_in_a_child_process() -> None:
    extraction = TimedExtractor()(
        "bc.pdf", "application/pdf", (CORPUS / "report-thai-binh.pdf").read_bytes(), Limits()
    )
    assert extraction.status is ExtractStatus.OK
    assert "XÃ THÁI BÌNH" in extraction.text


def test_an_extraction_past_the_time_limit_is_killed_and_refused() -> None:
    extraction = TimedExtractor(never_finishes)("x.pdf", "", b"", Limits(timeout_seconds=0.5))
    assert extraction.status is ExtractStatus.REFUSED
    assert extraction.reason == "extraction took over 0.5 s"


def test_a_child_that_dies_is_an_error_not_a_crash_of_the_worker() -> None:
    extraction = TimedExtractor(crashes_hard)("x.pdf", "", b"", Limits(timeout_seconds=30))
    assert extraction.status is ExtractStatus.ERROR
    assert "died" in extraction.reason
