"""Outlook .pst files through readpst: what cannot be read is one reason, and leaves no files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ingest.mailfiles import Kind, MailFiles, NotAnExport, detect
from ingest.pst import PstUnreadable, convert, time_limit

needs_readpst = pytest.mark.skipif(shutil.which("readpst") is None, reason="pst-utils missing")


def pst_header_only(path: Path) -> Path:
    """Write a .pst cut short after its signature (a copy that stopped at 512 bytes)."""
    path.write_bytes(b"!BDN" + bytes(508))
    return path


@needs_readpst
@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (os.urandom(4096), "Error opening File"),
        (b"!BDN" + bytes(508), "Error opening File"),
        (b"", "Error opening File"),
    ],
    ids=["random-bytes", "truncated-header", "empty"],
)
def test_a_file_readpst_cannot_open_gives_its_reason_and_leaves_no_files(
    tmp_path: Path, private_tmp: Path, content: bytes, reason: str
) -> None:
    pst = tmp_path / "hong.pst"
    pst.write_bytes(content)
    with pytest.raises(PstUnreadable) as raised:
        convert(pst)
    assert str(raised.value) == f"readpst không đọc được tệp: {reason}"
    assert list(private_tmp.iterdir()) == []


def test_without_readpst_the_reason_says_to_install_pst_utils(tmp_path: Path) -> None:
    pst = pst_header_only(tmp_path / "a.pst")
    with pytest.raises(PstUnreadable, match=r"hãy cài gói pst-utils \(apt-get install pst-utils\)"):
        convert(pst, program="readpst-khong-co")


def test_readpst_is_given_more_time_for_a_bigger_file() -> None:
    assert time_limit(0) == 120
    assert time_limit(1024 * 1024 * 1024) == 120 + 5 * 1024


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("phongnv.pst", b"not even a pst"),  # by its name, whatever is inside
        ("phongnv.PST", b"not even a pst"),
        ("backup.bin", b"!BDN" + bytes(508)),  # by its signature, whatever its name
    ],
)
def test_a_pst_is_known_by_its_name_or_its_signature(
    tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert detect(path) is Kind.PST


@needs_readpst
def test_a_pst_that_cannot_be_read_is_not_an_export_named_by_its_path(
    tmp_path: Path, private_tmp: Path
) -> None:
    pst = pst_header_only(tmp_path / "phong\x1bnv.pst")
    with pytest.raises(NotAnExport) as raised:
        MailFiles(pst)
    assert str(raised.value) == (
        f"{tmp_path}/phong\ufffdnv.pst: readpst không đọc được tệp: Error opening File"
    )
    assert list(private_tmp.iterdir()) == []


def test_an_ost_and_a_msg_are_still_refused_with_what_to_export(tmp_path: Path) -> None:
    for name in ("phongnv.ost", "thu.msg"):
        path = tmp_path / name
        path.write_bytes(b"x")
        with pytest.raises(NotAnExport, match=r"hãy xuất hộp thư ra tệp \.pst, mbox hoặc \.eml"):
            detect(path)


@needs_readpst
def test_too_little_free_space_for_the_conversion_is_the_reason_and_readpst_never_runs(
    tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ingest.pst.SPACE_FACTOR", 10**15)
    pst = pst_header_only(tmp_path / "lon.pst")
    with pytest.raises(
        PstUnreadable, match=r"^không đủ chỗ trống trong .*đặt TMPDIR sang nơi khác\)$"
    ):
        convert(pst)
    assert list(private_tmp.iterdir()) == []


@needs_readpst
def test_readpst_running_past_its_time_is_stopped_and_its_files_removed(
    tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ingest.pst.BASE_SECONDS", 0.000001)
    monkeypatch.setattr("ingest.pst.SECONDS_PER_MB", 0.0)
    pst = pst_header_only(tmp_path / "cham.pst")
    with pytest.raises(PstUnreadable) as raised:
        convert(pst)
    assert str(raised.value) == "readpst không đọc được tệp: readpst chạy quá 0 giây"
    assert list(private_tmp.iterdir()) == []
