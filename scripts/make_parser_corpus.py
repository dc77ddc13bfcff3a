"""Write the parser test corpus (tests/data/parsers): documents, archives and hostile files.

Every file is built with the library that real senders' tools resemble
(python-docx, fpdf2, pypdf, zipfile) or, for the hostile ones, by hand.
Run: .venv/bin/python -m scripts.make_parser_corpus
"""

from __future__ import annotations

import io
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "parsers"
FIXED = datetime(2024, 5, 20, 9, 0, 0)

OFFICIAL_TITLE = "Ứng dụng phần mềm quản lý hồ sơ chứng thực điện tử tại Phòng Tư pháp"
AUTHORS = (
    ("1", "Nguyễn Thị Lan", "12/3/1985", "Phòng Tư pháp", "Trưởng phòng", "Cử nhân Luật", "60%"),
    ("2", "Trần Văn Bình", "02/9/1990", "Phòng Tư pháp", "Chuyên viên", "Cử nhân Luật", "40%"),
)


def _header_table(
    document: Any, left: tuple[str, str], right: tuple[str, str], rows: int = 1
) -> None:
    """Lay the document header out as Word templates do: a borderless 2-column table.

    One row with two paragraphs per cell, or (older templates) one row per line.
    """
    table = document.add_table(rows=rows, cols=2)
    if rows == 1:
        for column, lines in enumerate((left, right)):
            cell = table.cell(0, column)
            cell.text = lines[0]
            cell.add_paragraph(lines[1])
        return
    for row, (a, b) in enumerate(zip(left, right, strict=True)):
        table.cell(row, 0).text = a
        table.cell(row, 1).text = b


def _new_document() -> Any:
    import docx

    document = docx.Document()
    document.core_properties.created = FIXED
    document.core_properties.modified = FIXED
    return document


