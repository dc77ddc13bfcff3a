"""Outlook items (.msg) read from their compound file, and hostile ones reported, not raised."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.limits import Limits
from parsers.outlook import OutlookRead, read_outlook_item
from scripts.compound_file import compound_file

SAMPLE = (Path(__file__).parents[1] / "data" / "parsers" / "outlook-tu-phap.msg").read_bytes()


def test_an_outlook_item_gives_its_subject_sender_body_and_files() -> None:
    item = read_outlook_item(SAMPLE, Limits()).item
    assert item is not None
    assert item.subject == "Sáng kiến của Phòng Tư pháp năm 2024"
    assert (item.from_address, item.from_name) == (
        "ptp.chauthanh@tayninh.gov.vn",
        "Phòng Tư pháp huyện Châu Thành",
    )
    assert item.body_text.startswith("Kính gửi Phòng Nội vụ")
    [form] = item.attachments
    assert form.path == "Đơn yêu cầu công nhận sáng kiến.docx"
    assert form.data.startswith(b"PK")


def test_without_olefile_an_outlook_item_is_unsupported_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "olefile", None)
    read = read_outlook_item(SAMPLE, Limits())
    assert read.item is None
    assert read.unsupported == "no reader for Outlook items on this machine (olefile)"


def test_eight_bit_strings_are_read_in_the_items_code_page() -> None:
    properties = b"\0" * 32 + struct.pack("<HHI", 0x0003, 0x3FFD, 6) + struct.pack("<Q", 1258)
    data = compound_file(
        {
            "__substg1.0_0037001E": "Báo cáo".encode("cp1258"),
            "__substg1.0_0C1E001E": b"SMTP",
            "__substg1.0_0065001E": b"VANTHU.ANCO@tayninh.gov.vn",
            "__properties_version1.0": properties,
        }
    )
    item = read_outlook_item(data, Limits()).item
    assert item is not None
    assert item.subject == "Báo cáo"
    assert item.from_address == "vanthu.anco@tayninh.gov.vn"
    assert item.date is None and item.attachments == ()


def test_an_embedded_item_is_listed_as_not_read() -> None:
    attachment = {
        "__substg1.0_3001001F": "Thư gốc".encode("utf-16-le"),
        "__properties_version1.0": b"\0" * 8 + struct.pack("<HHIQ", 0x0003, 0x3705, 6, 5),
    }
    data = compound_file({"__attach_version1.0_#00000000": attachment})
    item = read_outlook_item(data, Limits()).item
    assert item is not None
    assert item.attachments == ()
    assert item.skipped == ("Thư gốc: attachment method 5 is not read",)


def test_too_many_attachments_are_refused() -> None:
    data = compound_file(
        {f"__attach_version1.0_#{n:08X}": {"__substg1.0_37010102": b"x"} for n in range(4)}
    )
    assert read_outlook_item(data, Limits(max_members=3)).refused


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(SAMPLE) - 1), st.binary(min_size=1, max_size=8))))
def test_a_mutated_outlook_item_never_raises(patches: list[tuple[int, bytes]]) -> None:
    data = bytearray(SAMPLE)
    for offset, chunk in patches:
        data[offset : offset + len(chunk)] = chunk
    read = read_outlook_item(bytes(data), Limits())
    assert isinstance(read, OutlookRead)
    assert (read.item is not None) != bool(read.broken or read.refused or read.unsupported)
