"""An administrative document laid out per Nghị định 30/2020/NĐ-CP, as DOCX bytes (pure).

A document is described by frozen values (who issues it, its number and date,
kind and summary, body, recipients, signer, annexes); ``write_docx`` lays it
out: A4, margins top/bottom 20 mm, left 30 mm, right 15 mm, Times New Roman,
the two-column header with its short rules, "Nơi nhận:" bottom left and the
signature bottom right. Texts that came in a mail (titles, authors) are
written as literal runs: nothing in them is a field or a formula, and
characters XML cannot hold become U+FFFD.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph

from reports.cells import xml_text

FONT = "Times New Roman"
BODY_PT = 14
HEADER_PT = 13
NATION_PT = 12  # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM": 12–13 pt
RECIPIENTS_PT = 12
TABLE_PT = 12
PAGE = (Mm(210), Mm(297))  # A4
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
#: The header table's columns: the issuing body, then the nation and motto (a little
#: wider than the text, as the model in NĐ 30's Phụ lục I is).
HEADER_COLUMNS_MM = (70, 100)
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
#: What a number or a day left for the clerk to fill in looks like.
BLANK = "\u00a0" * 6


@dataclass(frozen=True)
class Header:
    """The top of the document: who issues it, its number, where and when."""

    parent: str  # "UBND HUYỆN CHÂU THÀNH"
    issuer: str  # "PHÒNG NỘI VỤ"
    number: str | None  # "12"; None leaves it blank for the clerk
    suffix: str  # "BC-PNV"
    place: str  # "Châu Thành"
    day: date | None  # None leaves day and month blank, with ``year``
    year: int

    @property
    def number_text(self) -> str:
        """Return "12/BC-PNV" (a blank before the slash when no number is given)."""
        return f"{self.number or BLANK}/{self.suffix}"

    @property
    def number_line(self) -> str:
        return f"Số: {self.number_text}"

    @property
    def date_line(self) -> str:
        if self.day is None:
            return f"{self.place}, ngày{BLANK}tháng{BLANK}năm {self.year}"
        return f"{self.place}, ngày {self.day:%d} tháng {self.day:%m} năm {self.day.year}"


@dataclass(frozen=True)
class Text:
    """A paragraph of the body; a heading is bold and not indented."""

    text: str
    heading: bool = False


@dataclass(frozen=True)
class Table:
    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths_mm: tuple[int, ...]
    #: Columns centred (numbers, dates); the others are left-aligned.
    centred: frozenset[int] = frozenset()
    #: Rows set in bold (a total).
    bold_rows: frozenset[int] = frozenset()


Block = Text | Table


@dataclass(frozen=True)
class Annex:
    """A page (or pages) after the signature: a title, a note and a table."""

    title: str  # "DANH SÁCH SÁNG KIẾN"
    note: str  # "(Kèm theo Báo cáo số …)"
    table: Table
    landscape: bool = False


@dataclass(frozen=True)
class Signer:
    capacity: str  # "TRƯỞNG PHÒNG"
    name: str  # may be empty: the name is written by hand


@dataclass(frozen=True)
class OfficialDocument:
    header: Header
    kind: str  # "BÁO CÁO"
    summary: str  # "Kết quả thực hiện Kế hoạch …"
    body: tuple[Block, ...]
    recipients: tuple[str, ...]
    signer: Signer
    annexes: tuple[Annex, ...] = ()


@dataclass(frozen=True)
class Form:
    """A page filled in by hand and signed (a score sheet): the nation and motto, a title,
    lines of facts, a table, closing lines and the signature; no number, no recipients."""

    title: str  # "PHIẾU ĐÁNH GIÁ …"
    facts: tuple[str, ...]  # "Tên giải pháp: …"
    table: Table
    closing: tuple[str, ...]
    signer: Signer


def write_forms(forms: Sequence[Form]) -> bytes:
    """Return ``forms`` as one DOCX file, each on a page of its own (A4 portrait)."""
    doc = new_document()
    _set_default_font(doc)
    _page(doc.sections[0], landscape=False)
    for number, form in enumerate(forms):
        if number:
            # The break in a paragraph of its own after the signature, too small to
            # spill onto a page by itself.
            breaking = doc.add_paragraph()
            _shrink(breaking)
            breaking.add_run().add_break(WD_BREAK.PAGE)
        _form(doc, form)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _form(doc: Document, form: Form) -> None:
    _centred(doc, NATION, NATION_PT, bold=True)
    _centred(doc, MOTTO, BODY_PT, bold=True)
    _title(doc, form.title, "")
    for fact in form.facts:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(3)
        label, sep, value = fact.partition(": ")
        _run(paragraph, label + sep, BODY_PT, bold=bool(sep))
        _run(paragraph, value if sep else fact, BODY_PT)
    doc.paragraphs[-1].paragraph_format.space_after = Pt(6)
    _table(doc, form.table)
    for line in form.closing:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(3)
        _run(paragraph, line, BODY_PT)
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _widths(table, (70, 95))
    right = table.rows[0].cells[1]
    capacity = right.paragraphs[0]
    capacity.alignment = WD_ALIGN_PARAGRAPH.CENTER
    capacity.paragraph_format.space_before = Pt(12)
    _run(capacity, form.signer.capacity.upper(), BODY_PT, bold=True)
    _centred(right, "(Ký, ghi rõ họ tên)", BODY_PT, italic=True)
    right.add_paragraph().paragraph_format.space_after = Pt(48)
    _centred(right, form.signer.name, BODY_PT, bold=True)


def write_docx(document: OfficialDocument) -> bytes:
    """Return ``document`` laid out as a DOCX file."""
    doc = new_document()
    _set_default_font(doc)
    section = doc.sections[0]
    _page(section, landscape=False)
    _header_table(doc, document.header, HEADER_COLUMNS_MM)
    _title(doc, document.kind, document.summary)
    for block in document.body:
        if isinstance(block, Text):
            _body_text(doc, block)
        else:
            _table(doc, block)
    _closing(doc, document.recipients, document.signer, HEADER_COLUMNS_MM)
    for annex in document.annexes:
        _annex(doc, annex)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _set_default_font(doc: Document) -> None:
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(0)


def _page(section: Section, *, landscape: bool) -> None:
    width, height = PAGE
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    for side, mm in MARGINS_MM.items():
        setattr(section, f"{side}_margin", Mm(mm))


def _run(
    paragraph: Paragraph,
    text: str,
    size: int,
    *,
    bold: bool = False,
    italic: bool = False,
) -> None:
    run = paragraph.add_run(xml_text(text))
    run.font.name = FONT
    run.font.size = Pt(size)
    # Only what differs from the style: an explicit "not bold" per run costs time and bytes.
    if bold:
        run.font.bold = True
    if italic:
        run.font.italic = True
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _centred(
    container: Document | _Cell,
    text: str,
    size: int,
    *,
    bold: bool = False,
    italic: bool = False,
) -> Paragraph:
    paragraph = container.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if text:
        _run(paragraph, text, size, bold=bold, italic=italic)
    return paragraph


def _rule(cell: _Cell, cell_mm: int, rule_mm: int) -> None:
    """Draw the short line under a header's last line: a bordered empty paragraph."""
    paragraph = cell.add_paragraph()
    side = Mm(max(0, (cell_mm - rule_mm) / 2))
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    paragraph.paragraph_format.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    paragraph._p.get_or_add_pPr().append(borders)


