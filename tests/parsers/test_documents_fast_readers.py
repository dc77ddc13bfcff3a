"""The fast PDF and DOCX readers give exactly what pypdf and python-docx give."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, apply_configuration
from pypdf.generic import ContentStream, DecodedStreamObject

from parsers.documents import ExtractStatus, extract_text
from parsers.docx_text import docx_lines, paragraph_text
from parsers.pdf_content import FastContentStream, parse_operations
from parsers.pdf_text import pages_text

CORPUS = Path(__file__).parents[1] / "data" / "parsers"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def stream(data: bytes) -> DecodedStreamObject:
    content = DecodedStreamObject()
    content.set_data(data)
    return content


def pypdf_operations(data: bytes) -> list[tuple[Any, bytes]]:
    return ContentStream(stream(data), None, "bytes").operations


def fast_operations(data: bytes) -> list[tuple[Any, bytes]]:
    return FastContentStream(stream(data), None, "bytes").operations


def typed(value: Any) -> Any:
    """Return ``value`` with the type of every object, to compare objects and not just values."""
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [typed(item) for item in value])
    if isinstance(value, dict):
        return (type(value).__name__, {key: typed(item) for key, item in value.items()})
    return (type(value).__name__, value)


def outcome(parse: Any, data: bytes) -> Any:
    """Return the typed operations, or the name of the error pypdf raised."""
    try:
        return typed(parse(data))
    except Exception as error:
        return type(error).__name__


def vietnamese_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=12)
    for page in range(2):
        pdf.add_page()
        pdf.multi_cell(
            0, 7, f"ỦY BAN NHÂN DÂN XÃ THÁI BÌNH (trang {page + 1})\n" + "Cải cách " * 60
        )
        pdf.cell(0, 7, "Tên sáng kiến: Một cửa (số hóa) [hồ sơ] \\ 100%")
    return bytes(pdf.output())


@pytest.mark.parametrize(
    "data",
    [
        pytest.param((CORPUS / "report-thai-binh.pdf").read_bytes(), id="report-thai-binh"),
        pytest.param((CORPUS / "owner-password-only.pdf").read_bytes(), id="owner-password"),
        pytest.param(vietnamese_pdf() if FONT.exists() else b"", id="fpdf2-vietnamese"),
    ],
)
def test_every_pdf_page_reads_exactly_as_pypdf_reads_it(data: bytes) -> None:
    if not data:
        pytest.skip("DejaVu font not installed")
    theirs, ours = PdfReader(io.BytesIO(data)), PdfReader(io.BytesIO(data))
    for reader in (theirs, ours):
        if reader.is_encrypted:
            reader.decrypt("")
    expected = [page.extract_text() for page in theirs.pages]
    assert pages_text(ours, 500) == expected
    assert any(text.strip() for text in expected)


@pytest.mark.parametrize(
    ("data", "fast"),
    [
        (b"BT /F1 12 Tf 31.18 800.02 Td [(\x00L\x00&) -91.434(\x00 )] TJ ET", True),
        (b"q 0.57 w 1 0 0 1 72 720 cm BT (a\\(b\\)c) Tj T* (x\\\\y) ' ET Q", True),
        (b"BT (\\101\\7\\777\\0128) Tj (line\\\ncont\\\r\nx) Tj (\\q\\n\\t) Tj ET", True),
        (b"BT <48 65 6c6>Tj [<4142> 3 (c)] TJ /F1 +.5 Tf -.25 5. Tw ET", True),
        (b"/P <</MCID 0>> BDC BT (a) Tj ET EMC /Span <</ActualText <FEFF0041>>> BDC EMC", True),
        (b"% a comment\nBT (a) Tj ET %another\r(b) Tj [] TJ", True),
        (b"BT (a) Tj ET 1 2", True),
        (b"BT (a(b)c) Tj ET", False),
        (b"q BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q", False),
        (b"BT /F#201 12 Tf ET", False),
        (b"BT 1,5 Tc ET", False),
        (b"/P <</A <</B 1>>>> BDC EMC", False),
        (b"[1 [2]] TJ", False),
        (b"BT (unterminated Tj ET", False),
        (b"} BT ET", False),
    ],
)
def test_content_stream_operations_are_pypdf_s_own(data: bytes, fast: bool) -> None:
    assert (parse_operations(data) is not None) == fast
    assert outcome(fast_operations, data) == outcome(pypdf_operations, data)


@pytest.mark.parametrize("budget", [20, 53, 200])
def test_a_content_stream_over_pypdf_s_parsing_budget_is_refused_as_pypdf_refuses_it(
    budget: int,
) -> None:
    data = b"BT " + b"1 " * 50 + b"Tc ET"  # 53 tokens
    with apply_configuration(stream_parsing_work_maximum_count=budget):
        expected = outcome(pypdf_operations, data)
        assert outcome(fast_operations, data) == expected
    assert (expected == "LimitReachedError") == (budget < 53)


PIECES = [
    b"BT", b"ET", b"Tj", b"TJ", b"Tf", b"'", b'"', b"/F1", b"12", b"-3.5", b".5", b"+7", b"1,5",
    b"(abc)", b"(a\\(b)", b"(a(b)c)", b"(\\101\\777)", b"(x\\\ny)", b"(\\q)", b"<48 65>", b"<486>",
    b"<4g>", b"[(a) -20 (b)]", b"[ (a)\x0b(b) ]", b"[[1]]", b"[null]", b"<</MCID 0>>", b"<</A>>",
    b"<</A 1>>stream\n", b"%c\n", b"\x00", b"\x0b", b"1 0 R ", b"BI ID \x00 EI", b")", b"]", b"(",
    b"[", b"<", b"/", b"true", b"\xff",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from([b" ", b"\n", b""])), max_size=8)
)
def test_any_mix_of_tokens_parses_as_pypdf_parses_it(pieces: list[tuple[bytes, bytes]]) -> None:
    data = b"".join(piece + space for piece, space in pieces)
    assert outcome(fast_operations, data) == outcome(pypdf_operations, data)


def paragraph(xml: str) -> Any:
    return parse_xml(f'<w:p xmlns:w="{W}">{xml}</w:p>')


@pytest.mark.parametrize(
    "xml",
    [
        "<w:r><w:t>Một cửa</w:t><w:tab/><w:t xml:space='preserve'> số </w:t></w:r>",
        "<w:r><w:t>a</w:t><w:br/><w:t>b</w:t><w:br w:type='page'/><w:cr/></w:r>",
        "<w:r><w:t>x</w:t><w:br w:type='textWrapping'/><w:br w:type='column'/></w:r>",
        "<w:r><w:noBreakHyphen/><w:ptab w:relativeTo='margin' w:alignment='right' w:leader='none'/>"
        "<w:t/></w:r>",
        "<w:hyperlink w:anchor='x'><w:r><w:t>liên kết</w:t></w:r></w:hyperlink><w:r><w:t>!</w:t></w:r>",
        "<w:ins><w:r><w:t>inserted</w:t></w:r></w:ins><w:r><w:t>kept</w:t></w:r>",
        "<w:r><w:rPr><w:b/></w:rPr><w:t>bold</w:t><w:tab/></w:r><w:bookmarkStart w:id='0'/>",
    ],
)
def test_a_paragraph_reads_as_python_docx_reads_it(xml: str) -> None:
    from docx.text.paragraph import Paragraph

    element = paragraph(xml)
    assert paragraph_text(element) == Paragraph(element, None).text


def docx_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_merged_table_cells_are_read_once() -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Tên sáng kiến"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Nguyễn Thị Lan"
    table.cell(1, 1).text = "Tác giả"
    text = extract_text("bc.docx", "", docx_bytes(document)).text
    assert text.count("Tên sáng kiến") == 1
    assert text.count("Nguyễn Thị Lan") == 1
    assert text.index("Tên sáng kiến") < text.index("Nguyễn Thị Lan") < text.index("Tác giả")


def test_a_table_inside_a_cell_is_read_where_it_stands_in_the_cell() -> None:
    document = docx.Document()
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.paragraphs[0].text = "Trước bảng"
    cell.add_table(rows=1, cols=1).cell(0, 0).text = "Trong bảng"
    cell.add_paragraph("Sau bảng")
    lines = [line for line in docx_lines(docx.Document(io.BytesIO(docx_bytes(document)))) if line]
    assert lines == ["Trước bảng", "Trong bảng", "Sau bảng"]


def test_a_docx_gives_headers_body_breaks_and_footers_in_order() -> None:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "UBND HUYỆN CHÂU THÀNH"
    document.sections[0].footer.paragraphs[0].text = "Trang 1"
    run = document.add_paragraph().add_run("Dòng một")
    run.add_break()
    run.add_text("Dòng hai")
    run.add_break(WD_BREAK.PAGE)
    run.add_tab()
    run.add_text("tiếp")
    document.add_section()  # inherits the header and footer: read once
    extraction = extract_text("bc.docx", "", docx_bytes(document))
    assert extraction.status is ExtractStatus.OK
    assert extraction.text.splitlines() == [
        "UBND HUYỆN CHÂU THÀNH",
        "Dòng một",
        "Dòng hai\ttiếp",
        "",
        "Trang 1",
    ]
