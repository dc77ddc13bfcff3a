from __future__ import annotations

import os
import pickle
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest
from pebble import ProcessExpired

from ingest.extraction import WORKER_NICENESS, ShippedRules, TimedExtractor
from parsers.analysis import Rules
from parsers.campaign import Campaign
from parsers.documents import Extraction, ExtractStatus
from parsers.limits import Limits
from parsers.outlook import OutlookRead
from scripts.compound_file import compound_file
from store.blobs import BlobStore

CORPUS = Path(__file__).parents[1] / "data" / "parsers"


def never_finishes(filename: str, content_type: str, data: bytes, limits: Limits) -> Extraction:
    time.sleep(3600)
    return Extraction(ExtractStatus.OK, "unreachable")


def crashes_hard(filename: str, content_type: str, data: bytes, limits: Limits) -> Extraction:
    os._exit(9)


def reports_niceness(filename: str, content_type: str, data: bytes, limits: Limits) -> Extraction:
    return Extraction(ExtractStatus.OK, str(os.nice(0)))


def test_extraction_runs_at_a_lower_priority_than_the_fetching_process() -> None:
    with TimedExtractor(reports_niceness, workers=1) as extractor:
        extraction = extractor("x.pdf", "", b"", Limits(timeout_seconds=30))
    assert int(extraction.text) == min(os.nice(0) + WORKER_NICENESS, 19)
    assert WORKER_NICENESS > 0


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


MAIL = Path(__file__).parents[1] / "data" / "mail"
RECEIVED = datetime(2024, 6, 20, 13, 30, 2, tzinfo=timezone(timedelta(hours=7)))
CAMPAIGN = Campaign("CCHC 2024", date(2024, 5, 15), date(2024, 6, 25), "Asia/Ho_Chi_Minh")


def rules(timeout_seconds: float = 30) -> Rules:
    return Rules((CAMPAIGN,), {}, frozenset(), limits=Limits(timeout_seconds=timeout_seconds))


def stored(tmp_path: Path, name: str) -> tuple[BlobStore, Path]:
    blobs = BlobStore(tmp_path / "blobs")
    return blobs, blobs.path_of(blobs.put((MAIL / name).read_bytes()))


def test_a_stored_message_is_analysed_in_a_worker_and_its_attachments_written_for_the_poll(
    tmp_path: Path,
) -> None:
    blobs, path = stored(tmp_path, "02-tu-phap-pdf.eml")
    with TimedExtractor(workers=1) as extractor:
        extractor.start()
        result = extractor.analyse_file(path, RECEIVED, rules(), blobs).result()
    (document,) = [a for a in result.record.attachments if a.is_document]
    assert document.extraction is not None
    assert document.extraction.status is ExtractStatus.OK
    assert document.extraction.text
    # Written, but under its name only once the poll has made it durable.
    assert document.sha256 in {item.digest for item in result.staged}
    assert not blobs.path_of(document.sha256).exists()
    for item in result.staged:
        blobs.settle(item)
    assert blobs.path_of(document.sha256).stat().st_size == document.size
    assert not list(blobs.path_of(document.sha256).parent.glob(".tmp-*"))
    assert set(result.seconds) == {"parse_classify", "extract", "store_attachments"}


def test_a_child_unpickles_the_rules_once_and_again_only_when_they_change() -> None:
    same = ShippedRules.of(rules())
    first = pickle.loads(pickle.dumps(same))
    assert first == rules()
    assert pickle.loads(pickle.dumps(same)) is first
    assert pickle.loads(pickle.dumps(ShippedRules.of(rules()))) is first  # equal rules
    changed = ShippedRules.of(replace(rules(), own_addresses=frozenset({"vp@tayninh.gov.vn"})))
    other = pickle.loads(pickle.dumps(changed))
    assert other is not first
    assert other.own_addresses == {"vp@tayninh.gov.vn"}


def test_messages_analysed_under_changed_rules_follow_the_change(tmp_path: Path) -> None:
    blobs, path = stored(tmp_path, "14-unknown-sender.eml")
    sender = "nva.tn1987@gmail.com"
    taught = replace(rules(), address_book={sender: "xa-thai-binh"})
    with TimedExtractor(workers=1) as extractor:
        before = extractor.analyse_file(path, RECEIVED, rules(), blobs).result()
        after = extractor.analyse_file(path, RECEIVED, taught, blobs).result()
    assert before.record.classification.unit is None
    assert after.record.classification.unit == "xa-thai-binh"