def _save(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_official_form() -> bytes:
    """Return the official application form (TT 18/2013) of Phòng Tư pháp, header in a table."""
    document = _new_document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Mẫu số 01 - Phụ lục I"
    section.footer.paragraphs[0].text = "Trang 1/1 - Phòng Tư pháp huyện Châu Thành"
    _header_table(
        document,
        ("UBND HUYỆN CHÂU THÀNH", "PHÒNG TƯ PHÁP"),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"),
    )
    document.add_paragraph("Số: 45/ĐYC-PTP")
    document.add_paragraph("ĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN")
    document.add_paragraph("Kính gửi: Hội đồng sáng kiến huyện Châu Thành")
    document.add_paragraph("Tôi (chúng tôi):")
    table = document.add_table(rows=1 + len(AUTHORS), cols=7)
    heads = (
        "Số TT",
        "Họ và tên",
        "Ngày tháng năm sinh",
        "Nơi công tác (hoặc nơi thường trú)",
        "Chức danh",
        "Trình độ chuyên môn",
        "Tỷ lệ (%) đóng góp vào việc tạo ra sáng kiến",
    )
    for column, head in enumerate(heads):
        table.cell(0, column).text = head
    for row, author in enumerate(AUTHORS, start=1):
        for column, value in enumerate(author):
            table.cell(row, column).text = value
    document.add_paragraph(
        f"Là tác giả (nhóm tác giả) đề nghị xét công nhận sáng kiến: {OFFICIAL_TITLE}"
    )
    document.add_paragraph("- Chủ đầu tư tạo ra sáng kiến: Phòng Tư pháp huyện Châu Thành")
    document.add_paragraph("- Lĩnh vực áp dụng sáng kiến: Cải cách thủ tục hành chính")
    document.add_paragraph(
        "- Ngày sáng kiến được áp dụng lần đầu hoặc áp dụng thử: ngày 15 tháng 3 năm 2024"
    )
    document.add_paragraph("- Mô tả bản chất của sáng kiến: số hóa hồ sơ chứng thực.")
    return _save(document)


def docx_commune_report() -> bytes:
    """Return a commune's local description layout ("ỦY BAN NHÂN DÂN" over "XÃ AN CƠ")."""
    document = _new_document()
    _header_table(
        document,
        ("ỦY BAN NHÂN DÂN", "XÃ AN CƠ"),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"),
        rows=2,
    )
    document.add_paragraph("An Cơ, ngày 20 tháng 5 năm 2024")
    document.add_paragraph("BÁO CÁO MÔ TẢ SÁNG KIẾN")
    document.add_paragraph("1. Tên sáng kiến: Tổ công nghệ số cộng đồng hỗ trợ người dân")
    document.add_paragraph("2. Tác giả: Lê Minh Tâm, Phạm Thị Hoa")
    document.add_paragraph("3. Lĩnh vực áp dụng sáng kiến: Chuyển đổi số, chính quyền số")
    document.add_paragraph("4. Thời gian áp dụng lần đầu: 01/02/2024")
    return _save(document)


def docx_tcvn3() -> bytes:
    """Return a .docx typed in TCVN3 with a .VnTime font, as old templates still are."""
    document = _new_document()
    lines = (
        "UBND huyÖn Ch©u Thµnh",
        "Phßng Tµi chÝnh - KÕ ho¹ch",
        "B¸o c¸o m« t¶ s¸ng kiÕn",
        "1. Tªn s¸ng kiÕn: Thanh to¸n kh«ng dïng tiÒn mÆt trong thu phÝ, lÖ phÝ",
        "2. T¸c gi¶: NguyÔn V¨n Hïng",
    )
    for line in lines:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(line)
        run.font.name = ".VnTime"
    return _save(document)


def docx_entity_bomb() -> bytes:
    """Return a .docx whose document.xml declares nested entities (billion laughs)."""
    source = zipfile.ZipFile(io.BytesIO(docx_commune_report()))
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    bomb = (
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:document [{entities}]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&a9;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = bomb if info.filename == "word/document.xml" else source.read(info)
            target.writestr(info, data)
    return buffer.getvalue()


def _pdf(pages: list[list[str]]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(FIXED)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.set_font("DejaVu", size=12)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def pdf_report() -> bytes:
    """Return a two-page description printed from Word (text layer present)."""
    return _pdf(
        [
            [
                "ỦY BAN NHÂN DÂN",
                "XÃ THÁI BÌNH",
                "BÁO CÁO MÔ TẢ SÁNG KIẾN",
                "1. Tên sáng kiến: Ứng dụng mã QR tra cứu thủ tục hành chính tại Bộ phận một cửa",
                "2. Tác giả: Võ Thị Mai",
            ],
            ["3. Lĩnh vực áp dụng sáng kiến: Cải cách thủ tục hành chính"],
        ]
    )


def pdf_image_only() -> bytes:
    """Return a 'scanned' PDF: drawings only, no text layer."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(FIXED)
    pdf.add_page()
    for step in range(20):
        pdf.rect(10 + step * 5, 10 + step * 5, 50, 20)
    return bytes(pdf.output())


def _encrypt(data: bytes, user: str, owner: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user, owner_password=owner, algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_password() -> bytes:
    """Return a PDF that needs a password to open."""
    return _encrypt(pdf_report(), "matkhau", "chu-so-huu")


def pdf_owner_only() -> bytes:
    """Return a PDF with only an owner password: it opens with the empty one."""
    return _encrypt(pdf_report(), "", "chu-so-huu")


def pdf_bomb(inflated: int = 120 * 1024 * 1024) -> bytes:
    """Return a one-page PDF whose content stream inflates to ``inflated`` bytes."""
    stream = zlib.compress(b" " * inflated, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


class _LegacyNameInfo(zipfile.ZipInfo):
    """A member whose name is written in a Windows code page without the UTF-8 flag."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        return self.filename.encode("cp1258"), self.flag_bits & ~0x800


def _zip(members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = (
                name
                if isinstance(name, zipfile.ZipInfo)
                else zipfile.ZipInfo(name, (2024, 5, 20, 9, 0, 0))
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def zip_bundle() -> bytes:
    """Return a bundle: a form, a PDF in a folder, a Windows-named file, and Mac junk."""
    legacy = _LegacyNameInfo("Bao cao.pdf", (2024, 5, 20, 9, 0, 0))
    legacy.filename = "Báo cáo.pdf"
    return _zip(
        [
            ("Hồ sơ sáng kiến/Đơn yêu cầu.docx", docx_official_form()),
            ("Hồ sơ sáng kiến/", b""),
            (legacy, pdf_report()),
            ("__MACOSX/._Đơn yêu cầu.docx", b"junk"),
            ("../../etc/cron.d/evil.docx", docx_commune_report()),
        ]
    )


def zip_bomb() -> bytes:
    """Return a 'zip bomb': one member that inflates 1000:1."""
    return _zip([("bom.docx", b"\0" * (20 * 1024 * 1024))])


def zip_nested(depth: int = 5) -> bytes:
    """Return a ZIP inside a ZIP … ``depth`` levels deep, a PDF at the bottom."""
    data = _zip([("sâu.pdf", pdf_report())])
    for level in range(depth - 1, 0, -1):
        data = _zip([(f"lớp {level}.zip", data)])
    return data


def zip_encrypted_member() -> bytes:
    """Return a ZIP whose member is marked encrypted (traditional PKWARE)."""
    data = bytearray(_zip([("mật.docx", b"\x00" * 64)]))
    # zipfile cannot write encrypted members: set bit 0 of the general-purpose
    # flags in the local header (offset 6) and the central directory (offset 8).
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    data[local + 6] |= 0x1
    data[central + 8] |= 0x1
    return bytes(data)


def seven_zip_bundle() -> bytes:
    """Return a .7z bundle (py7zr) with the commune's report in a folder."""
    import py7zr

    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w") as archive:
        archive.writestr(docx_commune_report(), "Hồ sơ/Báo cáo An Cơ.docx")
        archive.writestr(b"\0" * 16, "ghi chú.txt")
    return buffer.getvalue()


def _tnef_attribute(level: int, attribute: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return struct.pack("<BII", level, attribute, len(data)) + data + struct.pack("<H", checksum)


def winmail_dat() -> bytes:
    """Return an Outlook winmail.dat (TNEF) carrying a PDF, built attribute by attribute."""
    message, attachment = 1, 2
    parts = [
        struct.pack("<IH", 0x223E9F78, 0x0001),
        _tnef_attribute(message, 0x00089006, struct.pack("<I", 0x00010000)),  # version
        _tnef_attribute(message, 0x00069007, struct.pack("<II", 1258, 0)),  # OEM code page
        _tnef_attribute(attachment, 0x00069002, b"\x01\x00" + b"\xff" * 12),  # rendering
        _tnef_attribute(attachment, 0x00018010, "Báo cáo.pdf".encode("cp1258") + b"\0"),
        _tnef_attribute(attachment, 0x0006800F, pdf_report()),  # data
    ]
    return b"".join(parts)


# A minimal Word 97 writer (compound file + FIB + one-piece table), enough for
# antiword: no Word 97 writer exists for Python, and a .doc is what old PCs send.
_END, _FREE, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(
    name: str,
    kind: int,
    child: int = _NOSTREAM,
    left: int = _NOSTREAM,
    start: int = _END,
    size: int = 0,
) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", left, _NOSTREAM, child)
        + b"\0" * 36
        + struct.pack("<IQ", start, size)
    )


def _compound_file(streams: list[tuple[str, bytes]]) -> bytes:
    """Return an OLE compound file (v3) holding ``streams``, each of 4096 bytes or more."""
    sectors: list[bytes] = []
    starts: list[int] = []
    fat = [_FATSECT, _END]  # sector 0 is the FAT, sector 1 the directory
    for _, data in streams:
        padded = data + b"\0" * (-len(data) % 512)
        count = len(padded) // 512
        first = 2 + len(sectors)
        starts.append(first)
        for i in range(count):
            sectors.append(padded[i * 512 : (i + 1) * 512])
            fat.append(first + i + 1 if i < count - 1 else _END)
    fat += [_FREE] * (128 - len(fat))
    entries = [_dir_entry("Root Entry", 5, child=len(streams))]
    for index, ((name, data), start) in enumerate(zip(streams, starts, strict=True), start=1):
        left = index - 1 if index > 1 else _NOSTREAM
        entries.append(_dir_entry(name, 2, left=left, start=start, size=len(data)))
    entries += [_dir_entry("", 0)] * (4 - len(entries))
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", _FREE) * 108
    )
    return header + struct.pack("<128I", *fat) + b"".join(entries) + b"".join(sectors)


def doc_word97(text: str, unicode: bool = True, encrypted: bool = False) -> bytes:
    """Return a Word 97 .doc with ``text``: UTF-16, or 8-bit cp1252 as old documents are."""
    text = text.replace("\n", "\r").rstrip("\r") + "\r"
    fc_text = 0x400
    encoded = text.encode("utf-16-le") if unicode else text.encode("cp1252")
    fib = bytearray(fc_text)
    struct.pack_into("<HHHH", fib, 0, 0xA5EC, 0x00C1, 0, 0x042A)  # Word 97, Vietnamese
    flags = 0x0200 | 0x1000 | (0x0100 if encrypted else 0)  # 1Table, fExtChar, fEncrypted
    struct.pack_into("<HH", fib, 0x0A, flags, 0x00BF)
    struct.pack_into("<II", fib, 0x18, fc_text, fc_text + len(encoded))  # fcMin, fcMac
    struct.pack_into("<H", fib, 0x20, 14)  # csw
    struct.pack_into("<H", fib, 0x3E, 22)  # cslw
    size = max(4096, fc_text + len(encoded))
    struct.pack_into("<I", fib, 0x40, size)  # cbMac
    struct.pack_into("<I", fib, 0x4C, len(text))  # ccpText
    struct.pack_into("<H", fib, 0x98, 93)  # cbRgFcLcb
    piece = fc_text if unicode else (fc_text * 2) | 0x40000000  # bit 30: 8-bit text
    plc = struct.pack("<II", 0, len(text)) + struct.pack("<HIH", 0, piece, 0)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    struct.pack_into("<II", fib, 0x9A + 33 * 8, 0, len(clx))  # fcClx, lcbClx
    # An empty stylesheet (STSHI of 18 bytes, no styles) and font table: antiword
    # reads both and overruns a missing one.
    stsh = struct.pack("<H9H", 18, 0, 10, 0, 0, 0, 0, 0, 0, 0)
    fonts = struct.pack("<HH", 0, 0)
    struct.pack_into("<II", fib, 0x9A + 1 * 8, len(clx), len(stsh))  # fcStshf
    struct.pack_into("<II", fib, 0x9A + 15 * 8, len(clx) + len(stsh), len(fonts))  # fcSttbfFfn
    word = (bytes(fib) + encoded).ljust(size, b"\0")
    table = (clx + stsh + fonts).ljust(4096, b"\0")
    return _compound_file([("WordDocument", word), ("1Table", table)])


def doc_unicode() -> bytes:
    return doc_word97(
        "ỦY BAN NHÂN DÂN\nXÃ HẢO ĐƯỚC\nBÁO CÁO MÔ TẢ SÁNG KIẾN\n"
        "1. Tên sáng kiến: Sổ tay điện tử thủ tục hành chính cấp xã\n2. Tác giả: Đặng Văn Tư"
    )


def doc_tcvn3() -> bytes:
    return doc_word97(
        "Céng hßa x· héi chñ nghÜa ViÖt Nam\n"
        "1. Tªn s¸ng kiÕn: Thanh to¸n kh«ng dïng tiÒn mÆt trong thu phÝ\n"
        "2. T¸c gi¶: NguyÔn V¨n Hïng",
        unicode=False,
    )


def doc_encrypted() -> bytes:
    return doc_word97("Bí mật", encrypted=True)


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def _rtf_cp1258(text: str) -> bytes:
    """Escape ``text`` as \\'hh bytes of windows-1258: base letter, then tone mark."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
        tones = "".join(c for c in parts if c in _TONE_MARKS)
        for byte in (base + tones).encode("cp1258"):
            out += bytes([byte]) if byte < 0x80 else b"\\'%02x" % byte
    return out


def _rtf_unicode(text: str) -> bytes:
    """Escape ``text`` as Word does: \\uN with a "?" fallback for non-ASCII letters."""
    return b"".join(
        ch.encode() if ord(ch) < 0x80 else b"\\u%d?" % ord(ch)
        for ch in unicodedata.normalize("NFC", text)
    )


def rtf_report() -> bytes:
    """Return an RTF as Word writes it: \\u escapes, windows-1258 bytes, skipped groups."""
    return (
        b"{\\rtf1\\ansi\\ansicpg1258\\deff0{\\fonttbl{\\f0 Times New Roman;}}"
        b"{\\*\\generator Microsoft Word;}{\\info{\\author "
        + _rtf_unicode("Văn thư")
        + b"}}\\uc1\\pard "
        + _rtf_unicode("ỦY BAN NHÂN DÂN")
        + b"\\par "
        + _rtf_unicode("XÃ THANH ĐIỀN")
        + b"\\par {\\b "
        + _rtf_cp1258("BÁO CÁO MÔ TẢ SÁNG KIẾN")
        + b"}\\par "
        + _rtf_cp1258("1. Tên sáng kiến: ")
        + _rtf_unicode("Phần mềm hội nghị trực tuyến")
        + b"\\par "
        + _rtf_cp1258("2. Tác giả: Huỳnh Văn Lộc")
        + b"\\par }"
    )


def _msg_string(tag: int, text: str) -> tuple[str, bytes]:
    return f"__substg1.0_{tag:04X}001F", text.encode("utf-16-le")


def _msg_properties(header: bytes, fixed: list[tuple[int, int, bytes]]) -> bytes:
    """Return a __properties_version1.0 stream: ``header`` then (id, type, 8-byte value)."""
    rows = b"".join(struct.pack("<HHI", kind, prop, 6) + value for prop, kind, value in fixed)
    return header + rows


def outlook_msg() -> bytes:
    """Return an Outlook item (.msg) from Phòng Tư pháp carrying its official form (.docx).

    Laid out as [MS-OXMSG] says Outlook saves one: properties of fixed size in
    ``__properties_version1.0``, strings in ``__substg1.0_*`` streams, each
    attachment in its own storage.
    """
    from scripts.compound_file import Tree, compound_file

    sent = datetime(2024, 5, 20, 2, 30, 0)  # UTC
    filetime = int((sent - datetime(1601, 1, 1)).total_seconds()) * 10_000_000
    attachment: Tree = dict(
        [
            _msg_string(0x3707, "Đơn yêu cầu công nhận sáng kiến.docx"),
            _msg_string(0x3704, "DONYEU~1.DOC"),
            _msg_string(
                0x370E, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            ),
            ("__substg1.0_37010102", docx_official_form()),
            (
                "__properties_version1.0",
                _msg_properties(b"\0" * 8, [(0x3705, 0x0003, struct.pack("<Q", 1))]),
            ),
        ]
    )
    counts = struct.pack("<8xIIII8x", 0, 1, 0, 1)
    message: Tree = dict(
        [
            _msg_string(0x0037, "Sáng kiến của Phòng Tư pháp năm 2024"),
            _msg_string(0x0C1A, "Phòng Tư pháp huyện Châu Thành"),
            _msg_string(0x0C1F, "ptp.chauthanh@tayninh.gov.vn"),
            _msg_string(0x5D01, "ptp.chauthanh@tayninh.gov.vn"),
            _msg_string(0x1000, "Kính gửi Phòng Nội vụ,\r\nGửi kèm đơn yêu cầu công nhận."),
            (
                "__properties_version1.0",
                _msg_properties(counts, [(0x0039, 0x0040, struct.pack("<Q", filetime))]),
            ),
            # Named properties: none, but readers expect the three streams.
            (
                "__nameid_version1.0",
                {f"__substg1.0_000{n}0102": b"" for n in (2, 3, 4)},
            ),
            ("__attach_version1.0_#00000000", attachment),
        ]
    )
    return compound_file(message)


CORPUS_FILES: dict[str, Callable[[], bytes]] = {
    "official-form-tu-phap.docx": docx_official_form,
    "report-an-co.docx": docx_commune_report,
    "tcvn3-tc-kh.docx": docx_tcvn3,
    "entity-bomb.docx": docx_entity_bomb,
    "report-thai-binh.pdf": pdf_report,
    "scanned.pdf": pdf_image_only,
    "password.pdf": pdf_password,
    "owner-password-only.pdf": pdf_owner_only,
    "bundle.zip": zip_bundle,
    "zip-bomb.zip": zip_bomb,
    "nested-5.zip": zip_nested,
    "encrypted-member.zip": zip_encrypted_member,
    "bundle.7z": seven_zip_bundle,
    "winmail.dat": winmail_dat,
    "word97-hao-duoc.doc": doc_unicode,
    "word97-tcvn3.doc": doc_tcvn3,
    "word97-encrypted.doc": doc_encrypted,
    "report-thanh-dien.rtf": rtf_report,
    "outlook-tu-phap.msg": outlook_msg,
}


def main() -> None:
    CORPUS.mkdir(parents=True, exist_ok=True)
    for name, build in CORPUS_FILES.items():
        (CORPUS / name).write_bytes(build())
    # The PDF bomb is built by the test itself: 120 MB inflated is cheap to compress
    # but a committed copy would add nothing.
    print(f"wrote {len(CORPUS_FILES)} files to {CORPUS}")


if __name__ == "__main__":
    main()
