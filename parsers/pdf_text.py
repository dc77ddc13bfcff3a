"""Read the text of PDF pages with pypdf, without its slowest steps.

pypdf's ``extract_text()`` does the extraction, with pypdf's own results; but
while ``pages_text`` reads a document:

- the page's content stream is parsed by ``parsers.pdf_content``;
- each font is built once per document instead of once per page;
- the width of each character is looked up once per font, not once per
  character shown, and the two helpers pypdf calls for every text-showing
  operator do their matrix arithmetic without building intermediate lists.

The helpers are pypdf's own (pypdf 7, BSD licence), rewritten with the same
floating-point operations in the same order, so the text is identical;
``tests/parsers/test_documents_fast_readers.py`` compares it with plain pypdf.
Outside ``pages_text`` pypdf's own functions run.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import math
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

import pypdf._page
import pypdf._text_extraction._text_extractor as text_extractor
from pypdf import PageObject, PdfReader
from pypdf._text_extraction import OrientationNotFoundError, crlf_space_check, get_text_operands
from pypdf.constants import PageAttributes
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    StreamObject,
    TextStringObject,
)
from pypdf.generic._font import Font

from parsers.pdf_content import FastContentStream


def pages_text(reader: PdfReader, max_pages: int) -> list[str]:
    """Return the text of the first ``max_pages`` pages, each font read once."""
    with document_caches():
        return [page_text(page, reader) for page in itertools.islice(reader.pages, max_pages)]


@contextlib.contextmanager
def document_caches() -> Iterator[None]:
    """Within: fonts and widths are kept for the document, and the fast helpers run."""
    fonts = _DOCUMENT_FONTS.set({})
    widths = _DOCUMENT_WIDTHS.set({})
    try:
        yield
    finally:
        _DOCUMENT_WIDTHS.reset(widths)
        _DOCUMENT_FONTS.reset(fonts)


def page_text(page: PageObject, reader: PdfReader) -> str:
    """Return the text pypdf extracts from ``page``, its content stream parsed fast."""
    # Decoding the content here also lets pypdf's decompression-bomb error
    # (LimitReachedError) reach the caller: extract_text() would swallow it.
    contents = page.get(PageAttributes.CONTENTS)
    if contents is not None:
        resolved = contents.get_object()
        if isinstance(resolved, (ArrayObject, StreamObject)):
            page[NameObject(PageAttributes.CONTENTS)] = FastContentStream(resolved, reader, "bytes")
    return page.extract_text() or ""


# pypdf builds a Font (its ToUnicode map, its widths) from the font dictionary on
# every page, though a document's pages share a few fonts. pypdf has no hook for
# this, so the Font its page module uses is replaced by a subclass that builds each
# font once while pages_text() reads a document, and is pypdf's own everywhere
# else. Should pypdf stop using that name, nothing is replaced (only slower).
_DOCUMENT_FONTS: ContextVar[dict[int, tuple[DictionaryObject, Font]] | None] = ContextVar(
    "_DOCUMENT_FONTS", default=None
)


class _DocumentFont(Font):
    @classmethod
    def from_font_resource(cls, pdf_font_dict: DictionaryObject) -> Font:
        fonts = _DOCUMENT_FONTS.get()
        if fonts is None:
            return Font.from_font_resource(pdf_font_dict)
        built = fonts.get(id(pdf_font_dict))
        if built is None or built[0] is not pdf_font_dict:
            built = fonts[id(pdf_font_dict)] = (
                pdf_font_dict,
                Font.from_font_resource(pdf_font_dict),
            )
        # extract_text() may set a font's space width: each page gets its own copy.
        return copy.copy(built[1])


# Per font (keyed by its widths table, which the per-page copies share): char -> width.
_DOCUMENT_WIDTHS: ContextVar[dict[int, tuple[dict[Any, float], dict[str, float]]] | None] = (
    ContextVar("_DOCUMENT_WIDTHS", default=None)
)


def _text_operands(
    operands: list[str | TextStringObject],
    cm_matrix: list[float],
    tm_matrix: list[float],
    font: Font,
    orientations: tuple[int, ...],
) -> tuple[str, bool, float]:
    """pypdf's ``get_text_operands``, each character's width looked up once per font."""
    documents = _DOCUMENT_WIDTHS.get()
    if documents is None:
        return _PYPDF_TEXT_OPERANDS(operands, cm_matrix, tm_matrix, font, orientations)
    text = ""
    is_str_operands = False
    widths = 0.0
    # The two entries of mult(tm_matrix, cm_matrix) that orient() reads.
    m1 = tm_matrix[0] * cm_matrix[1] + tm_matrix[1] * cm_matrix[3]
    m3 = tm_matrix[2] * cm_matrix[1] + tm_matrix[3] * cm_matrix[3]
    orientation = 0 if m3 > 1e-6 else 180 if m3 < -1e-6 else 90 if m1 > 0 else 270
    raw_characters = ""
    if orientation in orientations and len(operands) > 0:
        if isinstance(operands[0], str):
            text = operands[0]
            is_str_operands = True
        else:
            tt: bytes = operands[0]
            if isinstance(font.encoding, str):
                try:
                    text = tt.decode(font.encoding, "surrogatepass")
                except UnicodeDecodeError:
                    text = tt.decode(font.encoding, "replace")
            else:
                encoding = font.encoding
                text = "".join([encoding.get(x, chr(x)) for x in tt])
                raw_characters = "".join([chr(byte) for byte in tt])
        table = font.character_widths
        known = documents.get(id(table))
        if known is None or known[0] is not table:
            known = documents[id(table)] = (table, {})
        cache = known[1]
        space_char = font.space_char
        for char in raw_characters or text:
            if char == space_char:
                widths += font.space_width
            else:
                width = cache.get(char)
                if width is None:
                    width = cache[char] = font.get_text_width(char)
                widths += width
    return (text, is_str_operands, widths)


def _crlf_space_check(
    text: str,
    cmtm_prev: tuple[list[float], list[float]],
    cmtm_matrix: tuple[list[float], list[float]],
    memo_cmtm: tuple[list[float], list[float]],
    font_resource: DictionaryObject | None,
    orientations: tuple[int, ...],
    output: str,
    font_size: float,
    visitor_text: Callable[[Any, Any, Any, Any, Any], None] | None,
    str_widths: float,
    spacewidth: float,
    str_height: float,
    line_span: tuple[int, float, float] | None,
) -> tuple[str, str, list[float], list[float], tuple[int, float, float] | None]:
    """pypdf's ``crlf_space_check``, its matrix products computed in place."""
    if visitor_text is not None or _DOCUMENT_WIDTHS.get() is None:
        return _PYPDF_CRLF_SPACE_CHECK(
            text,
            cmtm_prev,
            cmtm_matrix,
            memo_cmtm,
            font_resource,
            orientations,
            output,
            font_size,
            visitor_text,
            str_widths,
            spacewidth,
            str_height,
            line_span,
        )
    cm_prev, tm_prev = cmtm_prev
    cm_matrix, tm_matrix = cmtm_matrix
    # mult(tm_prev, cm_prev) and mult(tm_matrix, cm_matrix), as pypdf computes them.
    p0 = tm_prev[0] * cm_prev[0] + tm_prev[1] * cm_prev[2]
    p1 = tm_prev[0] * cm_prev[1] + tm_prev[1] * cm_prev[3]
    p2 = tm_prev[2] * cm_prev[0] + tm_prev[3] * cm_prev[2]
    p3 = tm_prev[2] * cm_prev[1] + tm_prev[3] * cm_prev[3]
    p4 = tm_prev[4] * cm_prev[0] + tm_prev[5] * cm_prev[2] + cm_prev[4]
    p5 = tm_prev[4] * cm_prev[1] + tm_prev[5] * cm_prev[3] + cm_prev[5]
    m1 = tm_matrix[0] * cm_matrix[1] + tm_matrix[1] * cm_matrix[3]
    m2 = tm_matrix[2] * cm_matrix[0] + tm_matrix[3] * cm_matrix[2]
    m3 = tm_matrix[2] * cm_matrix[1] + tm_matrix[3] * cm_matrix[3]
    m4 = tm_matrix[4] * cm_matrix[0] + tm_matrix[5] * cm_matrix[2] + cm_matrix[4]
    m5 = tm_matrix[4] * cm_matrix[1] + tm_matrix[5] * cm_matrix[3] + cm_matrix[5]
    orientation = 0 if m3 > 1e-6 else 180 if m3 < -1e-6 else 90 if m1 > 0 else 270
    delta_x = m4 - p4
    delta_y = m5 - p5
    scale_prev_x = math.sqrt(p0**2 + p1**2)
    scale_prev_y = math.sqrt(p2**2 + p3**2)
    scale_y = math.sqrt(m2**2 + m3**2)
    if orientation not in orientations:
        raise OrientationNotFoundError
    if orientation in (0, 180):
        moved_height, moved_width, axis_index, axis = delta_y, delta_x, 5, m5
    else:
        moved_height, moved_width, axis_index, axis = delta_x, delta_y, 4, m4
    if line_span is None or line_span[0] != axis_index:
        distance = abs(moved_height)
    else:
        lower, upper = line_span[1], line_span[2]
        distance = 0.0 if lower <= axis <= upper else min(abs(axis - lower), abs(axis - upper))
    last = text[-1:] or output[-1:]
    threshold = 0.8 * min(str_height * scale_prev_y, font_size * scale_y)
    if distance > threshold:
        if last not in ("", "\n"):
            output += text + "\n"
            text = ""
        line_span = (axis_index, axis, axis)
    else:
        moved_to_other_baseline = abs(moved_height) > threshold
        if (
            moved_to_other_baseline or moved_width >= (spacewidth + str_widths) * scale_prev_x
        ) and last not in ("", " "):
            text += " "
        if last in ("", "\n") or line_span is None or line_span[0] != axis_index:
            line_span = (axis_index, axis, axis)
        else:
            line_span = (axis_index, min(line_span[1], axis), max(line_span[2], axis))
    return text, output, cm_matrix.copy(), tm_matrix.copy(), line_span


# Replaced only where pypdf's text extractor looks them up, and only if they are
# still the functions this module was written against (else pypdf's run, slower).
_PYPDF_TEXT_OPERANDS = get_text_operands
_PYPDF_CRLF_SPACE_CHECK = crlf_space_check
if getattr(pypdf._page, "Font", None) is Font:
    pypdf._page.Font = _DocumentFont  # type: ignore[attr-defined]
if getattr(text_extractor, "get_text_operands", None) is get_text_operands:
    text_extractor.get_text_operands = _text_operands  # type: ignore[attr-defined]
if getattr(text_extractor, "crlf_space_check", None) is crlf_space_check:
    text_extractor.crlf_space_check = _crlf_space_check  # type: ignore[attr-defined]
