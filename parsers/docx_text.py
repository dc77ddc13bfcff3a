"""Read the text of a python-docx ``Document`` from its XML, in reading order.

python-docx builds a proxy object and runs XPath queries for every paragraph,
run and table cell, which costs more than opening the file. The lines here come
from one walk over the XML tree python-docx has already parsed, with its rules:
a paragraph is the text of its runs (also inside hyperlinks), where ``w:tab``
and ``w:ptab`` are a tab, ``w:br`` (a line break) and ``w:cr`` a newline and
``w:noBreakHyphen`` a hyphen.

``open_document`` opens the file with python-docx, but leaves the parts the
text never comes from (styles, settings, numbering) as bytes instead of
parsing their XML: Word's own styles part alone is up to 350 KB, and parsing it
took most of the time of opening a one-page document (7.5 ms against 1.6 ms).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc"
_R, _HYPERLINK, _T, _BR = f"{_W}r", f"{_W}hyperlink", f"{_W}t", f"{_W}br"
_TC_PR, _V_MERGE, _VAL, _TYPE = f"{_W}tcPr", f"{_W}vMerge", f"{_W}val", f"{_W}type"
_TXBX_CONTENT, _FALLBACK = f"{_W}txbxContent", f"{_MC}Fallback"
_RUN_SYMBOLS = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}


_OPENING: ContextVar[bool] = ContextVar("_OPENING", default=False)
_installed = False


def open_document(data: bytes) -> Any:
    """Return the python-docx ``Document`` of ``data``, its unread parts left unparsed.

    Only while it opens: a document python-docx opens or writes anywhere else in
    the process (the council's documents) gets every part as python-docx makes it.
    """
    import docx

    _install_selector()
    token = _OPENING.set(True)
    try:
        return docx.Document(io.BytesIO(data))
    finally:
        _OPENING.reset(token)


def _install_selector() -> None:
    """Put a part class selector before python-docx's own (its public hook:
    ``PartFactory.part_class_selector``); it answers a plain ``Part`` (the bytes) for
    the unread parts while ``open_document`` runs, and defers to python-docx's otherwise."""
    global _installed
    if _installed:
        return
    from docx.opc.constants import CONTENT_TYPE
    from docx.opc.part import Part, PartFactory

    previous = PartFactory.part_class_selector
    # The parts the text never comes from: styles, settings, numbering.
    unread = {CONTENT_TYPE.WML_STYLES, CONTENT_TYPE.WML_SETTINGS, CONTENT_TYPE.WML_NUMBERING}

    def select(content_type: str, reltype: str) -> type[Part] | None:
        if _OPENING.get() and content_type in unread:
            return Part
        return previous(content_type, reltype) if previous is not None else None

    PartFactory.part_class_selector = select
    _installed = True


def docx_lines(document: Any) -> Iterator[str]:
    """Yield the lines of a document: page headers, body, text boxes, page footers."""
    headers = list(_header_footer_elements(document, "header"))
    footers = list(_header_footer_elements(document, "footer"))
    for element in headers:
        yield from _block_lines(element)
    yield from _block_lines(document.element.body)
    yield from _text_boxes(document.element)
    for element in footers:
        yield from _block_lines(element)


def _header_footer_elements(document: Any, kind: str) -> Iterator[Any]:
    # A section that inherits its header from the previous one has none of its own;
    # several sections may also name the same part.
    seen: set[int] = set()
    for section in document.sections:
        for name in (f"first_page_{kind}", kind, f"even_page_{kind}"):
            try:
                header_footer = getattr(section, name)
                if header_footer.is_linked_to_previous:
                    continue
                part = header_footer.part
            except Exception:  # a broken relationship: skip that header
                continue
            if id(part) not in seen:
                seen.add(id(part))
                yield part.element


def _block_lines(container: Any) -> Iterator[str]:
    """Yield the lines of the paragraphs and tables directly in ``container``, in order."""
    for child in container:
        tag = child.tag
        if tag == _P:
            yield paragraph_text(child)
        elif tag == _TBL:
            yield from _table_lines(child)


def _table_lines(table: Any) -> Iterator[str]:
    # A cell merged with the one above (vMerge "continue") repeats that cell: skip it.
    for row in table.iterchildren(_TR):
        for cell in row.iterchildren(_TC):
            properties = cell.find(_TC_PR)
            merge = properties.find(_V_MERGE) if properties is not None else None
            if merge is not None and merge.get(_VAL, "continue") == "continue":
                continue
            yield from _block_lines(cell)


def paragraph_text(paragraph: Any) -> str:
    """Return the text of a ``w:p`` element as python-docx's ``Paragraph.text`` does."""
    parts: list[str] = []
    for child in paragraph:
        tag = child.tag
        if tag == _R:
            _run_text(child, parts)
        elif tag == _HYPERLINK:
            for run in child.iterchildren(_R):
                _run_text(run, parts)
    return "".join(parts)


def _run_text(run: Any, parts: list[str]) -> None:
    for child in run:
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag == _BR:
            # A page or column break is no text; a line break is a newline.
            if child.get(_TYPE, "textWrapping") == "textWrapping":
                parts.append("\n")
        elif tag in _RUN_SYMBOLS:
            parts.append(_RUN_SYMBOLS[tag])


def _text_boxes(element: Any) -> Iterator[str]:
    # python-docx skips text boxes; letterheads are sometimes typed in one. A box is
    # written twice (DrawingML and its VML fallback): read the first only.
    for paragraph in element.iterfind(f".//{_TXBX_CONTENT}//{_P}"):
        if any(ancestor.tag == _FALLBACK for ancestor in paragraph.iterancestors()):
            continue
        yield "".join(t.text or "" for t in paragraph.iter(_T))