def _header_table(doc: Document, header: Header, widths: tuple[int, int]) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _widths(table, widths)
    left, right = table.rows[0].cells
    for cell in (left, right):
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    _centred(left, header.parent.upper(), HEADER_PT)
    _centred(left, header.issuer.upper(), HEADER_PT, bold=True)
    _rule(left, widths[0], 22)
    _centred(left, header.number_line, HEADER_PT)
    _centred(right, NATION, NATION_PT, bold=True)
    _centred(right, MOTTO, BODY_PT, bold=True)
    _rule(right, widths[1], 62)
    _centred(right, header.date_line, BODY_PT, italic=True)


def _title(doc: Document, kind: str, summary: str) -> None:
    first = _centred(doc, kind.upper(), BODY_PT, bold=True)
    first.paragraph_format.space_before = Pt(18)
    last = _centred(doc, summary.upper(), BODY_PT, bold=True) if summary else first
    last.paragraph_format.space_after = Pt(12)


def _body_text(doc: Document, block: Text) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    form = paragraph.paragraph_format
    form.first_line_indent = None if block.heading else Mm(10)
    form.keep_with_next = block.heading  # never a heading alone at the foot of a page
    form.space_before = Pt(6)
    form.line_spacing = 1.15
    _run(paragraph, block.text, BODY_PT, bold=block.heading)


