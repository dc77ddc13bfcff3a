"""Read the text of PDF pages with pypdf, without its two slowest steps.

pypdf's ``extract_text()`` does the extraction, with pypdf's own results; but
the page's content stream is parsed by ``parsers.pdf_content``, and each font
is built once per document instead of once per page.
"""

from __future__ import annotations

import copy
import itertools
from contextvars import ContextVar

import pypdf._page
from pypdf import PageObject, PdfReader
from pypdf.constants import PageAttributes
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject
from pypdf.generic._font import Font

from parsers.pdf_content import FastContentStream


def pages_text(reader: PdfReader, max_pages: int) -> list[str]:
    """Return the text of the first ``max_pages`` pages, each font read once."""
    fonts = _DOCUMENT_FONTS.set({})
    try:
        return [page_text(page, reader) for page in itertools.islice(reader.pages, max_pages)]
    finally:
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


if getattr(pypdf._page, "Font", None) is Font:
    pypdf._page.Font = _DocumentFont  # type: ignore[attr-defined]
