"""The fast PDF and DOCX readers give exactly what pypdf and python-docx give."""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any

import docx
import pypdf._text_extraction._text_extractor as text_extractor
import pytest
from docx.enum.text import WD_BREAK
from docx.opc.constants import CONTENT_TYPE
from docx.opc.part import Part
from docx.oxml import parse_xml
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter, apply_configuration
from pypdf._text_extraction import OrientationNotFoundError, crlf_space_check, get_text_operands
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from pypdf.generic._font import Font

from parsers.documents import ExtractStatus, extract_text
from parsers.docx_text import docx_lines, open_document, paragraph_text
from parsers.pdf_content import FastContentStream, parse_operations
from parsers.pdf_text import document_caches, pages_text

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


def varied_layout_pdf() -> bytes:
    """Core and embedded fonts, sizes, spacing, columns and turned text: every layout branch."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)  # a simple font: bytes through its encoding table
    pdf.multi_cell(90, 5, "Administrative reform, one-stop shop. " * 8)
    pdf.set_xy(110, 10)
    pdf.multi_cell(90, 5, "Second column, read beside the first. " * 6)
    pdf.set_font("DejaVu", size=18)
    pdf.set_char_spacing(2)
    pdf.cell(0, 12, "Tên sáng kiến: Số hóa hồ sơ")
    pdf.set_char_spacing(0)
    pdf.ln(14)
    for size in (6, 9, 14):
        pdf.set_font("DejaVu", size=size)
        pdf.cell(30, 8, f"cỡ {size}")
        pdf.cell(30, 8, "tiếp", new_x="LMARGIN", new_y="NEXT")
    for angle in (90, 180, 270):
        with pdf.rotation(angle, x=100, y=200):
            pdf.text(100, 200, f"xoay {angle} độ")
    pdf.set_font("Times", "I", 10)
    pdf.text(20, 280, "Footnote in Times italic")
    return bytes(pdf.output())


@pytest.mark.parametrize(
    "data",
    [
        pytest.param((CORPUS / "report-thai-binh.pdf").read_bytes(), id="report-thai-binh"),
        pytest.param(varied_layout_pdf() if FONT.exists() else b"", id="fpdf2-varied-layout"),
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


def pdf_with_content(content: bytes) -> bytes:
    """Return a one-page PDF showing ``content`` with two simple fonts (F1, F2)."""
    writer = PdfWriter()
    page = writer.add_blank_page(600, 800)
    helvetica = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    # Its own widths (FirstChar 32): a space narrower than its letters.
    widths = ArrayObject(NumberObject(250 + 7 * (n % 60)) for n in range(95))
    narrow = DictionaryObject(
        {
            **helvetica,
            NameObject("/BaseFont"): NameObject("/Narrow"),
            NameObject("/FirstChar"): NumberObject(32),
            NameObject("/LastChar"): NumberObject(126),
            NameObject("/Widths"): widths,
        }
    )
    fonts = DictionaryObject(
        {
            NameObject("/F1"): writer._add_object(helvetica),
            NameObject("/F2"): writer._add_object(narrow),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    page[NameObject("/Contents")] = writer._add_object(stream(content))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


NUMBERS = st.one_of(
    st.integers(-40, 40).map(float),
    st.floats(-40, 40, allow_nan=False).map(lambda x: round(x, 3)),
    st.sampled_from([0.0, 0.3, -0.3, 0.8, 1.0, -1.0, 2.5, 9.6, 12.0, -12.0, 14.4]),
)
# Steps near the thresholds of a 12-point font: a new line past 0.8 of its
# height, a space past the space width beyond the text already shown.
LINE_STEPS = st.sampled_from([-6.0, -8.3, -8.5, -9.0, -9.5, -9.7, -10.2, -12.0, -14.4])
GAPS = st.integers(0, 600).map(lambda tenths: tenths / 10)
WORDS = st.text(alphabet="ab cd.-", min_size=0, max_size=6)
# Turned a quarter at a time, sheared, and stretched more one way than the other.
TURNS = [
    (1, 0, 0, 1),
    (0, 1, -1, 0),
    (-1, 0, 0, -1),
    (0, -1, 1, 0),
    (1, 0.2, 0, 1),
    (1, 0, 0.6, 1),
    (1.8, 0, 0, 1),
    (1, 0, 0, 0.5),
]


def number(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def text_string(text: str) -> str:
    return "(" + text + ")"


OPERATIONS = st.one_of(
    st.tuples(st.sampled_from(["/F1", "/F2"]), st.sampled_from([4, 7.5, 10, 12, 20, 30])).map(
        lambda a: f"{a[0]} {number(a[1])} Tf"
    ),
    st.tuples(NUMBERS, NUMBERS, st.sampled_from(["Td", "TD"])).map(
        lambda a: f"{number(a[0])} {number(a[1])} {a[2]}"
    ),
    st.tuples(GAPS, LINE_STEPS, st.booleans()).map(
        lambda a: f"{number(a[0])} 0 Td" if a[2] else f"0 {number(a[1])} Td"
    ),
    st.tuples(st.sampled_from(TURNS), st.floats(0.5, 2), NUMBERS, NUMBERS).map(
        lambda a: (
            " ".join(number(v * a[1]) for v in a[0])
            + f" {number(200 + a[2])} {number(400 + a[3])} Tm"
        )
    ),
    st.tuples(st.sampled_from(TURNS), NUMBERS, NUMBERS).map(
        lambda a: " ".join(number(v) for v in a[0]) + f" {number(a[1])} {number(a[2])} cm"
    ),
    WORDS.map(lambda t: text_string(t) + " Tj"),
    WORDS.map(lambda t: text_string(t) + " '"),
    st.lists(st.one_of(WORDS.map(text_string), st.integers(-900, 900).map(str)), max_size=5).map(
        lambda items: "[" + " ".join(items) + "] TJ"
    ),
    st.tuples(st.sampled_from(["Tc", "Tw", "TL", "Tz"]), NUMBERS).map(
        lambda a: f"{number(a[1] / 10 if a[0] != 'TL' else a[1])} {a[0]}"
    ),
    st.just("T*"),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(OPERATIONS, min_size=1, max_size=25))
def test_any_placement_of_text_reads_exactly_as_pypdf_reads_it(operations: list[str]) -> None:
    """Moves, turns, sizes, spacing and kerning: the sped-up layout arithmetic is pypdf's."""
    content = ("BT /F1 12 Tf 72 700 Td " + " ".join(operations) + " ET").encode()
    data = pdf_with_content(content)
    expected = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    assert pages_text(PdfReader(io.BytesIO(data)), 10) == expected


