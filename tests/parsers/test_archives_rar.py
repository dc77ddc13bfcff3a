"""RAR attachments: real RAR4 and RAR5 archives (libarchive's test suite) and stored RAR4
archives built here, flattened like .zip within the limits."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from parsers.analysis import AnalysedAttachment
from parsers.archives import unpack
from parsers.documents import ExtractStatus
from parsers.limits import Limits
from tests.parsers.test_attachments import analysed, row

CORPUS = Path(__file__).parents[1] / "data" / "parsers"


def stored_rar(*files: tuple[str, bytes], encrypted: bool = False) -> bytes:
    """Return a RAR 4 archive holding ``files`` uncompressed (method 0x30, "store").

    Making RAR files needs the non-free ``rar``; storing is simple enough to write
    by the published format (technote.txt of RAR 2.9-4.x): blocks of
    CRC16 (low half of a CRC-32), type, flags, size.
    """

    def block(kind: int, flags: int, body: bytes) -> bytes:
        head = struct.pack("<BHH", kind, flags, 7 + len(body)) + body
        return struct.pack("<H", zlib.crc32(head) & 0xFFFF) + head

    parts = [b"Rar!\x1a\x07\x00", block(0x73, 0, b"\0" * 6)]
    for name, data in files:
        encoded = name.encode("utf-8")
        # 0x8000: data follows the header; 0x0200: Unicode name (UTF-8 when it has no NUL).
        flags = 0x8000 | 0x0200 | (0x0004 if encrypted else 0)
        body = struct.pack(
            "<IIBIIBBHI",
            len(data),
            len(data),
            2,  # written on Windows
            zlib.crc32(data),
            0x58C10000,  # 1 June 2024, DOS date and time
            29,  # RAR 2.9 can unpack it
            0x30,
            len(encoded),
            0x20,
        )
        parts += [block(0x74, flags, body + encoded), data]
    parts.append(block(0x7B, 0x4000, b""))
    return b"".join(parts)


def test_a_real_rar4_archive_gives_its_files_with_unicode_names() -> None:
    items = analysed(("Hồ sơ.rar", (CORPUS / "libarchive-rar4-unicode.rar").read_bytes()))
    assert [row(i) for i in items] == [
        ("Hồ sơ.rar", None, None),
        ("新規テキスト ドキュメント.txt", "Hồ sơ.rar", None),
        ("漢字長いファイル名long-filename-in-漢字.txt", "Hồ sơ.rar", None),
    ]
    assert items[2].data == b"kanji"


def test_a_real_rar5_archive_is_flattened_with_the_zip_inside_it() -> None:
    items = analysed(("Hồ sơ.rar", (CORPUS / "libarchive-rar5-zip-in-rar.rar").read_bytes()))
    assert [row(i) for i in items] == [
        ("Hồ sơ.rar", None, None),
        ("inner.zip", "Hồ sơ.rar", None),
        ("THIS_IS_INSIDE_THE_ZIP.txt", "inner.zip", None),
        ("real_after.txt", "Hồ sơ.rar", None),
    ]


def test_a_document_in_a_rar_is_read_and_its_initiative_found() -> None:
    docx = (CORPUS / "report-an-co.docx").read_bytes()
    items = analysed(("Hồ sơ An Cơ.rar", stored_rar(("Hồ sơ/Báo cáo An Cơ.docx", docx))))
    assert [row(i) for i in items] == [
        ("Hồ sơ An Cơ.rar", None, None),
        ("Báo cáo An Cơ.docx", "Hồ sơ An Cơ.rar", "ok"),
    ]
    initiative = items[1].initiative
    assert initiative is not None
    assert initiative.issuer == "ỦY BAN NHÂN DÂN XÃ AN CƠ"


def test_a_rar_with_more_members_than_allowed_is_refused() -> None:
    archive = stored_rar(*((f"tệp {n}.txt", b"x") for n in range(5)))
    [item] = analysed(("nhiều.rar", archive), limits=Limits(max_members=3))
    assert item.extraction is not None
    assert item.extraction.status is ExtractStatus.REFUSED
    assert item.extraction.reason == "too many members (over 3)"


def test_a_rar_that_unpacks_past_the_size_limit_is_refused() -> None:
    archive = stored_rar(("a.txt", b"a" * 6000), ("b.txt", b"b" * 6000))
    unpacked = unpack(".rar", archive, Limits(max_unpacked_bytes=10_000))
    assert unpacked.members == ()
    assert unpacked.refused == "unpacks past 10000 bytes (limit)"


def test_a_rar_member_over_the_file_limit_is_refused() -> None:
    archive = stored_rar(("lớn.pdf", b"%PDF-" + b"0" * 3000))
    unpacked = unpack(".rar", archive, Limits(max_file_bytes=2000))
    assert unpacked.refused == "member 'lớn.pdf' inflates past its limit"


def test_rars_nested_deeper_than_the_limit_stop_at_the_limit() -> None:
    archive = stored_rar(("sâu nhất.txt", b"x"))
    for level in range(4):
        archive = stored_rar((f"tầng {level}.rar", archive))
    items = analysed(("ngoài.rar", archive), limits=Limits(max_depth=2))
    statuses = [i.extraction.status if i.extraction else None for i in items]
    assert statuses == [None, None, ExtractStatus.REFUSED]
    assert items[2].extraction is not None
    assert "nested deeper than 2" in items[2].extraction.reason


def test_an_encrypted_rar_member_is_listed_as_encrypted() -> None:
    archive = stored_rar(("bí mật.docx", b"PK\x03\x04 secret"), encrypted=True)
    [_, member] = analysed(("mật.rar", archive))
    assert (member.filename, member.parent) == ("bí mật.docx", "mật.rar")
    assert member.extraction is not None
    assert member.extraction.status is ExtractStatus.ENCRYPTED


def test_a_file_named_rar_that_is_not_one_is_an_error() -> None:
    [item] = analysed(("hồ sơ.rar", b"PK\x03\x04 not a rar"))
    assert item.extraction is not None
    assert (item.extraction.status, item.extraction.reason) == (
        ExtractStatus.ERROR,
        "not a RAR archive",
    )


def test_a_rar_that_does_not_unpack_in_time_is_refused() -> None:
    archive = (CORPUS / "libarchive-rar5-zip-in-rar.rar").read_bytes()
    # No process starts within a microsecond: the child is killed, the poller goes on.
    unpacked = unpack(".rar", archive, Limits(timeout_seconds=0.000001))
    assert unpacked.refused is not None
    assert unpacked.refused.startswith("unpacking took over")


@pytest.mark.parametrize("cut", [8, 20, 60, 120, 200, 300])
def test_a_truncated_rar_gives_a_status_never_an_exception(cut: int) -> None:
    data = (CORPUS / "libarchive-rar5-zip-in-rar.rar").read_bytes()
    items: list[AnalysedAttachment] = analysed(("cụt.rar", data[:cut]))
    assert items[0].extraction is not None
    assert items[0].extraction.status is ExtractStatus.ERROR


@pytest.mark.parametrize("position", [12, 40, 90, 150, 250, 330])
def test_a_rar_with_a_flipped_byte_never_raises(position: int) -> None:
    data = bytearray((CORPUS / "libarchive-rar5-zip-in-rar.rar").read_bytes())
    data[position] ^= 0x5A
    unpacked = unpack(".rar", bytes(data), Limits())
    assert unpacked.members or unpacked.broken