def _table(doc: Document, block: Table) -> None:
    table = doc.add_table(rows=1, cols=len(block.headings))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _repeat_header(table.rows[0])
    for cell, heading in zip(table.rows[0].cells, block.headings, strict=True):
        _cell_text(cell, heading, bold=True, centred=True)
    for number, values in enumerate(block.rows):
        row = table.add_row()
        # The row's own cells: `row.cells` walks the whole table each time (slow for
        # an annex of hundreds of initiatives).
        cells = [_Cell(tc, table) for tc in row._tr.tc_lst]
        for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
            bold = number in block.bold_rows
            _cell_text(cell, value, bold=bold, centred=index in block.centred)
    _widths(table, block.widths_mm)
    doc.add_paragraph()


def _widths(table: DocxTable, widths_mm: Sequence[int]) -> None:
    """Fix the columns' widths: Word reads the cells', LibreOffice the grid's."""
    for column, mm in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(mm)
    for tr in table._tbl.tr_lst:
        for tc, mm in zip(tr.tc_lst, widths_mm, strict=True):
            tc.width = Mm(mm)


def _repeat_header(row: _Row) -> None:
    """Repeat the heading row on every page the table runs over."""
    properties = row._tr.get_or_add_trPr()
    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    properties.append(mark)


def _cell_text(cell: _Cell, text: str, *, bold: bool, centred: bool) -> None:
    paragraph = cell.paragraphs[0]
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, text, TABLE_PT, bold=bold)


def _closing(
    doc: Document, recipients: tuple[str, ...], signer: Signer, widths: tuple[int, int]
) -> None:
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _widths(table, (widths[0] + 15, widths[1] - 15))
    left, right = table.rows[0].cells
    heading = left.paragraphs[0]
    _run(heading, "Nơi nhận:", RECIPIENTS_PT, bold=True, italic=True)
    for line in recipients:
        _run(left.add_paragraph(), f"- {line}", RECIPIENTS_PT)
    capacity = right.paragraphs[0]
    capacity.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(capacity, signer.capacity.upper(), BODY_PT, bold=True)
    # Room for the signature and the seal.
    space = right.add_paragraph()
    space.paragraph_format.space_after = Pt(72)
    _centred(right, signer.name, BODY_PT, bold=True)


def _shrink(paragraph: Paragraph) -> None:
    """Make the empty paragraph that ends a section too small to spill onto a page of its own."""
    paragraph.paragraph_format.line_spacing = Pt(1)
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(0)


def _annex(doc: Document, annex: Annex) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _shrink(doc.paragraphs[-1])  # the paragraph that holds the break
    _page(section, landscape=annex.landscape)
    _centred(doc, "Phụ lục", BODY_PT, bold=True)
    _centred(doc, annex.title.upper(), BODY_PT, bold=True)
    note = _centred(doc, annex.note, BODY_PT, italic=True)
    note.paragraph_format.space_after = Pt(12)
    _table(doc, annex.table)