# The helpers the fast reader replaces, called directly with the same arguments.
VALUES = st.one_of(
    st.sampled_from([0.0, 1.0, -1.0, 0.5, 2.0, 1e-7, -1e-7, 12.0]),
    st.floats(-50, 50, allow_nan=False, allow_infinity=False),
)
MATRICES = st.lists(VALUES, min_size=6, max_size=6)
SOME_ORIENTATIONS = st.sampled_from([(0, 90, 180, 270), (0,), (90,), (180,), (270,), (90, 270)])
SHOWN = st.sampled_from(["", "a", "ab ", "x\n", " "])


def result_of(function: Any, *args: Any) -> Any:
    try:
        return function(*args)
    except OrientationNotFoundError:
        return "OrientationNotFoundError"


@settings(max_examples=2000, deadline=None)
@given(
    matrices=st.tuples(MATRICES, MATRICES, MATRICES, MATRICES),
    text=SHOWN,
    output=SHOWN,
    orientations=SOME_ORIENTATIONS,
    sizes=st.tuples(VALUES, VALUES, VALUES, VALUES),
    line_span=st.one_of(st.none(), st.tuples(st.sampled_from([4, 5]), VALUES, VALUES)),
)
def test_the_line_and_space_decision_is_pypdf_s(
    matrices: tuple[list[float], ...],
    text: str,
    output: str,
    orientations: tuple[int, ...],
    sizes: tuple[float, float, float, float],
    line_span: tuple[int, float, float] | None,
) -> None:
    cm_prev, tm_prev, cm, tm = matrices
    font_size, str_widths, space_width, str_height = sizes
    args = (
        text,
        (cm_prev, tm_prev),
        (cm, tm),
        (cm, tm),
        None,
        orientations,
        output,
        font_size,
        None,
        str_widths,
        space_width,
        str_height,
        line_span,
    )
    with document_caches():
        ours = result_of(text_extractor.crlf_space_check, *args)
    assert text_extractor.crlf_space_check is not crlf_space_check  # the fast one ran
    assert ours == result_of(crlf_space_check, *args)