def test_a_document_past_the_limit_in_a_worker_is_refused_and_the_message_still_analysed(
    tmp_path: Path,
) -> None:
    blobs, path = stored(tmp_path, "02-tu-phap-pdf.eml")
    with TimedExtractor(never_finishes, workers=1) as extractor:
        result = extractor.analyse_file(path, RECEIVED, rules(0.5), blobs).result()
    (document,) = [a for a in result.record.attachments if a.is_document]
    assert document.extraction == Extraction(
        ExtractStatus.REFUSED, "", "extraction took over 0.5 s"
    )
    assert result.record.subject


def ignores_the_alarm(filename: str, content_type: str, data: bytes, limits: Limits) -> Extraction:
    # Code stuck in C never lets the SIGALRM handler run; blocking it does the same.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(3600)
    return Extraction(ExtractStatus.OK, "unreachable")


def test_a_worker_stuck_where_the_alarm_cannot_reach_is_ended(tmp_path: Path) -> None:
    blobs, path = stored(tmp_path, "02-tu-phap-pdf.eml")
    with TimedExtractor(ignores_the_alarm, workers=1) as extractor:
        future = extractor.analyse_file(path, RECEIVED, rules(0.5), blobs)
        with pytest.raises(ProcessExpired):
            future.result(timeout=60)
        # The pool replaced the worker: it still analyses afterwards.
        again = extractor("d.pdf", "", b"", Limits(timeout_seconds=0.5))
    assert again.status is ExtractStatus.REFUSED


def slow_outlook_item() -> bytes:
    """A valid .msg of 480 attachments: reading it takes about 0.15 s on this machine."""
    return compound_file(
        {
            f"__attach_version1.0_#{n:08X}": {
                "__substg1.0_37010102": b"x" * 3000,
                "__substg1.0_3707001F": f"phu-luc-{n}.pdf".encode("utf-16-le"),
            }
            for n in range(480)
        }
    )


def with_outlook_item(item: bytes) -> bytes:
    message = EmailMessage()
    message["From"] = "ptp.chauthanh@tayninh.gov.vn"
    message["To"] = "phongnv-cth@tayninh.gov.vn"
    message["Subject"] = "Chuyển tiếp sáng kiến"
    message.set_content("Kính gửi Phòng Nội vụ")
    message.add_attachment(
        item, maintype="application", subtype="vnd.ms-outlook", filename="sang-kien.msg"
    )
    return message.as_bytes()


class SleepsWhenCollected:
    def __del__(self) -> None:
        time.sleep(0.2)  # the alarm comes here, and Python drops what its handler raised


def swallows_the_alarm(filename: str, content_type: str, data: bytes, limits: Limits) -> Extraction:
    SleepsWhenCollected()
    return Extraction(ExtractStatus.OK, "read to the end")


def test_a_document_whose_alarm_was_lost_in_a_destructor_is_still_refused(
    tmp_path: Path,
) -> None:
    blobs, path = stored(tmp_path, "02-tu-phap-pdf.eml")
    with TimedExtractor(swallows_the_alarm, workers=1) as extractor:
        result = extractor.analyse_file(path, RECEIVED, rules(0.01), blobs).result()
    (document,) = [a for a in result.record.attachments if a.is_document]
    assert document.extraction == Extraction(
        ExtractStatus.REFUSED, "", "extraction took over 0.01 s"
    )


def test_an_outlook_item_past_the_limit_in_a_worker_is_refused_and_the_message_analysed(
    tmp_path: Path,
) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    path = blobs.path_of(blobs.put(with_outlook_item(slow_outlook_item())))
    with TimedExtractor(workers=1) as extractor:
        result = extractor.analyse_file(path, RECEIVED, rules(0.01), blobs).result()
    [item] = [a for a in result.record.attachments if a.filename == "sang-kien.msg"]
    assert item.extraction == Extraction(
        ExtractStatus.REFUSED, "", "reading the Outlook item took over 0.01 s"
    )
    assert [a.filename for a in result.record.attachments] == ["sang-kien.msg"]
    assert result.record.subject == "Chuyển tiếp sáng kiến"


def test_an_outlook_item_read_through_the_pool_stops_at_the_limit() -> None:
    with TimedExtractor(workers=1) as extractor:
        late = extractor.read_item(slow_outlook_item(), Limits(timeout_seconds=0.01))
        in_time = extractor.read_item(slow_outlook_item(), Limits(timeout_seconds=30))
    assert late == OutlookRead(refused="reading the Outlook item took over 0.01 s")
    assert in_time.item is not None
    assert len(in_time.item.attachments) == 480
