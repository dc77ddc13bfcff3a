from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
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


def sleeps_when_named_slow(
    filename: str, content_type: str, data: bytes, limits: Limits
) -> Extraction:
    if filename == "slow.pdf":
        time.sleep(3600)
    return Extraction(ExtractStatus.OK, filename)


def test_extractions_from_several_threads_share_the_pool_and_each_keeps_its_limit() -> None:
    names = ["a.pdf", "slow.pdf", "b.pdf", "c.pdf"]
    with (
        TimedExtractor(sleeps_when_named_slow, workers=2) as extractor,
        ThreadPoolExecutor(4) as threads,
    ):
        results = list(
            threads.map(lambda n: extractor(n, "", b"", Limits(timeout_seconds=1)), names)
        )
        # The pool replaced the killed worker: it still extracts afterwards.
        after = extractor("d.pdf", "", b"", Limits(timeout_seconds=30))
    assert [r.status for r in results] == [
        ExtractStatus.OK,
        ExtractStatus.REFUSED,
        ExtractStatus.OK,
        ExtractStatus.OK,
    ]
    assert [r.text for r in results if r.status is ExtractStatus.OK] == ["a.pdf", "b.pdf", "c.pdf"]
    assert after.text == "d.pdf"
