"""A file is read once: the same bytes, named alike, by the same readers, are looked up."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ingest import readonce
from ingest.extraction import TimedExtractor
from ingest.readonce import ReadOnce, read_key
from parsers.documents import Extraction, ExtractStatus, extract_text
from parsers.limits import Limits
from tests.ingest.test_extraction import RECEIVED, rules, stored

LIMITS = Limits()
PDF = "application/pdf"


class Counting:
    """A reader that says what it read and counts how often it was asked."""

    def __init__(self, status: ExtractStatus = ExtractStatus.OK) -> None:
        self.status = status
        self.calls = 0

    def __call__(self, filename: str, content_type: str, data: bytes, limits: Limits) -> Extraction:
        self.calls += 1
        return Extraction(self.status, data.decode(), "lý do")


def test_the_same_bytes_sent_again_are_looked_up_not_read(tmp_path: Path) -> None:
    reader = Counting()
    once = ReadOnce(reader, tmp_path)
    first = once("Sáng kiến.pdf", PDF, "Tên sáng kiến".encode(), LIMITS)
    again = ReadOnce(reader, tmp_path)("ban-sao.PDF", PDF, "Tên sáng kiến".encode(), LIMITS)
    assert first == again == Extraction(ExtractStatus.OK, "Tên sáng kiến", "lý do")
    assert reader.calls == 1


@pytest.mark.parametrize(
    ("name", "content_type", "data", "limits"),
    [
        ("a.docx", PDF, b"x", LIMITS),  # read by another reader
        ("a.pdf", "application/octet-stream", b"x", LIMITS),
        ("a.pdf", PDF, b"y", LIMITS),
        ("a.pdf", PDF, b"x", Limits(ocr=False)),
    ],
)
def test_another_name_type_content_or_limit_is_read_again(
    tmp_path: Path, name: str, content_type: str, data: bytes, limits: Limits
) -> None:
    reader = Counting()
    once = ReadOnce(reader, tmp_path)
    once("a.pdf", PDF, b"x", LIMITS)
    once(name, content_type, data, limits)
    assert reader.calls == 2


def test_a_file_read_with_another_number_of_ocr_workers_is_looked_up(tmp_path: Path) -> None:
    # The workers change how fast a scan is read, not what is read; keys made
    # before the key existed stay valid.
    reader = Counting()
    ReadOnce(reader, tmp_path)("a.pdf", PDF, b"x", Limits(ocr_workers=1))
    ReadOnce(reader, tmp_path)("a.pdf", PDF, b"x", Limits(ocr_workers=4))
    assert reader.calls == 1
    assert "ocr_workers" not in repr(LIMITS)


@pytest.mark.parametrize("status", [ExtractStatus.ERROR, ExtractStatus.REFUSED])
def test_an_error_or_a_refusal_that_may_pass_is_not_kept(
    tmp_path: Path, status: ExtractStatus
) -> None:
    reader = Counting(status)
    once = ReadOnce(reader, tmp_path)
    once("a.pdf", PDF, b"x", LIMITS)
    once("a.pdf", PDF, b"x", LIMITS)
    assert reader.calls == 2


def test_after_a_reader_upgrade_the_file_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = Counting()
    ReadOnce(reader, tmp_path)("a.pdf", PDF, b"x", LIMITS)
    before = read_key("a.pdf", PDF, b"x", LIMITS)
    monkeypatch.setattr(readonce, "reader_version", lambda: "2;pypdf=99")
    assert read_key("a.pdf", PDF, b"x", LIMITS) != before
    ReadOnce(reader, tmp_path)("a.pdf", PDF, b"x", LIMITS)
    assert reader.calls == 2


def test_a_kept_result_that_cannot_be_read_means_reading_the_file_again(tmp_path: Path) -> None:
    reader = Counting()
    ReadOnce(reader, tmp_path)("a.pdf", PDF, b"x", LIMITS)
    [kept] = (tmp_path / "extracted").rglob("*.json")
    kept.write_text("{not json", encoding="utf-8")
    assert ReadOnce(reader, tmp_path)("a.pdf", PDF, b"x", LIMITS).text == "x"
    assert reader.calls == 2
    assert json.loads(kept.read_text(encoding="utf-8"))["text"] == "x"  # kept anew
    assert os.stat(kept.parent).st_mode & 0o077 == 0  # beside the files: owner-only


def logs_each_read(filename: str, content_type: str, data: bytes, limits: Limits) -> Extraction:
    """Read for real, and leave a line in $READ_LOG for each file read (in a child)."""
    with open(os.environ["READ_LOG"], "a", encoding="utf-8") as log:
        log.write(filename + "\n")
    return extract_text(filename, content_type, data, limits)


def test_a_message_analysed_again_in_a_worker_reads_none_of_its_files_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "reads.log"
    monkeypatch.setenv("READ_LOG", str(log))
    blobs, path = stored(tmp_path, "02-tu-phap-pdf.eml")
    with TimedExtractor(logs_each_read, workers=1) as extractor:
        extractor.start()
        first = extractor.analyse_file(path, RECEIVED, rules(), blobs).result()
        again = extractor.analyse_file(path, RECEIVED, rules(), blobs).result()
    reads = log.read_text(encoding="utf-8").splitlines()
    documents = [a for a in first.record.attachments if a.is_document]
    assert len(reads) == len(documents) >= 1
    assert again.record.attachments == first.record.attachments
    assert again.seconds["extract"] < first.seconds["extract"]