@functools.cache
def simple_fonts() -> tuple[Font, ...]:
    page = PdfReader(io.BytesIO(pdf_with_content(b"BT ET"))).pages[0]
    fonts = page["/Resources"]["/Font"]
    return tuple(Font.from_font_resource(fonts[name].get_object()) for name in ("/F1", "/F2"))


@settings(max_examples=1000, deadline=None)
@given(
    operand=st.one_of(st.binary(max_size=12), st.text(alphabet="ab cđ ", max_size=8)),
    matrices=st.tuples(MATRICES, MATRICES),
    orientations=SOME_ORIENTATIONS,
    which=st.integers(0, 1),
    repeat=st.integers(1, 3),
)
def test_the_shown_text_and_its_width_are_pypdf_s(
    operand: bytes | str,
    matrices: tuple[list[float], list[float]],
    orientations: tuple[int, ...],
    which: int,
    repeat: int,
) -> None:
    font = simple_fonts()[which]
    cm, tm = matrices
    operands: list[Any] = [TextStringObject(operand) if isinstance(operand, str) else operand]
    expected = get_text_operands(operands, cm, tm, font, orientations)
    with document_caches():  # the widths cached on the first call are used by the next
        for _ in range(repeat):
            assert (
                text_extractor.get_text_operands(operands, cm, tm, font, orientations) == expected
            )


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


def sectioned_docx() -> bytes:
    """A document with its own first-page, even-page and odd-page headers and a list."""
    document = docx.Document()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    document.settings.odd_and_even_pages_header_footer = True
    section.first_page_header.paragraphs[0].text = "Trang đầu"
    section.header.paragraphs[0].text = "Trang lẻ"
    section.even_page_header.paragraphs[0].text = "Trang chẵn"
    document.add_paragraph("Mục một", style="List Number")
    document.add_paragraph("Tên sáng kiến", style="Heading 1")
    return docx_bytes(document)


@pytest.mark.parametrize(
    "data",
    [
        *(
            pytest.param((CORPUS / name).read_bytes(), id=name)
            for name in ("report-an-co.docx", "official-form-tu-phap.docx", "tcvn3-tc-kh.docx")
        ),
        pytest.param(sectioned_docx(), id="sections-headers-list"),
    ],
)
def test_a_docx_opened_without_its_styles_reads_as_python_docx_opened_whole(data: bytes) -> None:
    whole = docx.Document(io.BytesIO(data))
    assert list(docx_lines(open_document(data))) == list(docx_lines(whole))


def test_open_document_leaves_styles_settings_and_numbering_unparsed() -> None:
    document = open_document(sectioned_docx())
    kinds = {part.content_type: type(part) for part in document.part.package.iter_parts()}
    unread = {
        kinds[content_type]
        for content_type in (
            CONTENT_TYPE.WML_STYLES,
            CONTENT_TYPE.WML_SETTINGS,
            CONTENT_TYPE.WML_NUMBERING,
        )
    }
    assert unread == {Part}
    assert type(document.part).__name__ == "DocumentPart"


def test_a_document_opened_or_written_after_a_read_keeps_its_styles() -> None:
    open_document(sectioned_docx())
    reopened = docx.Document(io.BytesIO(sectioned_docx()))
    assert reopened.styles["Heading 1"].name == "Heading 1"
    written = docx.Document()
    written.add_paragraph("Quyết định", style="Title")
    assert docx.Document(io.BytesIO(docx_bytes(written))).paragraphs[0].style.name == "Title"
